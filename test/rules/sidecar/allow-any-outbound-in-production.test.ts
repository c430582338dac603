import { testRule } from "../../helpers/rule-tester.js";
import { allowAnyOutboundInProduction } from "../../../src/rules/sidecar/allow-any-outbound-in-production.js";
import { meshedPod, namespace } from "./fixtures.js";

const prod = namespace("shop-prod", ["istio-injection: enabled"]);
const dev = namespace("shop-dev", ["istio-injection: enabled"]);
const mesh = (mode?: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    accessLogFile: /dev/stdout
    defaultConfig:
      discoveryAddress: istiod.istio-system.svc:15012${mode ? `\n    outboundTrafficPolicy:\n      mode: ${mode}` : ""}
    rootNamespace: istio-system
`;

testRule(allowAnyOutboundInProduction, {
  valid: [
    { name: "ALLOW_ANY with only dev namespaces", files: { "ns.yaml": dev, "cm.yaml": mesh("ALLOW_ANY"), "pod.yaml": meshedPod({ namespace: "shop-dev" }) } },
    { name: "REGISTRY_ONLY mesh-wide", files: { "ns.yaml": prod, "cm.yaml": mesh("REGISTRY_ONLY"), "pod.yaml": meshedPod({ namespace: "shop-prod" }) } },
  ],
  invalid: [
    {
      name: "ALLOW_ANY (unset) with a production namespace",
      files: { "ns.yaml": prod, "cm.yaml": mesh(), "pod.yaml": meshedPod({ namespace: "shop-prod" }) },
      expect: { count: 1, category: "outbound-traffic-blocked", severity: "warning", resource: { kind: "Namespace", name: "shop-prod" }, evidence: ["Istio's default is ALLOW_ANY"], fixIncludes: ["mode: REGISTRY_ONLY", "kind: Sidecar"] },
    },
  ],
});
