import { kubectlNeeds, rbacVerbsMissingRule } from "../../../src/rules/manifest/rbac-verbs-missing.js";
import { describe, expect, it } from "vitest";
import { testRule } from "../../helpers/rule-tester.js";
import { cronJob } from "./fixtures.js";

const job = (script: string) => cronJob(`serviceAccountName: pod-reaper\ncontainers:\n- name: reaper\n  image: bitnami/kubectl:1.31.2\n  command: ["sh", "-c", "${script}"]`, { name: "pod-reaper" });
const rbac = (verbs: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: pod-reaper
  namespace: shop
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  namespace: shop
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: [${verbs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: pod-reaper
  namespace: shop
subjects:
- kind: ServiceAccount
  name: pod-reaper
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: pod-reader
`;
const script = "kubectl get pods -n shop --field-selector=status.phase==Failed -o name | xargs -r kubectl delete -n shop";

testRule(rbacVerbsMissingRule, {
  valid: [
    { name: "Role grants list and delete", mode: "lint", files: { "cj.yaml": job("kubectl get pods -n shop -o name"), "rbac.yaml": rbac('"get", "list"') } },
    { name: "no RBAC objects in the inputs: cannot tell", mode: "lint", files: { "cj.yaml": job(script) } },
  ],
  invalid: [
    {
      name: "kubectl get pods with a Role granting only get",
      mode: "lint",
      files: { "cj.yaml": job("kubectl get pods -n shop -o name"), "rbac.yaml": rbac('"get"') },
      expect: { category: "api-permission-denied", severity: "error", resource: { kind: "CronJob", container: "reaper" }, summary: /needs list on pods.*Role pod-reader/, evidence: [/Role pod-reader rules/], fixIncludes: ["- list"] },
    },
  ],
});

describe("kubectlNeeds", () => {
  it("reads verbs and resources from kubectl invocations", () => {
    expect(kubectlNeeds(["kubectl", "get", "pods", "-w"])).toEqual([{ group: "", resource: "pods", verbs: ["list", "watch"], command: "kubectl get pods -w" }]);
    expect(kubectlNeeds(["kubectl", "rollout", "restart", "deployment/web"])[0]).toMatchObject({ group: "apps", resource: "deployments", verbs: ["get", "patch"] });
    expect(kubectlNeeds(["kubectl", "logs", "web-0"])[0]).toMatchObject({ resource: "pods/log", verbs: ["get"] });
    expect(kubectlNeeds(["kubectl", "get", "pods", "-A"])).toEqual([]);
  });
});
