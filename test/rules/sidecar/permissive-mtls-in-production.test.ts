import { testRule } from "../../helpers/rule-tester.js";
import { permissiveMtlsInProduction } from "../../../src/rules/sidecar/permissive-mtls-in-production.js";
import { meshedPod, namespace } from "./fixtures.js";

const prod = namespace("shop-prod", ["istio-injection: enabled"]);
const labelledProd = namespace("payments", ["istio-injection: enabled", "environment: production"]);
const dev = namespace("shop-dev", ["istio-injection: enabled"]);
const pa = (ns: string, mode: string): string => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: ${ns}
spec:
  mtls:
    mode: ${mode}
`;
testRule(permissiveMtlsInProduction, {
  valid: [
    { name: "PERMISSIVE in a dev namespace (a development setting)", files: { "ns.yaml": dev, "pa.yaml": pa("shop-dev", "PERMISSIVE"), "pod.yaml": meshedPod({ namespace: "shop-dev" }) } },
    { name: "mesh-wide STRICT covers the production namespace", files: { "ns.yaml": prod, "pa.yaml": pa("istio-system", "STRICT"), "pod.yaml": meshedPod({ namespace: "shop-prod" }) } },
  ],
  invalid: [
    {
      name: "PERMISSIVE PeerAuthentication in shop-prod",
      files: { "ns.yaml": prod, "pa.yaml": pa("shop-prod", "PERMISSIVE"), "pod.yaml": meshedPod({ namespace: "shop-prod" }) },
      expect: { count: 1, category: "mtls-mode-conflict", severity: "warning", resource: { kind: "PeerAuthentication", namespace: "shop-prod", line: 8 }, evidence: ['name "shop-prod"', "mtls.mode PERMISSIVE"], fixIncludes: ["mode: STRICT"] },
    },
    {
      name: "no policy at all (default PERMISSIVE) in a namespace labelled environment=production",
      files: { "ns.yaml": labelledProd, "other.yaml": pa("shop-dev", "PERMISSIVE"), "pod.yaml": meshedPod({ namespace: "payments" }) },
      expect: { category: "mtls-mode-conflict", resource: { kind: "Namespace", name: "payments" }, evidence: ["label environment=production", "Istio's default is PERMISSIVE"] },
    },
  ],
});
