import type { Fix } from "../../model/finding.js";
import { podCauseRule, type FixContext } from "./pod-rule.js";
import { claimEvidence, claimFix, claimWords, unboundClaims } from "./volume-claims.js";
import { POD_WIDE } from "./causes/competition.js";
import { claim, sandboxReading, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const n = context.names;
  const claims = unboundClaims(context);
  if (claims.length > 0 && claims.some((state) => state.problem !== "unknown")) return claimFix(context, claims);
  return {
    description: "A volume cannot be attached or mounted: check the PVC is Bound, its StorageClass and CSI driver work, and (Multi-Attach) that no other node still holds a ReadWriteOnce volume",
    commands: [`kubectl get pvc${n.ns}`, "kubectl get volumeattachments", "kubectl get storageclass", "kubectl get pods -n kube-system | grep -i csi"],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "claims-unbound": "pod {pod} is stuck in ContainerCreating: {claims}",
  "volume-cannot-be-mounted": "pod {pod} is stuck in ContainerCreating: a volume cannot be attached or mounted",
};

export const storageUnavailable = podCauseRule({
  id: "pod/storage-unavailable",
  messages,
  category: "storage-unavailable",
  detectors: [
    worded(messages, ["volume-cannot-be-mounted"], claim(POD_WIDE, "sandbox", "storage-unavailable", sandboxReading)),
  ],
  title: "A volume cannot be provisioned, attached or mounted",
  docs: {
    cause: "The pod waits in ContainerCreating because a PersistentVolumeClaim is unbound (no StorageClass, no matching PV, the provisioner fails) or its volume cannot be attached (Multi-Attach error: a ReadWriteOnce volume still attached to another node).",
    fix: "Get the PVC bound (fix the StorageClass or provisioner, create a PV), or release the volume from the old node.",
    verify: ["kubectl get pvc", "kubectl describe pvc <CLAIM>", "kubectl get pod <POD> -w"],
    references: ["https://kubernetes.io/docs/concepts/storage/persistent-volumes/"],
  },
  equivalents: ["popeye:POP-1003"],
  inputs: ["pods", "events", "logs", "workloads", "manifests"],
  refine(context) {
    const claims = unboundClaims(context).filter((state) => state.problem !== "unknown");
    if (claims.length === 0) return undefined;
    const words = claims.map(claimWords).join("; ");
    return { said: { message: "claims-unbound", data: { pod: context.d.pod.name, claims: words } }, cause: `The kubelet cannot mount the pod's volumes until their claims are bound: ${words}.` };
  },
  extraEvidence: (context) => claimEvidence(unboundClaims(context).filter((state) => state.problem !== "unknown")),
  fix,
  verify: (n) => [`kubectl get pvc${n.ns}   # STATUS Bound`, `kubectl get pod ${n.pod}${n.ns} -w`],
});
