import { workloadGroupDuplicateLabels } from "../../../src/rules/istio/workloadgroup-duplicate-labels.js";
import { testRule } from "../../helpers/rule-tester.js";

const group = (name: string, namespace: string, labels: string) => `apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  metadata:\n    labels:\n${labels}  template:\n    serviceAccount: default\n`;

testRule(workloadGroupDuplicateLabels, {
  valid: [
    { name: "different versions", files: { "a.yaml": group("reviews-v1", "bookinfo", "      app: reviews\n      version: v1\n"), "b.yaml": group("reviews-v2", "bookinfo", "      app: reviews\n      version: v2\n") } },
    { name: "same labels in two namespaces", files: { "a.yaml": group("reviews", "bookinfo", "      app: reviews\n"), "b.yaml": group("reviews", "staging", "      app: reviews\n") } },
  ],
  invalid: [
    {
      name: "same labels, other order",
      files: { "a.yaml": group("reviews-a", "bookinfo", "      app: reviews\n      version: v1\n"), "b.yaml": group("reviews-b", "bookinfo", "      version: v1\n      app: reviews\n") },
      expect: { count: 2, severity: "warning", resource: { kind: "WorkloadGroup", name: "reviews-a", line: 8 }, summary: /gives the labels app=reviews,version=v1, as WorkloadGroup bookinfo\/reviews-b does/, equivalents: ["KIA1702"] },
    },
  ],
});
