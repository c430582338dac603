import { namespaceInjectionLabels } from "../../../src/rules/istio/namespace-injection-labels.js";
import { testRule } from "../../helpers/rule-tester.js";

const namespace = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n${labels}`;

testRule(namespaceInjectionLabels, {
  valid: [
    { name: "istio-injection=enabled", files: { "ns.yaml": namespace("  labels:\n    istio-injection: enabled\n") } },
    { name: "revision label", files: { "ns.yaml": namespace("  labels:\n    istio.io/rev: 1-27-1\n") } },
    { name: "explicitly disabled", files: { "ns.yaml": namespace("  labels:\n    istio-injection: disabled\n") } },
    { name: "a cluster without Istio: namespaces need no injection label", mode: "offline", files: { "ns.yaml": namespace("") } },
  ],
  invalid: [
    { name: "no label", mode: "lint", files: { "ns.yaml": namespace("") }, expect: { severity: "info", summary: /not enabled for sidecar injection/, fixIncludes: [/kubectl label namespace shop istio-injection=enabled/], equivalents: ["IST0102"] } },
    { name: "istio-injection and istio.io/rev", mode: "lint", files: { "ns.yaml": namespace("  labels:\n    istio-injection: enabled\n    istio.io/rev: canary\n") }, expect: { severity: "warning", summary: /2 injection labels/, fixIncludes: [/istio-injection-/], equivalents: ["IST0123"] } },
    {
      name: "a cluster where istiod runs",
      mode: "offline",
      files: {
        "ns.yaml": namespace(""),
        "istiod.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istiod\n  namespace: istio-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: discovery\n        image: docker.io/istio/pilot:1.27.0\n",
      },
      expect: { severity: "info", equivalents: ["IST0102"] },
    },
  ],
});
