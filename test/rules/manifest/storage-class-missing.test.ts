import { storageClassMissingRule } from "../../../src/rules/manifest/storage-class-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { statefulSet } from "./fixtures.js";

const classes = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: ebs.csi.aws.com
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard-rwo
provisioner: pd.csi.storage.gke.io
`;
const pvc = (cls: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: media
  namespace: shop
spec:
  storageClassName: ${cls}
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
`;
const sts = (cls: string) =>
  statefulSet(
    "containers:\n- name: postgres\n  image: postgres:16.4\n  volumeMounts:\n  - name: data\n    mountPath: /var/lib/postgresql/data",
    `volumeClaimTemplates:\n- metadata:\n    name: data\n  spec:\n    storageClassName: ${cls}\n    accessModes: [ReadWriteOnce]\n    resources:\n      requests:\n        storage: 50Gi`,
  );

testRule(storageClassMissingRule, {
  valid: [
    { name: "known class", mode: "lint", files: { "pvc.yaml": pvc("gp3"), "sc.yaml": classes } },
    { name: "no StorageClass inventory: cannot tell", mode: "lint", files: { "pvc.yaml": pvc("fast-ssd") } },
    { name: "StatefulSet template with a known class", mode: "lint", files: { "sts.yaml": sts("standard-rwo"), "sc.yaml": classes } },
  ],
  invalid: [
    {
      name: "PVC with an unknown class",
      mode: "lint",
      files: { "pvc.yaml": pvc("gp2"), "sc.yaml": classes },
      expect: { category: "storage-unavailable", summary: /"gp2", which does not exist; did you mean "gp3"/, resource: { kind: "PersistentVolumeClaim", name: "media", line: 7 }, fixIncludes: ["storageClassName: gp3"] },
    },
    {
      name: "StatefulSet volumeClaimTemplate with an unknown class",
      mode: "lint",
      files: { "sts.yaml": sts("premium-ssd"), "sc.yaml": classes },
      expect: { resource: { kind: "StatefulSet", name: "db" }, summary: /template data of StatefulSet db/, fixIncludes: ["storageClassName: gp3"] },
    },
  ],
});
