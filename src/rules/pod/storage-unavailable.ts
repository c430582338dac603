import type { Fix } from "../../model/finding.js";
import { podCauseRule, type FixContext } from "../support/pod-rule.js";

function fix(context: FixContext): Fix {
  const n = context.names;
  return {
    description: "A volume cannot be attached or mounted: check the PVC is Bound, its StorageClass and CSI driver work, and (Multi-Attach) that no other node still holds a ReadWriteOnce volume",
    commands: [`kubectl get pvc${n.ns}`, "kubectl get volumeattachments", "kubectl get storageclass", "kubectl get pods -n kube-system | grep -i csi"],
  };
}

export const storageUnavailable = podCauseRule({
  id: "pod/storage-unavailable",
  category: "storage-unavailable",
  title: "A volume cannot be provisioned, attached or mounted",
  docs: {
    cause: "The pod waits in ContainerCreating because a PersistentVolumeClaim is unbound (no StorageClass, no matching PV, the provisioner fails) or its volume cannot be attached (Multi-Attach error: a ReadWriteOnce volume still attached to another node).",
    fix: "Get the PVC bound (fix the StorageClass or provisioner, create a PV), or release the volume from the old node.",
    verify: ["kubectl get pvc", "kubectl describe pvc <CLAIM>", "kubectl get pod <POD> -w"],
    references: ["https://kubernetes.io/docs/concepts/storage/persistent-volumes/"],
  },
  equivalents: ["popeye:POP-1003"],
  fix,
  verify: (n) => [`kubectl get pvc${n.ns}   # STATUS Bound`, `kubectl get pod ${n.pod}${n.ns} -w`],
});
