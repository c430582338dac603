import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatewayCredentialInvalid } from "../../../src/rules/istio/gateway-credential-invalid.js";
import { testRule, type InvalidCase, type RuleCase } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\n  namespace: bookinfo\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    tls:\n      mode: SIMPLE\n      credentialName: bookinfo-credential\n    hosts:\n    - bookinfo.example.com`;
const secret = (data: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: bookinfo-credential\n  namespace: istio-system\ntype: kubernetes.io/tls\ndata:\n${data}`;
const b64 = (text: string) => Buffer.from(text).toString("base64");

/** A real self-signed certificate valid for 30 days, made with openssl when the machine has it. */
function selfSigned(): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "ktriage-cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "30", "-subj", "/CN=bookinfo.example.com"], { stdio: "ignore" });
    return { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pair = selfSigned();
const valid: RuleCase[] = [];
const invalid: InvalidCase[] = [
  { name: "keys named tls.cert instead of tls.crt", files: { "a.yaml": docs(ingressGateway, gateway, secret(`  tls.cert: ${b64("x")}\n  tls.key: ${b64("y")}`)) }, expect: { severity: "error", summary: /holds tls.cert, tls.key, not tls.crt and tls.key/, equivalents: ["IST0161"] } },
  { name: "tls.crt that is not PEM", files: { "a.yaml": docs(ingressGateway, gateway, secret(`  tls.crt: ${b64("hush hush hush\n")}\n  tls.key: ${b64("secret secret\n")}`)) }, expect: { summary: /tls.crt is not a PEM X.509 certificate/ } },
];
if (pair) {
  const data = secret(`  tls.crt: ${b64(pair.cert)}\n  tls.key: ${b64(pair.key)}`);
  valid.push({ name: "a current certificate", files: { "a.yaml": docs(ingressGateway, gateway, data) }, now: new Date(Date.now() + 86_400_000).toISOString() });
  invalid.push({ name: "the certificate expired", files: { "a.yaml": docs(ingressGateway, gateway, data) }, now: new Date(Date.now() + 40 * 86_400_000).toISOString(), expect: { summary: /CN=bookinfo.example.com\) expired on/ } });
}

testRule(gatewayCredentialInvalid, { valid, invalid });
