import { pvcAccessModeConflictRule } from "../../../src/rules/manifest/pvc-access-mode-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";

const pvc = (mode: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: uploads\n  namespace: shop\nspec:\n  accessModes:\n  - ${mode}\n  resources:\n    requests:\n      storage: 10Gi\n`;
const deployment = (name: string, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/shop:1.4.2\n        volumeMounts:\n        - name: uploads\n          mountPath: /var/uploads\n      volumes:\n      - name: uploads\n        persistentVolumeClaim:\n          claimName: uploads\n`;
const docs = (...parts: string[]) => parts.join("---\n");

testRule(pvcAccessModeConflictRule, {
  scope: "lint",
  valid: [
    { name: "ReadWriteOnce claim, one replica", mode: "lint", files: { "a.yaml": docs(pvc("ReadWriteOnce"), deployment("web", 1)) } },
    { name: "ReadWriteOnce claim, three replicas of one Deployment (the scheduler may keep them on one node)", mode: "lint", files: { "a.yaml": docs(pvc("ReadWriteOnce"), deployment("web", 3)) } },
    { name: "ReadWriteMany claim shared by two Deployments", mode: "lint", files: { "a.yaml": docs(pvc("ReadWriteMany"), deployment("web", 2), deployment("worker", 2)) } },
    { name: "ReadWriteOncePod claim, one replica", mode: "lint", files: { "a.yaml": docs(pvc("ReadWriteOncePod"), deployment("web", 1)) } },
  ],
  invalid: [
    {
      name: "ReadWriteOncePod claim, two replicas",
      mode: "lint",
      files: { "a.yaml": docs(pvc("ReadWriteOncePod"), deployment("web", 2)) },
      expect: { severity: "error", resource: { kind: "Deployment", name: "web", line: 37 }, summary: /PVC uploads is ReadWriteOncePod but Deployment shop\/web \(2 replicas\) mount it: only one pod can start/, fixIncludes: [/ReadWriteMany/] },
    },
    {
      name: "ReadWriteOnce claim shared by two Deployments",
      mode: "lint",
      files: { "a.yaml": docs(pvc("ReadWriteOnce"), deployment("web", 1), deployment("worker", 1)) },
      expect: { severity: "warning", summary: /ReadWriteOnce but Deployment shop\/web, Deployment shop\/worker mount it: pods on a second node cannot attach it/ },
    },
  ],
});
