import { workloadGroupServiceAccountMissing } from "../../../src/rules/istio/workloadgroup-service-account-missing.js";
import { testRule } from "../../helpers/rule-tester.js";

const group = (account: string) => `apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: reviews-vm\n  namespace: bookinfo\nspec:\n  metadata:\n    labels:\n      app: reviews\n  template:\n    serviceAccount: ${account}\n    network: vm-network\n`;
const account = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: bookinfo\n`;

testRule(workloadGroupServiceAccountMissing, {
  valid: [
    { name: "existing account", files: { "wg.yaml": group("bookinfo-reviews"), "sa.yaml": account("bookinfo-reviews") } },
    { name: "the default account", files: { "wg.yaml": group("default"), "sa.yaml": account("bookinfo-reviews") } },
    { name: "no ServiceAccount inventory: cannot tell", files: { "wg.yaml": group("bookinfo-reviewz") } },
  ],
  invalid: [
    { name: "misspelt account", files: { "wg.yaml": group("bookinfo-reviewz"), "sa.yaml": account("bookinfo-reviews") }, expect: { severity: "warning", resource: { kind: "WorkloadGroup", line: 11 }, summary: /ServiceAccount bookinfo-reviewz, which is not in namespace bookinfo; did you mean bookinfo-reviews\?/, equivalents: ["KIA1701"] } },
  ],
});
