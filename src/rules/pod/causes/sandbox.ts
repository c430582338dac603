import { eventEvidence } from "./evidence.js";
import type { PodContext } from "./context.js";
import { type Cause, podEvents, strongest } from "./cause.js";

/** A pod stuck in ContainerCreating: the sandbox (CNI) or a volume cannot be set up. */

export function sandboxCause(pod: PodContext): Cause | undefined {
  if (pod.status?.phase && pod.status.phase !== "Pending") return undefined;
  if (pod.containers.some((c) => c.status?.state?.running)) return undefined;
  const sandbox = podEvents(pod, /^(FailedCreatePodSandBox|FailedMount|FailedAttachVolume|NetworkNotReady|FailedKillPod|FailedCreatePodContainer)$/);
  const relevant = sandbox.filter((e) => !/(?:configmaps?|secrets?) "[^"]+" not found/i.test(e.message));
  if (relevant.length === 0) return undefined;
  const top = strongest(relevant)!;
  const volume = /FailedMount|FailedAttachVolume/.test(top.reason);
  return {
    category: volume && /persistentvolumeclaim|pvc|Multi-Attach|attach/i.test(top.message) ? "storage-unavailable" : "container-runtime-error",
    confidence: 0.85,
    severity: "error",
    summary: "",
    said: volume ? { message: "volume-cannot-be-mounted", data: { pod: pod.name } } : { message: "sandbox-cannot-be-created", data: { pod: pod.name, reason: top.reason } },
    cause: volume
      ? "The kubelet cannot attach or mount one of the pod's volumes, so no container starts. The message names the volume and the storage error."
      : "The kubelet cannot create the pod sandbox (network namespace): the CNI plugin or the container runtime on the node fails, so no container of the pod can start.",
    evidence: relevant.slice(0, 3).map(eventEvidence),
    detail: { subcause: top.reason, message: top.message },
  };
}

