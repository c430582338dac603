import { tlsOrClockError } from "../../../src/rules/pod/tls-or-clock-error.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const crashing = () => list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] }));
const log = (text: string) => [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text }];

testRule(tlsOrClockError, {
  valid: [
    { name: "healthy pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "a TLS warning in a running pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "2025/06/02 10:00:00 http: TLS handshake error from 10.244.0.1:40512: EOF\n" }], now: NOW },
  ],
  invalid: [
    { name: "linkerd identity: certificate expired or not yet valid (linkerd2#3980)", files: { "pod.json": crashing() }, logs: log('time="2020-01-23T21:12:23Z" level=error msg="could not process CSR because of CA cert validation failure: x509: certificate has expired or is not yet valid"\n'), now: NOW, expect: { category: "tls-or-clock-error", fixIncludes: [/openssl x509 -noout -dates/] } },
    { name: "unknown authority, image without CA certificates (1Password injector#39)", files: { "pod.json": crashing() }, logs: log('[ERROR] 2023/07/13 22:09:45 error initializing client: Get "https://example.1password.com/api/v2/auth/methods": tls: failed to verify certificate: x509: certificate signed by unknown authority\n'), now: NOW, expect: { category: "tls-or-clock-error", fixIncludes: [/CA bundle/] } },
    { name: "Java PKIX path building failed", files: { "pod.json": crashing() }, logs: log("javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target\n"), now: NOW, expect: { category: "tls-or-clock-error" } },
  ],
});
