import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/engine/engine.js";
import { buildLintInput } from "../../../src/sources/lint-input.js";
import { gatewayPortNotOnService } from "../../../src/rules/istio/gateway-port-not-on-service.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway } from "./fixtures.js";

const gateway = (port: number) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: grafana-gateway\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: ${port}\n      name: http-grafana\n      protocol: HTTP\n    hosts:\n    - "grafana.example.com"`;

testRule(gatewayPortNotOnService, {
  valid: [
    { name: "Service port 80", files: { "a.yaml": docs(ingressGateway, gateway(80)) } },
    { name: "the Service's targetPort 8080", files: { "a.yaml": docs(ingressGateway, gateway(8080)) } },
  ],
  invalid: [
    {
      name: "port 15031 that the ingress Service does not expose",
      files: { "a.yaml": docs(ingressGateway, gateway(15031)) },
      expect: { severity: "warning", summary: /port 15031, which Service istio-system\/istio-ingressgateway does not expose \(it exposes 15021, 80, 443\)/, fixIncludes: [/port: 15031/], equivalents: ["IST0162"] },
    },
  ],
});

/** `ktriage lint` on files: the view gets the assumed istio-ingressgateway, as istioctl analyze does. */
function lintGatewayPorts(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "ktriage-gw-"));
  try {
    writeFileSync(join(dir, "gateways.yaml"), text);
    const { view } = buildLintInput({ paths: [dir] });
    return runRules([gatewayPortNotOnService], view, { scope: "lint" }).findings.map((finding) => `${finding.resource.namespace}/${finding.resource.name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const httpsGateway = (name: string, port: number) =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: ${port}\n      name: https\n      protocol: HTTPS\n    tls:\n      mode: SIMPLE\n      credentialName: test-01-wildcard-cert\n    hosts:\n    - "01.test-01.com"`;
/** A second ingress gateway pod, with no Service of its own in the files (Istio's gateway-duplicate-certificate case). */
const internalGatewayPod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: internal-ingressgateway\n  namespace: istio-system\n  labels:\n    type: internal\n    istio: ingressgateway\nspec:\n  containers:\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1`;

describe("gateway ports against the assumed istio-ingressgateway", () => {
  it("is silent on port 443 when the files bring a second ingress gateway pod", () => {
    expect(lintGatewayPorts([httpsGateway("gateway-01-test-01", 443), httpsGateway("gateway-02-test-01", 443), internalGatewayPod].join("\n---\n"))).toEqual([]);
  });
  it("still reports a port the assumed Service does not expose", () => {
    expect(lintGatewayPorts([httpsGateway("gateway-01-test-01", 8004), internalGatewayPod].join("\n---\n"))).toEqual(["istio-system/gateway-01-test-01"]);
  });
  it("reports port 8004 with no gateway pod in the files", () => {
    expect(lintGatewayPorts(httpsGateway("httpbin-gateway", 8004))).toEqual(["istio-system/httpbin-gateway"]);
  });
});
