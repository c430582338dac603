import { mtlsDestinationRuleConflict } from "../../../src/rules/istio/mtls-destinationrule-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsDeployment, reviewsPod, reviewsService } from "./fixtures.js";

const peer = (mode: string, namespace = "default") => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n  mtls:\n    mode: ${mode}`;
const dr = (mode: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews-tls\n  namespace: default\nspec:\n  host: reviews.default.svc.cluster.local\n  trafficPolicy:\n    tls:\n      mode: ${mode}`;
const injected = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels:\n    istio-injection: enabled`;
const notInjected = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels:\n    istio-injection: disabled`;

testRule(mtlsDestinationRuleConflict, {
  valid: [
    { name: "ISTIO_MUTUAL to STRICT workloads", files: { "a.yaml": docs(injected, reviewsService, reviewsDeployment("v1"), peer("STRICT"), dr("ISTIO_MUTUAL")) } },
    { name: "DISABLE to PERMISSIVE workloads", files: { "a.yaml": docs(injected, reviewsService, reviewsDeployment("v1"), peer("PERMISSIVE"), dr("DISABLE")) } },
    { name: "running pods are judged by sidecar/mtls-mode-conflict", files: { "a.yaml": docs(reviewsService, reviewsPod("v1", "7f9c6d8d5b-x2x4q"), peer("STRICT"), dr("DISABLE")) } },
  ],
  invalid: [
    {
      name: "DISABLE towards mesh-wide STRICT, before deploy",
      files: { "a.yaml": docs(injected, reviewsService, reviewsDeployment("v1"), peer("STRICT", "istio-system"), dr("DISABLE")) },
      expect: { severity: "error", category: "mtls-mode-conflict", resource: { kind: "DestinationRule", line: 68 }, summary: /sends plaintext \(tls.mode DISABLE\)/, evidence: [/mtls.mode: STRICT/], fixIncludes: [/mode: ISTIO_MUTUAL/] },
    },
    {
      name: "ISTIO_MUTUAL towards a namespace with PeerAuthentication DISABLE",
      files: { "a.yaml": docs(injected, reviewsService, reviewsDeployment("v1"), peer("DISABLE"), dr("ISTIO_MUTUAL")) },
      expect: { summary: /PeerAuthentication disables mTLS/, fixIncludes: [/mode: DISABLE/] },
    },
    {
      name: "ISTIO_MUTUAL towards workloads that will run without sidecar",
      files: { "a.yaml": docs(notInjected, reviewsService, reviewsDeployment("v1"), dr("ISTIO_MUTUAL")) },
      expect: { summary: /have no sidecar to terminate it/, equivalents: ["IST0115"] },
    },
  ],
});
