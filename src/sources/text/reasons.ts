/**
 * The reasons the kubelet writes into a container's state and a pod's status
 * (kubernetes/kubernetes pkg/kubelet/images/types.go, kuberuntime, container/sync_result.go;
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-states).
 * Pasted text often cuts them (`CreateContainerConfigE`): a cut word is completed when exactly one reason starts with it.
 */
export const WAITING_REASONS = [
  "ContainerCreating", "PodInitializing", "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull",
  "ImageInspectError", "RegistryUnavailable", "SignatureValidationFailed", "CreateContainerConfigError", "CreateContainerError",
  "PreCreateHookError", "PreStartHookError", "RunContainerError", "PostStartHookError",
] as const;
export const TERMINATED_REASONS = ["Completed", "Error", "OOMKilled", "StartError", "ContainerCannotRun", "ContainerStatusUnknown", "DeadlineExceeded"] as const;
export const POD_REASONS = [
  "Evicted", "OutOfcpu", "OutOfmemory", "OutOfephemeral-storage", "OutOfpods", "UnexpectedAdmissionError", "NodeAffinity", "InitContainerRestartPolicyForbidden",
  "SysctlForbidden", "TopologyAffinityError", "NodeShutdown", "Terminated", "Shutdown",
] as const;

const MIN_PREFIX = 5;

/** `CreateContainerConfigE` -> `CreateContainerConfigError`; a complete or unknown word is returned as it is. */
export function completeReason(word: string | undefined, known: readonly string[] = [...WAITING_REASONS, ...TERMINATED_REASONS, ...POD_REASONS]): string | undefined {
  if (!word) return word;
  const trimmed = word.trim().replace(/(?:\.\.\.|\u2026)$/, "");
  if (known.includes(trimmed)) return trimmed;
  if (trimmed.length < MIN_PREFIX) return trimmed;
  const candidates = known.filter((reason) => reason.startsWith(trimmed));
  return candidates.length === 1 ? candidates[0] : trimmed;
}

/** Whether a `kubectl get pods` STATUS is a container's waiting reason (or `Init:` one). */
export function isWaitingReason(status: string): boolean {
  return (WAITING_REASONS as readonly string[]).includes(status.replace(/^Init:/, ""));
}

export function isTerminatedReason(status: string): boolean {
  return (TERMINATED_REASONS as readonly string[]).includes(status.replace(/^Init:/, ""));
}
