import { sidecarOutboundModeUnset } from "../../../src/rules/istio/sidecar-outbound-mode-unset.js";
import { testRule } from "../../helpers/rule-tester.js";

const sidecar = (policy: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  egress:\n  - hosts: ["./*", "istio-system/*"]\n${policy}`;
const egressProxy = "    egressProxy:\n      host: istio-egressgateway.istio-system.svc.cluster.local\n      port:\n        number: 80\n";

testRule(sidecarOutboundModeUnset, {
  valid: [
    { name: "no outboundTrafficPolicy", files: { "sc.yaml": sidecar("") } },
    { name: "ALLOW_ANY written", files: { "sc.yaml": sidecar(`  outboundTrafficPolicy:\n    mode: ALLOW_ANY\n${egressProxy}`) } },
    { name: "REGISTRY_ONLY written (Kiali flags it too; it is what was meant)", files: { "sc.yaml": sidecar("  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY\n") } },
  ],
  invalid: [
    {
      name: "egressProxy without a mode",
      files: { "sc.yaml": sidecar(`  outboundTrafficPolicy:\n${egressProxy}`) },
      expect: { severity: "warning", resource: { kind: "Sidecar", namespace: "bookinfo", line: 9 }, summary: /sets outboundTrafficPolicy without a mode, so its workloads are REGISTRY_ONLY/, fixIncludes: [/mode: ALLOW_ANY/], equivalents: ["KIA1007"] },
    },
    { name: "empty policy", files: { "sc.yaml": sidecar("  outboundTrafficPolicy: {}\n") }, expect: { equivalents: ["KIA1007"] } },
    { name: "empty mode", files: { "sc.yaml": sidecar('  outboundTrafficPolicy:\n    mode: ""\n') }, expect: { equivalents: ["KIA1007"] } },
  ],
});
