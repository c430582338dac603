import { authorizationPolicyRequiresMtls } from "../../../src/rules/istio/authorization-policy-requires-mtls.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";
import { curl, httpbin, httpbinPolicy } from "./authorization-fixtures.js";

const byPrincipal = httpbinPolicy(`  - from:\n    - source:\n        principals: ["cluster.local/ns/sleep/sa/curl"]`);
const byNamespaceCondition = httpbinPolicy(`  - when:\n    - key: source.namespace\n      values: ["sleep"]`);
const byIp = httpbinPolicy(`  - from:\n    - source:\n        ipBlocks: ["10.0.0.0/8"]`);
const peer = (namespace: string, mode: string, selector = "") => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n${selector}  mtls:\n    mode: ${mode}`;
const rule = (host: string, namespace: string, mode: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: tls\n  namespace: ${namespace}\nspec:\n  host: "${host}"\n  trafficPolicy:\n    tls:\n      mode: ${mode}`;
const autoMtlsOff = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    enableAutoMtls: false`;
const httpbinSelector = "  selector:\n    matchLabels:\n      app: httpbin\n";

testRule(authorizationPolicyRequiresMtls, {
  valid: [
    { name: "nothing configured: auto mTLS", files: { "a.yaml": docs(httpbin, curl, byPrincipal) } },
    { name: "namespace STRICT", files: { "a.yaml": docs(httpbin, curl, peer("foo", "STRICT"), byPrincipal) } },
    { name: "mesh PERMISSIVE with auto mTLS", files: { "a.yaml": docs(httpbin, curl, peer("istio-system", "PERMISSIVE"), byPrincipal) } },
    { name: "auto mTLS off, STRICT and an ISTIO_MUTUAL namespace rule", files: { "a.yaml": docs(httpbin, curl, autoMtlsOff, peer("foo", "STRICT"), rule("*.foo.svc.cluster.local", "foo", "ISTIO_MUTUAL"), byPrincipal) } },
    { name: "namespace disabled, workload STRICT", files: { "a.yaml": docs(httpbin, curl, peer("foo", "DISABLE"), peer("foo", "STRICT", httpbinSelector).replace("name: default", "name: httpbin"), byPrincipal) } },
    { name: "mTLS disabled, but the policy matches on IP blocks", files: { "a.yaml": docs(httpbin, curl, peer("foo", "DISABLE"), byIp) } },
  ],
  invalid: [
    { name: "namespace PeerAuthentication DISABLE", files: { "a.yaml": docs(httpbin, curl, peer("foo", "DISABLE"), byPrincipal) }, expect: { severity: "error", summary: /principals needs the peer's mTLS identity, but the workloads it applies to in foo do not receive mTLS \(mTLS is disabled there\)/, equivalents: ["KIA0105"] } },
    { name: "mesh PeerAuthentication DISABLE", files: { "a.yaml": docs(httpbin, curl, peer("istio-system", "DISABLE"), byNamespaceCondition) }, expect: { summary: /condition source.namespace needs the peer's mTLS identity/ } },
    { name: "workload PeerAuthentication DISABLE under a STRICT namespace", files: { "a.yaml": docs(httpbin, curl, peer("foo", "STRICT"), peer("foo", "DISABLE", httpbinSelector).replace("name: default", "name: httpbin"), byPrincipal) }, expect: { count: 1 } },
    { name: "auto mTLS off and nothing enables mTLS", files: { "a.yaml": docs(httpbin, curl, autoMtlsOff, byPrincipal) }, expect: { summary: /auto mTLS is off/ } },
    { name: "namespace DestinationRule DISABLE with a DISABLE policy", files: { "a.yaml": docs(httpbin, curl, peer("foo", "DISABLE"), rule("*.foo.svc.cluster.local", "foo", "DISABLE"), byPrincipal) }, expect: { count: 1 } },
  ],
});
