import { pvcMissingRule } from "../../../src/rules/manifest/pvc-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const spec = (claim: string) => `containers:
- name: web
  image: ghcr.io/acme/uploads:1.0.3
  volumeMounts:
  - name: data
    mountPath: /var/lib/uploads
volumes:
- name: data
  persistentVolumeClaim:
    claimName: ${claim}
`;
const pvc = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads-data
  namespace: shop
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10Gi
`;

testRule(pvcMissingRule, {
  valid: [{ name: "claim exists", mode: "lint", files: { "d.yaml": deployment(spec("uploads-data")), "pvc.yaml": pvc } }],
  invalid: [
    {
      name: "claim name typo",
      mode: "lint",
      files: { "d.yaml": deployment(spec("upload-data")), "pvc.yaml": pvc },
      expect: { category: "unschedulable", summary: /did you mean "uploads-data"/, resource: { line: 25 }, fixIncludes: ["claimName: uploads-data"] },
    },
    {
      name: "claim missing in a scanned cluster",
      mode: "offline",
      files: { "d.yaml": deployment(spec("cache")), "pvc.yaml": pvc },
      expect: { severity: "error", summary: /PVC "cache"/ },
    },
  ],
});
