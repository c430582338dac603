import { pvcCannotBindRule } from "../../../src/rules/manifest/pvc-cannot-bind.js";
import { testRule } from "../../helpers/rule-tester.js";
import { statefulSet } from "./fixtures.js";

const docs = (...parts: string[]) => parts.join("---\n");
const pv = (name: string, options: { size?: string; cls?: string; modes?: string; claim?: string; labels?: string; volumeMode?: string } = {}) =>
  `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: ${name}\n${options.labels ? `  labels:\n${options.labels}` : ""}spec:\n  capacity:\n    storage: ${options.size ?? "50Gi"}\n  accessModes: [${options.modes ?? "ReadWriteOnce"}]\n  storageClassName: "${options.cls ?? "local-ssd"}"\n${options.volumeMode ? `  volumeMode: ${options.volumeMode}\n` : ""}${options.claim ? `  claimRef:\n    namespace: shop\n    name: ${options.claim}\n` : ""}  local:\n    path: /mnt/disks/ssd1\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - key: kubernetes.io/hostname\n          operator: In\n          values: [node-a]\n`;
const pvc = (extra: string, size = "20Gi") =>
  `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: shop\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: ${size}\n${extra}`;
const localClass = (binding = "WaitForFirstConsumer") => `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: local-ssd\nprovisioner: kubernetes.io/no-provisioner\n${binding ? `volumeBindingMode: ${binding}\n` : ""}`;
const dynamicClass = `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3\n  annotations:\n    storageclass.kubernetes.io/is-default-class: "true"\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n`;
const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n      - name: api\n        image: ghcr.io/acme/api:2.1.0\n        volumeMounts:\n        - name: data\n          mountPath: /data\n      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: data\n`;
const sts = (cls: string) =>
  statefulSet(
    "containers:\n- name: postgres\n  image: postgres:16.4\n  volumeMounts:\n  - name: data\n    mountPath: /var/lib/postgresql/data",
    `volumeClaimTemplates:\n- metadata:\n    name: data\n  spec:\n    storageClassName: ${cls}\n    accessModes: [ReadWriteOnce]\n    resources:\n      requests:\n        storage: 100Gi`,
  );

testRule(pvcCannotBindRule, {
  scope: "lint",
  valid: [
    { name: "named volume that fits", mode: "lint", files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-1\n"), pv("ssd-1"), localClass()) } },
    { name: "named volume reserved for this claim", mode: "lint", files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-1\n"), pv("ssd-1", { claim: "data" }), localClass()) } },
    { name: "local class with a free volume that fits", mode: "lint", files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n"), pv("ssd-1"), localClass()) } },
    { name: "dynamic class: provisioned when no volume fits", mode: "lint", files: { "a.yaml": docs(pvc("  storageClassName: gp3\n"), pv("ssd-1"), dynamicClass) } },
    { name: "no claim class, default class provisions", mode: "lint", files: { "a.yaml": docs(pvc(""), pv("ssd-1"), dynamicClass) } },
    { name: "no PersistentVolume inventory: cannot tell", mode: "lint", files: { "a.yaml": docs(pvc('  storageClassName: ""\n'), localClass()) } },
    { name: "selector matching a volume's labels", mode: "lint", files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  selector:\n    matchLabels:\n      tier: fast\n"), pv("ssd-1", { labels: "    tier: fast\n" }), localClass()) } },
  ],
  invalid: [
    {
      name: "named volume that does not exist",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-9\n"), pv("ssd-1"), localClass(), deployment) },
      expect: { severity: "error", category: "storage-unavailable", resource: { kind: "PersistentVolumeClaim", name: "data", line: 12 }, summary: /names PersistentVolume ssd-9, which does not exist: it stays Pending; Deployment shop\/api stay Pending/ },
    },
    {
      name: "named volume smaller than the request",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-1\n", "100Gi"), pv("ssd-1"), localClass()) },
      expect: { resource: { kind: "PersistentVolumeClaim", line: 8 }, summary: /cannot bind PersistentVolume ssd-1: its capacity 50Gi is smaller than the 100Gi requested/, fixIncludes: ["storage: 50Gi"] },
    },
    {
      name: "named volume of another class",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: gp3\n  volumeName: ssd-1\n"), pv("ssd-1"), dynamicClass, localClass()) },
      expect: { summary: /its storageClassName is "local-ssd" and the claim's "gp3"/, fixIncludes: ["storageClassName: local-ssd"] },
    },
    {
      name: "named volume reserved for another claim",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-1\n"), pv("ssd-1", { claim: "logs" }), localClass()) },
      expect: { summary: /it is reserved for claim shop\/logs/ },
    },
    {
      name: "named volume without the access mode",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-1\n").replace("[ReadWriteOnce]", "[ReadWriteMany]"), pv("ssd-1"), localClass()) },
      expect: { summary: /it offers ReadWriteOnce, not ReadWriteMany/, fixIncludes: ["- ReadWriteOnce"] },
    },
    {
      name: "named Block volume for a Filesystem claim",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n  volumeName: ssd-1\n"), pv("ssd-1", { volumeMode: "Block" }), localClass()) },
      expect: { summary: /its volumeMode is Block and the claim's Filesystem/ },
    },
    {
      name: "local class, only volume too small",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n", "200Gi"), pv("ssd-1"), localClass(), deployment) },
      expect: { resource: { kind: "PersistentVolumeClaim", line: 11 }, summary: /PVC data has no PersistentVolume it can bind and StorageClass local-ssd provisions nothing/, fixIncludes: ["storage: 50Gi"] },
    },
    {
      name: "claim with no class and no default class",
      mode: "lint",
      files: { "a.yaml": docs(pvc('  storageClassName: ""\n'), pv("ssd-1")) },
      expect: { summary: /it has no StorageClass, so nothing provisions one/ },
    },
    {
      name: "selector on a dynamic class",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: gp3\n  selector:\n    matchLabels:\n      tier: fast\n"), pv("ssd-1", { cls: "gp3" }), dynamicClass) },
      expect: { resource: { line: 12 }, summary: /it has a selector, which no provisioner serves/, fixIncludes: ["selector: null"] },
    },
    {
      name: "StatefulSet template on a local class with no volume left",
      mode: "lint",
      files: { "a.yaml": docs(sts("local-ssd"), pv("ssd-1"), localClass()) },
      expect: { resource: { kind: "StatefulSet", name: "db" }, summary: /template data of StatefulSet db has no PersistentVolume it can bind/ },
    },
    {
      name: "local class that binds Immediately",
      mode: "lint",
      files: { "a.yaml": docs(pvc("  storageClassName: local-ssd\n"), pv("ssd-1"), localClass("Immediate")) },
      expect: { severity: "warning", resource: { kind: "StorageClass", name: "local-ssd", line: 37 }, summary: /local \(kubernetes.io\/no-provisioner\) and binds Immediately/, fixIncludes: ["volumeBindingMode: WaitForFirstConsumer"] },
    },
  ],
});
