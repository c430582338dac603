import { namespaceInjectionLabels } from "../../../src/rules/istio/namespace-injection-labels.js";
import { testRule } from "../../helpers/rule-tester.js";

const namespace = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n${labels}`;

testRule(namespaceInjectionLabels, {
  valid: [
    { name: "istio-injection=enabled", files: { "ns.yaml": namespace("  labels:\n    istio-injection: enabled\n") } },
    { name: "revision label", files: { "ns.yaml": namespace("  labels:\n    istio.io/rev: 1-27-1\n") } },
    { name: "explicitly disabled", files: { "ns.yaml": namespace("  labels:\n    istio-injection: disabled\n") } },
  ],
  invalid: [
    { name: "no label", files: { "ns.yaml": namespace("") }, expect: { severity: "info", summary: /not enabled for sidecar injection/, fixIncludes: [/kubectl label namespace shop istio-injection=enabled/], equivalents: ["IST0102"] } },
    { name: "istio-injection and istio.io/rev", files: { "ns.yaml": namespace("  labels:\n    istio-injection: enabled\n    istio.io/rev: canary\n") }, expect: { severity: "warning", summary: /2 injection labels/, fixIncludes: [/istio-injection-/], equivalents: ["IST0123"] } },
  ],
});
