import type { Category } from "./categories.js";

/**
 * The words people type from kubectl and Envoy output: container and pod
 * reasons, exit codes, response flags. Each says what it means and which
 * cause category to look at. Sources: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/,
 * https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/,
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#config-access-log-format-response-flags
 */
export interface Term {
  term: string;
  kind: "reason" | "exit code" | "response flag";
  meaning: string;
  categories: Category[];
}

const reason = (term: string, meaning: string, categories: Category[]): Term => ({ term, kind: "reason", meaning, categories });
const exit = (term: string, meaning: string, categories: Category[]): Term => ({ term, kind: "exit code", meaning, categories });
const flag = (term: string, name: string, meaning: string, categories: Category[]): Term => ({ term, kind: "response flag", meaning: `${name}: ${meaning}`, categories });

export const TERMS: readonly Term[] = [
  reason("CrashLoopBackOff", "the container exited (any exit code, 0 too under restartPolicy Always) and the kubelet waits out a restart back-off (10s doubling to 5m); the cause is in lastState.terminated and the previous log", ["unknown-crash", "app-runtime-error", "oom-killed", "exits-zero-under-always"]),
  reason("OOMKilled", "the kernel killed the container for exceeding its memory limit (exit 137)", ["oom-killed"]),
  reason("ImagePullBackOff", "a pull failed and the kubelet backs off before retrying (10s doubling to 5m): wrong name or tag, no credentials, registry unreachable", ["image-pull-failure"]),
  reason("ErrImagePull", "the image pull just failed; the event's message says why", ["image-pull-failure"]),
  reason("InvalidImageName", "the image reference cannot be parsed", ["image-pull-failure"]),
  reason("ErrImageNeverPull", "imagePullPolicy is Never and the image is not on the node", ["image-pull-failure"]),
  reason("CreateContainerConfigError", "the kubelet cannot build the container's configuration: a Secret, ConfigMap or key it references is missing, or runAsNonRoot cannot be verified", ["missing-config-reference", "insufficient-privileges"]),
  reason("CreateContainerError", "the runtime could not create the container (name conflict, bad mount, runtime error)", ["container-runtime-error", "config-file-missing"]),
  reason("RunContainerError", "the runtime could not start the process: command not found or not executable, mount errors", ["bad-command", "container-runtime-error"]),
  reason("StartError", "the OCI runtime failed to start the process (exit 128): command not found, not executable, wrong architecture", ["bad-command", "exec-format-error"]),
  reason("ContainerCannotRun", "Docker-era wording of StartError: the process could not be started", ["bad-command", "config-file-missing"]),
  reason("ContainerCreating", "the container has not been created yet: image pull, volume mounts or the sandbox are still in progress; stuck here, read the events", ["container-runtime-error", "storage-unavailable"]),
  reason("PodInitializing", "app containers wait until every init container has exited 0", ["init-container-failure"]),
  reason("Completed", "the process exited 0; under restartPolicy Always it is restarted anyway", ["exits-zero-under-always"]),
  reason("Error", "the process exited non-zero; the exit code and the previous log say why", ["app-runtime-error", "unknown-crash"]),
  reason("Evicted", "the kubelet evicted the pod for node pressure (memory, disk, PIDs) or for exceeding its ephemeral-storage limit", ["evicted", "disk-full"]),
  reason("OutOfmemory", "the kubelet rejected the pod at admission: the node had not enough memory for its requests", ["unschedulable"]),
  reason("OutOfcpu", "the kubelet rejected the pod at admission: the node had not enough CPU for its requests", ["unschedulable"]),
  reason("Unschedulable", "the scheduler found no node that fits (resources, selectors, taints, unbound claims)", ["unschedulable", "storage-unavailable"]),
  reason("FailedScheduling", "the scheduler's event saying why no node fits", ["unschedulable", "storage-unavailable"]),
  reason("FailedMount", "a volume could not be mounted: missing Secret/ConfigMap, claim not bound, storage driver error", ["missing-config-reference", "storage-unavailable", "container-runtime-error"]),
  reason("FailedCreatePodSandBox", "the sandbox (network namespace) could not be created: CNI or runtime failure on the node", ["container-runtime-error"]),
  reason("BackoffLimitExceeded", "a Job's pods failed backoffLimit times; the Job stopped retrying", ["job-backoff-limit"]),
  reason("DeadlineExceeded", "a Job or pod ran past activeDeadlineSeconds", ["job-backoff-limit"]),
  exit("0", "success; under restartPolicy Always the container is restarted anyway", ["exits-zero-under-always"]),
  exit("1", "generic application error: an uncaught exception or an explicit exit(1); read the previous log", ["app-runtime-error", "missing-config-reference", "dependency-unavailable"]),
  exit("2", "shell misuse, or a Go panic, or a command-line usage error", ["app-runtime-error", "bad-command"]),
  exit("126", "the command was found but is not executable (mode, a directory, wrong interpreter)", ["bad-command"]),
  exit("127", "command not found (PATH, typo, an interpreter the image lacks, a CRLF shebang)", ["bad-command"]),
  exit("128", "the OCI runtime could not start the process (reason StartError)", ["bad-command", "exec-format-error"]),
  exit("134", "SIGABRT: a native abort (assertion, heap corruption, a runtime's fatal error)", ["app-runtime-error"]),
  exit("137", "SIGKILL: the OOM killer (reason OOMKilled), or the kubelet after the grace period (a failed liveness probe, a deletion)", ["oom-killed", "liveness-probe-failure"]),
  exit("139", "SIGSEGV: a segmentation fault in native code", ["app-runtime-error"]),
  exit("143", "SIGTERM: the container was asked to stop (liveness probe failure, deletion, rollout) and exited on it", ["liveness-probe-failure"]),
  exit("255", "exit(-1) or an exit status out of range", ["app-runtime-error"]),
  flag("UH", "NoHealthyUpstream", "no healthy host in the upstream cluster (503)", ["no-healthy-upstream"]),
  flag("UF", "UpstreamConnectionFailure", "the connection to the upstream failed (503)", ["upstream-connection-failure"]),
  flag("UO", "UpstreamOverflow", "circuit breaking: the upstream's limits are reached (503)", ["upstream-connection-failure"]),
  flag("NR", "NoRouteFound", "no route matched the request, or no filter chain matched the connection (404)", ["no-route"]),
  flag("URX", "UpstreamRetryLimitExceeded", "retries or connect attempts ran out", ["upstream-connection-failure"]),
  flag("NC", "NoClusterFound", "the route points at a cluster that does not exist", ["missing-cluster"]),
  flag("DT", "DurationTimeout", "the request or connection exceeded its max duration", ["upstream-timeout"]),
  flag("DC", "DownstreamConnectionTermination", "the client closed the connection", ["downstream-disconnect"]),
  flag("UT", "UpstreamRequestTimeout", "the route's timeout fired before the upstream answered (504)", ["upstream-timeout"]),
  flag("LR", "LocalReset", "Envoy reset the connection locally", ["upstream-connection-failure"]),
  flag("UR", "UpstreamRemoteReset", "the upstream reset the connection", ["upstream-connection-failure"]),
  flag("UC", "UpstreamConnectionTermination", "the upstream closed the connection", ["upstream-connection-failure"]),
  flag("RL", "RateLimited", "the request was rate limited (429)", ["upstream-connection-failure"]),
  flag("UAEX", "UnauthorizedExternalService", "an external authorization service denied the request", ["rbac-or-authn-denied"]),
  flag("SI", "StreamIdleTimeout", "the stream was idle longer than its idle timeout", ["upstream-timeout"]),
  flag("DPE", "DownstreamProtocolError", "the client spoke invalid HTTP", ["downstream-disconnect"]),
  flag("UPE", "UpstreamProtocolError", "the upstream spoke invalid HTTP (often a protocol mismatch: plaintext vs TLS, HTTP/1 vs HTTP/2)", ["upstream-connection-failure"]),
  flag("DF", "DnsResolutionFailed", "the upstream's name did not resolve", ["upstream-connection-failure"]),
  flag("DR", "DownstreamRemoteReset", "the client reset the stream", ["downstream-disconnect"]),
];

/** The term, case-insensitive for flags and reasons. */
export function findTerm(topic: string): Term | undefined {
  const lower = topic.trim().toLowerCase();
  return TERMS.find((term) => term.term.toLowerCase() === lower);
}
