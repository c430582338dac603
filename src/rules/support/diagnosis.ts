import type { Category } from "../../model/categories.js";
import type { Evidence, Severity } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import { logMessage, matchLine, strongestMatch, type LogMatch } from "../../signatures/scan.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { eventEvidence, logEvidence, terminatedEvidence, waitingEvidence } from "./evidence.js";
import { podContexts, type ContainerContext, type PodContext } from "./pod-context.js";
import type { ProbeSpec, TerminatedState } from "./pod-types.js";
import { parseQuantity } from "./quantity.js";
import { BACKOFF_RESET_SECONDS, restartTimeline } from "./timeline.js";

export type ProbeKind = "liveness" | "readiness" | "startup";

export interface ProbeFailure {
  kind: ProbeKind;
  probe?: ProbeSpec;
  /** The kubelet's Unhealthy message. */
  message: string;
  events: EventRecord[];
  /** `404`, `refused`, `timeout`, `scheme`, `exec` ... */
  mode: "status-4xx" | "status-5xx" | "refused" | "timeout" | "scheme" | "exec" | "other";
  statusCode?: number;
  /** Seconds the app needed to start, when the log or events show it. */
  observedStartupSeconds?: number;
  /** Seconds the probe allows before it kills: initialDelay + period x failureThreshold. */
  budgetSeconds: number;
  /** The port the app says it listens on, when the log says so. */
  listeningPort?: number;
}

/** What one rule needs to explain and fix one container (or one pod). */
export interface Cause {
  category: Category;
  confidence: number;
  severity: Severity;
  summary: string;
  cause: string;
  evidence: Evidence[];
  match?: LogMatch;
  probe?: ProbeFailure;
  terminated?: TerminatedState;
  /** Sub-cause details for the fix: image-pull sub-cause, missing object, scheduler reason ... */
  detail: Record<string, string>;
  /** The init container's own cause, when the category is init-container-failure. */
  inner?: { category: Category; summary: string };
}

export interface Diagnosis {
  pod: PodContext;
  /** Absent for pod-level causes (Pending, Evicted). */
  container?: ContainerContext;
  cause: Cause;
}

const IMAGE_WAITING = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError", "RegistryUnavailable", "SignatureValidationFailed"]);
const START_FAILURES = new Set(["StartError", "ContainerCannotRun", "RunContainerError"]);
const SIDECAR_NAMES = /(?:^istio-proxy$|^linkerd-proxy$|proxy|sidecar|envoy|^vault-agent|fluent|log|^cloud-sql|^cloudsql)/i;
const MESH_CONTAINERS = new Set(["istio-proxy", "istio-init", "istio-validation"]);
const ISTIO_PORTS = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);
const START_CATEGORIES = new Set<Category>(["bad-command", "exec-format-error", "config-file-missing"]);
const LOCALHOST = /^(?:127\.0\.0\.1|localhost|::1|\[::1\]|0\.0\.0\.0)$/;

function seconds(a: string | undefined, b: Date): number | undefined {
  if (!a) return undefined;
  const time = Date.parse(a);
  return Number.isFinite(time) && time > 0 ? (b.getTime() - time) / 1000 : undefined;
}

function restartPolicyOf(container: ContainerContext): string {
  if (container.nativeSidecar) return "Always";
  const explicit = container.pod.spec?.restartPolicy;
  if (explicit) return explicit;
  const owner = container.pod.object?.metadata.ownerReferences?.[0]?.kind;
  return owner === "Job" ? "OnFailure" : "Always";
}

function isJobPod(pod: PodContext): boolean {
  return pod.object?.metadata.ownerReferences?.some((ref) => ref.kind === "Job") === true || pod.spec?.restartPolicy === "Never" || pod.spec?.restartPolicy === "OnFailure";
}

function events(container: ContainerContext, reason: RegExp, message?: RegExp): EventRecord[] {
  return container.events.filter((e) => reason.test(e.reason) && (!message || message.test(e.message)));
}

function podEvents(pod: PodContext, reason: RegExp, message?: RegExp): EventRecord[] {
  return pod.events.filter((e) => reason.test(e.reason) && (!message || message.test(e.message)));
}

function strongest(list: EventRecord[]): EventRecord | undefined {
  return [...list].sort((a, b) => b.count - a.count)[0];
}

function displayContainer(container: ContainerContext): string {
  if (!container.name) return "the container";
  return `${container.init ? "init container" : "container"} ${container.name}`;
}

// ---------------------------------------------------------------------------
// Image pull

function imagePullSubcause(text: string): { detail: string; words: string } {
  if (/couldn't parse image reference|invalid reference format|InvalidImageName/i.test(text)) return { detail: "invalid-name", words: "the image reference cannot be parsed (upper-case letters, spaces or a bad character)" };
  if (/not present with pull policy of Never|ErrImageNeverPull/.test(text)) return { detail: "never-pull", words: "imagePullPolicy is Never and the image is not on the node" };
  if (/toomanyrequests|rate limit|429 Too Many Requests/i.test(text)) return { detail: "rate-limit", words: "the registry refuses pulls: rate limit reached (anonymous Docker Hub pulls are limited)" };
  if (/pull access denied|unauthorized|authentication required|401 Unauthorized|403 Forbidden|denied: |insufficient_scope|no basic auth credentials|access to the resource is denied/i.test(text)) {
    return { detail: "access-denied", words: "the repository does not exist or needs credentials the pod does not have (imagePullSecrets)" };
  }
  if (/no such host|server misbehaving|lookup \S+ on /i.test(text)) return { detail: "registry-dns", words: "the registry host name does not resolve from the node" };
  if (/i\/o timeout|dial tcp|connection refused|TLS handshake timeout|context deadline exceeded|net\/http: request canceled|x509:/i.test(text)) return { detail: "registry-unreachable", words: "the node cannot reach the registry (network, proxy, firewall or TLS)" };
  if (/manifest unknown|not found|NotFound|manifest for \S+ not found|failed to resolve reference/i.test(text)) return { detail: "tag-not-found", words: "the tag (or digest) does not exist in the repository" };
  if (/no match for platform in manifest/i.test(text)) return { detail: "platform", words: "the image has no variant for the node's CPU architecture" };
  return { detail: "unknown", words: "the image cannot be pulled" };
}

function diagnoseImagePull(container: ContainerContext): Cause | undefined {
  const waiting = container.status?.state?.waiting;
  if (container.status?.state?.running) return undefined;
  const failed = events(container, /^(Failed|InspectFailed|ErrImageNeverPull)$/, /Failed to pull image|ErrImagePull|ImagePullBackOff|InvalidImageName|couldn't parse image reference|not present with pull policy of Never|Failed to apply default image tag/i);
  const backoff = events(container, /^BackOff$/, /Back-off pulling image/i);
  if (!(waiting && IMAGE_WAITING.has(waiting.reason ?? "")) && failed.length === 0 && backoff.length === 0) return undefined;
  const detailed = failed.find((e) => /Failed to pull image|couldn't parse|not present with pull policy/i.test(e.message)) ?? failed[0];
  const text = [detailed?.message ?? "", waiting?.message ?? "", waiting?.reason ?? ""].join(" ");
  const sub = imagePullSubcause(text);
  const image = container.spec?.image ?? /image "([^"]+)"/.exec(text)?.[1] ?? container.status?.image ?? "";
  const evidence: Evidence[] = [];
  if (waiting?.reason) evidence.push(waitingEvidence(waiting.reason, waiting.message, `${container.statusPath}.state.waiting`));
  for (const event of [detailed, ...failed.filter((e) => e !== detailed).slice(0, 2), ...backoff.slice(0, 1)]) if (event) evidence.push(eventEvidence(event));
  return {
    category: "image-pull-failure",
    confidence: sub.detail === "unknown" ? 0.9 : 0.95,
    severity: "error",
    summary: `${displayContainer(container)} cannot start: image ${image ? `"${image}" ` : ""}cannot be pulled (${sub.detail.replace(/-/g, " ")})`,
    cause: `The kubelet cannot pull ${image || "the image"}: ${sub.words}. The container never starts; the kubelet retries with a back-off of 10s doubling to 5m (ImagePullBackOff).`,
    evidence,
    detail: { subcause: sub.detail, image },
  };
}

// ---------------------------------------------------------------------------
// Container configuration: missing Secret / ConfigMap / key, runAsNonRoot

const CONFIG_MESSAGE = /(?:secrets? "([^"]+)" not found|configmaps? "([^"]+)" not found|couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)\/(\S+))/i;
const NON_ROOT_MESSAGE = /runAsNonRoot and image (?:will run as root|has non-numeric user \(([^)]*)\))/i;

function diagnoseConfig(container: ContainerContext): Cause | undefined {
  const waiting = container.status?.state?.waiting;
  if (container.status?.state?.running) return undefined;
  const failed = events(container, /^Failed$/, /^Error: (?:secrets? "|configmaps? "|couldn't find key|container has runAsNonRoot)/i);
  const mounts = podEvents(container.pod, /^FailedMount$/, /(?:configmaps?|secrets?) "[^"]+" not found/i).filter((event) => {
    const volume = /for volume "([^"]+)"/.exec(event.message)?.[1];
    if (!volume || !container.spec) return true;
    return (container.spec.volumeMounts ?? []).some((mount) => mount.name === volume);
  });
  const isConfigWaiting = waiting?.reason === "CreateContainerConfigError";
  if (!isConfigWaiting && failed.length === 0 && mounts.length === 0) return undefined;
  const text = [waiting?.message ?? "", ...failed.map((e) => e.message), ...mounts.map((e) => e.message)].join("\n");
  const evidence: Evidence[] = [];
  if (waiting?.reason) evidence.push(waitingEvidence(waiting.reason, waiting.message, `${container.statusPath}.state.waiting`));
  for (const event of [...failed.slice(0, 2), ...mounts.slice(0, 2)]) evidence.push(eventEvidence(event));
  const nonRoot = NON_ROOT_MESSAGE.exec(text);
  if (nonRoot) {
    return {
      category: "insufficient-privileges",
      confidence: 0.95,
      severity: "error",
      summary: `${displayContainer(container)} is refused by runAsNonRoot: the image ${nonRoot[1] ? `runs as the non-numeric user "${nonRoot[1]}"` : "runs as root"}`,
      cause: `The pod asks for runAsNonRoot but ${nonRoot[1] ? `the image's USER is "${nonRoot[1]}", a name the kubelet cannot verify as non-root` : "the image's USER is root (UID 0)"}, so the kubelet refuses to create the container (CreateContainerConfigError).`,
      evidence,
      detail: { subcause: "run-as-non-root", user: nonRoot[1] ?? "root" },
    };
  }
  const match = CONFIG_MESSAGE.exec(text);
  const detail: Record<string, string> = {};
  if (match?.[1]) Object.assign(detail, { kind: "Secret", name: match[1], subcause: "object-missing" });
  else if (match?.[2]) Object.assign(detail, { kind: "ConfigMap", name: match[2], subcause: "object-missing" });
  else if (match?.[3]) Object.assign(detail, { kind: match[4] === "ConfigMap" ? "ConfigMap" : "Secret", name: match[6]!, key: match[3], subcause: "key-missing" });
  else detail.subcause = "unknown";
  if (mounts.length > 0 && !failed.length && !isConfigWaiting) detail.via = "volume";
  const what = detail.subcause === "key-missing" ? `key "${detail.key}" in ${detail.kind} ${detail.name}` : detail.name ? `${detail.kind} ${detail.name}` : "a referenced Secret or ConfigMap";
  return {
    category: "missing-config-reference",
    confidence: detail.subcause === "unknown" ? 0.85 : 0.95,
    severity: "error",
    summary: `${displayContainer(container)} cannot be created: ${what} does not exist`,
    cause: `The container references ${what}, which is not in namespace ${container.pod.namespace ?? "default"}. The kubelet cannot build the container's ${detail.via === "volume" ? "volumes" : "environment"} and keeps it in ${detail.via === "volume" ? "ContainerCreating (FailedMount)" : "CreateContainerConfigError"}.`,
    evidence,
    detail,
  };
}

// ---------------------------------------------------------------------------
// Start failures: StartError / RunContainerError / ContainerCannotRun / CreateContainerError / sandbox

function diagnoseStart(container: ContainerContext): Cause | undefined {
  const status = container.status;
  const waiting = status?.state?.waiting;
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  const termPath = status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const startFailed = !!terminated && (START_FAILURES.has(terminated.reason ?? "") || (terminated.exitCode === 128 && /OCI runtime|failed to create (?:containerd )?(?:task|shim)/i.test(terminated.message ?? "")));
  const failedEvents = events(container, /^Failed$/, /^Error: (?:failed to (?:create|start)|OCI runtime|failed to generate|context deadline|failed to reserve)|Error response from daemon|failed to start container/i);
  const createError = waiting?.reason === "CreateContainerError";
  const runError = waiting?.reason === "RunContainerError";
  if (!startFailed && !createError && !runError && failedEvents.length === 0) return undefined;
  if (status?.state?.running && !startFailed) return undefined;
  const text = [startFailed ? terminated?.message ?? "" : "", waiting?.message ?? "", ...failedEvents.map((e) => e.message)].join("\n");
  const evidence: Evidence[] = [];
  if (startFailed && terminated) evidence.push(terminatedEvidence(terminated, termPath));
  if (waiting?.reason) evidence.push(waitingEvidence(waiting.reason, waiting.message, `${container.statusPath}.state.waiting`));
  for (const event of failedEvents.slice(0, 2)) evidence.push(eventEvidence(event));
  // The runtime's message is often cut in what was pasted; the container's log (or a note quoting the message) can hold the rest.
  const logged = container.matches.find((m) => START_CATEGORIES.has(m.signature.category));
  const found = matchLine(text.replace(/\n/g, " "))[0] ?? logged;
  const execFailed = (found !== undefined && found === logged && found.signature.category === "bad-command") || /unable to start container process: (?:error during container init: )?exec|exec: \\?"|starting container process caused:? \\?"?exec|executable file not found|exec user process caused/i.test(text);
  const category: Category = /exec format error/i.test(text) || (found === logged && found?.signature.category === "exec-format-error")
    ? "exec-format-error"
    : execFailed
      ? "bad-command"
      : /mount|mounting|rootfs|not a directory/i.test(text)
        ? "config-file-missing"
        : found && ["bad-command", "config-file-missing", "read-only-filesystem", "insufficient-privileges"].includes(found.signature.category)
          ? found.signature.category
          : startFailed
            ? "bad-command"
            : "container-runtime-error";
  const path = found?.groups.path ?? /exec: \\?"([^"\\]*)/.exec(text)?.[1] ?? "";
  const summaries: Partial<Record<Category, string>> = {
    "exec-format-error": `${displayContainer(container)} cannot start: the binary is built for another CPU architecture (exec format error)`,
    "bad-command": `${displayContainer(container)} cannot start: its command ${path ? `"${path}" ` : ""}is not found or not executable`,
    "config-file-missing": `${displayContainer(container)} cannot start: a volume or subPath mount does not match the image's files`,
    "container-runtime-error": `${displayContainer(container)} cannot be created by the container runtime`,
  };
  const causes: Partial<Record<Category, string>> = {
    "exec-format-error": "The OCI runtime could not execute the entrypoint: the image's binary is for a different CPU architecture than the node (e.g. an amd64-only image on an arm64 node).",
    "bad-command": `The OCI runtime could not start the process${path ? ` "${path}"` : ""}: the command or args point at a file that does not exist in the image, is not on $PATH, or is not executable (containerd reports StartError with exit code 128).`,
    "config-file-missing": "The runtime failed while mounting a volume into the container: the subPath or mountPath points at a file where the image has a directory (or the reverse), or the source does not exist.",
    "container-runtime-error": "The container runtime (containerd/CRI-O) failed below the application: this is a node or runtime problem, not the app's.",
  };
  return {
    category,
    confidence: category === "container-runtime-error" ? 0.8 : 0.92,
    severity: "error",
    summary: summaries[category] ?? `${displayContainer(container)} cannot start`,
    cause: causes[category] ?? "The container could not start.",
    evidence,
    terminated,
    match: undefined,
    detail: { subcause: createError ? "create-error" : "start-error", path, message: text.trim().split("\n")[0] ?? "" },
  };
}

function diagnoseSandbox(pod: PodContext): Cause | undefined {
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
    summary: volume ? `pod ${pod.name} is stuck in ContainerCreating: a volume cannot be attached or mounted` : `pod ${pod.name} is stuck in ContainerCreating: the pod sandbox cannot be created (${top.reason})`,
    cause: volume
      ? "The kubelet cannot attach or mount one of the pod's volumes, so no container starts. The message names the volume and the storage error."
      : "The kubelet cannot create the pod sandbox (network namespace): the CNI plugin or the container runtime on the node fails, so no container of the pod can start.",
    evidence: relevant.slice(0, 3).map(eventEvidence),
    detail: { subcause: top.reason, message: top.message },
  };
}

// ---------------------------------------------------------------------------
// Probes

const STARTED_IN = /Started \S+ in (\d+(?:\.\d+)?) seconds|startup took (\d+(?:\.\d+)?)s|started in (\d+(?:\.\d+)?)s/i;
const LISTENING = /(?:listening|listen|serving|started server|server started|running) (?:on|at)\b[^\d]{0,40}?(?:[\w.-]*:)?(\d{2,5})\b|Tomcat (?:started|initialized) on port\(?s?\)?:? (\d+)|port[:= ]+(\d{2,5})\b.{0,20}(?:listening|ready)/i;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))\s/;

/** Start-up time and listening port from the log: `Started App in 45.2 seconds`, timestamps around `listening on :8080`. */
export function startupFromLogs(container: ContainerContext): { seconds?: number; port?: number } {
  const result: { seconds?: number; port?: number } = {};
  for (const stream of container.logs) {
    let firstTime: number | undefined;
    const limit = Math.min(stream.lines.length, 5000);
    for (let index = 0; index < limit; index++) {
      const line = stream.lines[index]!;
      const stamp = TIMESTAMP.exec(line);
      if (stamp && firstTime === undefined) firstTime = Date.parse(stamp[1]!);
      const started = STARTED_IN.exec(line);
      if (started && result.seconds === undefined) result.seconds = Number(started[1] ?? started[2] ?? started[3]);
      const listening = LISTENING.exec(line);
      if (listening && result.port === undefined) {
        result.port = Number(listening[1] ?? listening[2] ?? listening[3]);
        if (result.seconds === undefined && stamp && firstTime !== undefined) {
          const took = (Date.parse(stamp[1]!) - firstTime) / 1000;
          if (took > 0) result.seconds = took;
        }
      }
    }
  }
  return result;
}

export function probeBudgetSeconds(probe: ProbeSpec | undefined): number {
  return (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
}

export function probePort(probe: ProbeSpec | undefined): number | string | undefined {
  return probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
}

function probeMode(message: string): { mode: ProbeFailure["mode"]; statusCode?: number } {
  const status = /statuscode: (\d{3})/i.exec(message);
  if (status) return { mode: Number(status[1]) >= 500 ? "status-5xx" : "status-4xx", statusCode: Number(status[1]) };
  if (/server gave HTTP response to HTTPS client|first record does not look like a TLS handshake|malformed HTTP response|http: server gave HTTP response/i.test(message)) return { mode: "scheme" };
  if (/connection refused|connect: connection reset|no route to host|EOF$/i.test(message)) return { mode: "refused" };
  if (/context deadline exceeded|Client\.Timeout|timeout|timed out|DeadlineExceeded/i.test(message)) return { mode: "timeout" };
  if (/exec|OCI runtime|executable file not found|command not found|can't open|No such file/i.test(message)) return { mode: "exec" };
  return { mode: "other" };
}

function probeFailures(container: ContainerContext, kind: ProbeKind): EventRecord[] {
  const label = kind[0]!.toUpperCase() + kind.slice(1);
  return events(container, /^Unhealthy$/, new RegExp(`^${label} probe (?:failed|errored)`));
}

/** Whether the probe's port is one the container declares or, by the log, listens on. */
function probePortMismatch(container: ContainerContext, probe: ProbeSpec | undefined, listeningPort: number | undefined): string | undefined {
  const port = probePort(probe);
  if (port === undefined) return undefined;
  const ports = container.spec?.ports ?? [];
  if (typeof port === "string" && !/^\d+$/.test(port)) {
    return ports.some((p) => p.name === port) ? undefined : `the probe uses the port name "${port}", which no containerPort of ${container.name} declares`;
  }
  const number = Number(port);
  if (listeningPort !== undefined && listeningPort !== number) return `the probe checks port ${number} but the log says the app listens on ${listeningPort}`;
  if (ports.length > 0 && !ports.some((p) => p.containerPort === number)) return `the probe checks port ${number} but the container declares ${ports.map((p) => p.containerPort).join(", ")}`;
  return undefined;
}

function cpuLimitCores(container: ContainerContext): number | undefined {
  return parseQuantity(container.spec?.resources?.limits?.cpu);
}

function diagnoseProbe(container: ContainerContext, terminated: TerminatedState | undefined): Cause | undefined {
  const killing = events(container, /^Killing$/, /failed (liveness|startup) probe/i);
  const kinds: ProbeKind[] = ["startup", "liveness"];
  let kind: ProbeKind | undefined = killing.length ? (/startup/i.test(killing[0]!.message) ? "startup" : "liveness") : undefined;
  const exitByKill = terminated && [137, 143, 0, 2, 1].includes(terminated.exitCode ?? -1) && terminated.reason !== "OOMKilled";
  if (!kind) {
    // No Killing event kept (events expire after 1h): repeated Unhealthy liveness/startup failures with a restart are enough.
    for (const candidate of kinds) {
      const failures = probeFailures(container, candidate);
      const total = failures.reduce((sum, e) => sum + e.count, 0);
      const probe = container.spec?.[`${candidate}Probe`] as ProbeSpec | undefined;
      // Without a status (the event lines alone) a failing liveness probe is all the evidence there is.
      if (failures.length && (total >= (probe?.failureThreshold ?? 3) || !container.status) && (container.status?.restartCount ?? 1) > 0 && (exitByKill || !terminated)) {
        kind = candidate;
        break;
      }
    }
  }
  if (!kind) return undefined;
  if (terminated && !exitByKill) return undefined;
  const unhealthy = probeFailures(container, kind);
  const message = strongest(unhealthy)?.message ?? "";
  const probe = container.spec?.[`${kind}Probe`] as ProbeSpec | undefined;
  const { mode, statusCode } = probeMode(message);
  const startup = startupFromLogs(container);
  const budget = probeBudgetSeconds(probe);
  const failure: ProbeFailure = { kind, probe, message, events: unhealthy, mode, budgetSeconds: budget };
  if (statusCode !== undefined) failure.statusCode = statusCode;
  if (startup.seconds !== undefined) failure.observedStartupSeconds = startup.seconds;
  if (startup.port !== undefined) failure.listeningPort = startup.port;
  const evidence: Evidence[] = [...killing.slice(0, 1), ...unhealthy.slice(0, 2)].map(eventEvidence);
  if (terminated) evidence.push(terminatedEvidence(terminated, container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`));
  const portProblem = probePortMismatch(container, probe, startup.port);
  const who = displayContainer(container);
  if (mode === "status-4xx" || mode === "scheme" || (mode === "refused" && portProblem) || (mode === "exec" && /executable file not found|not found/i.test(message))) {
    const what =
      mode === "status-4xx"
        ? `the ${kind} probe path ${probe?.httpGet?.path ?? ""} answers HTTP ${statusCode}: the app does not serve it`
        : mode === "scheme"
          ? `the ${kind} probe speaks ${probe?.httpGet?.scheme ?? "HTTP"} to a port that speaks the other protocol`
          : mode === "exec"
            ? `the ${kind} probe's command is not in the image`
            : portProblem!;
    return {
      category: "bad-probe-config",
      confidence: 0.9,
      severity: "error",
      summary: `${who} is restarted by a ${kind} probe that checks the wrong ${mode === "status-4xx" ? "path" : mode === "scheme" ? "scheme" : mode === "exec" ? "command" : "port"}`,
      cause: `The probe itself is wrong: ${what}. The kubelet counts every answer as a failure and kills the container after ${probe?.failureThreshold ?? 3} failures, so it restarts forever even though the app may be fine.`,
      evidence,
      probe: failure,
      terminated,
      detail: { kind, mode, portProblem: portProblem ?? "" },
    };
  }
  const cpu = cpuLimitCores(container);
  if (cpu !== undefined && cpu <= 0.25 && (mode === "timeout" || mode === "refused" || mode === "other")) {
    return {
      category: "cpu-throttling",
      confidence: 0.8,
      severity: "error",
      summary: `${who} is throttled by a ${container.spec?.resources?.limits?.cpu} CPU limit: start-up is too slow for its ${kind} probe`,
      cause: `The container may use at most ${container.spec?.resources?.limits?.cpu} of a CPU. Start-up (class loading, JIT, cache warm-up) is CPU-bound, so it is throttled and takes far longer than the ${budget}s the ${kind} probe allows; the kubelet kills it before it is ready, again and again.`,
      evidence,
      probe: failure,
      terminated,
      detail: { kind, mode, cpuLimit: String(container.spec?.resources?.limits?.cpu ?? "") },
    };
  }
  const slow = startup.seconds !== undefined ? `the log shows start-up takes ${Math.round(startup.seconds)}s` : mode === "timeout" ? `the health endpoint does not answer within timeoutSeconds ${probe?.timeoutSeconds ?? 1}s` : "the app is not answering yet when the probe starts";
  return {
    category: "liveness-probe-failure",
    confidence: killing.length ? 0.88 : 0.8,
    severity: "error",
    summary: `${who} is killed by its ${kind} probe before it is up (${kind} allows ${budget}s; ${slow})`,
    cause: `The ${kind} probe is too aggressive for this app: it allows ${budget}s (initialDelaySeconds ${probe?.initialDelaySeconds ?? 0} + periodSeconds ${probe?.periodSeconds ?? 10} x failureThreshold ${probe?.failureThreshold ?? 3}) but ${slow}. The kubelet kills the container (exit 137/143) and restarts it, so it never finishes starting.`,
    evidence,
    probe: failure,
    terminated,
    detail: { kind, mode },
  };
}

function diagnoseReadiness(container: ContainerContext, now: Date): Cause | undefined {
  const status = container.status;
  if (!status?.state?.running || status.ready !== false) return undefined;
  const failures = probeFailures(container, "readiness");
  const startupFailures = probeFailures(container, "startup");
  const all = failures.length ? failures : startupFailures;
  if (all.length === 0) return undefined;
  const kind: ProbeKind = failures.length ? "readiness" : "startup";
  const runningFor = seconds(status.state.running.startedAt, now);
  const total = all.reduce((sum, e) => sum + e.count, 0);
  // Offline, "now" can be this very start time (nothing later in the inputs): then only the failure count tells.
  const knownAge = runningFor !== undefined && runningFor >= 1;
  if ((knownAge && runningFor < 90) || total < 3) return undefined;
  const message = strongest(all)!.message;
  const probe = container.spec?.[`${kind}Probe`] as ProbeSpec | undefined;
  const { mode, statusCode } = probeMode(message);
  const startup = startupFromLogs(container);
  const failure: ProbeFailure = { kind, probe, message, events: all, mode, budgetSeconds: probeBudgetSeconds(probe) };
  if (statusCode !== undefined) failure.statusCode = statusCode;
  if (startup.port !== undefined) failure.listeningPort = startup.port;
  const portProblem = probePortMismatch(container, probe, startup.port);
  const evidence = [
    { source: "status", path: `${container.statusPath}.ready`, text: `ready: false, running${runningFor !== undefined ? ` for ${Math.round(runningFor / 60)}m` : ""}, restartCount ${status.restartCount ?? 0}` },
    ...all.slice(0, 2).map(eventEvidence),
  ];
  const severity: Severity = !knownAge || runningFor > 300 ? "error" : "warning";
  if (mode === "status-4xx" || mode === "scheme" || (mode === "refused" && portProblem)) {
    return {
      category: "bad-probe-config",
      confidence: 0.88,
      severity,
      summary: `${displayContainer(container)} never becomes Ready: its ${kind} probe checks ${mode === "status-4xx" ? `a path that answers ${statusCode}` : mode === "scheme" ? "with the wrong scheme" : "the wrong port"}`,
      cause: `The ${kind} probe itself is wrong (${mode === "status-4xx" ? `${probe?.httpGet?.path ?? "the path"} answers HTTP ${statusCode}` : mode === "scheme" ? "HTTP against HTTPS or the reverse" : portProblem}). The pod stays out of its Services' endpoints and gets no traffic.`,
      evidence,
      probe: failure,
      detail: { kind, mode, portProblem: portProblem ?? "" },
    };
  }
  return {
    category: "readiness-probe-failure",
    confidence: 0.85,
    severity,
    summary: `${displayContainer(container)} runs but never becomes Ready: ${kind} probe failing (${message.slice(0, 120)})`,
    cause: `The container runs but its ${kind} probe keeps failing, so the pod is not Ready and receives no traffic from its Services. ${mode === "timeout" ? "The endpoint does not answer within timeoutSeconds." : mode === "status-5xx" ? "The endpoint reports the app unhealthy (5xx), usually a dependency it checks is down." : "The endpoint refuses connections."}`,
    evidence,
    probe: failure,
    detail: { kind, mode },
  };
}

/** A running container whose CPU limit is so small that any real work is throttled. */
const STARVED_CPU_CORES = 0.05;

function diagnoseStarvedCpu(container: ContainerContext): Cause | undefined {
  const cpu = cpuLimitCores(container);
  if (cpu === undefined || cpu > STARVED_CPU_CORES || !container.status?.state?.running) return undefined;
  const limit = container.spec?.resources?.limits?.cpu;
  return {
    category: "cpu-throttling",
    confidence: 0.45,
    severity: "warning",
    summary: `${displayContainer(container)} runs with a CPU limit of ${limit}: it is throttled whenever it does real work`,
    cause: `A CPU limit of ${limit} lets the container use ${Math.round(cpu * 1000)} millicores per 100 ms period; anything CPU-bound (start-up, a burst of requests) is throttled by the kernel's CFS quota, so latency and probes suffer even though the pod looks Running.`,
    evidence: [{ source: "spec", path: `spec.containers[${container.index}].resources.limits.cpu`, text: `limits.cpu ${limit}, requests.cpu ${container.spec?.resources?.requests?.cpu ?? "none"}` }],
    detail: { cpuLimit: String(limit ?? "") },
  };
}

// ---------------------------------------------------------------------------
// Log signatures, exit codes

function sidecarPortOwner(container: ContainerContext, port: number): string | undefined {
  for (const other of container.pod.containers) {
    if (other === container) continue;
    if ((other.spec?.ports ?? []).some((p) => p.containerPort === port)) return other.name;
    if (other.name === "istio-proxy" && ISTIO_PORTS.has(port)) return other.name;
  }
  return undefined;
}

function causeFromLog(container: ContainerContext, match: LogMatch, terminated: TerminatedState | undefined, hasStatus: boolean): Cause {
  let category = match.signature.category;
  const detail: Record<string, string> = { ...match.groups, signature: match.signature.id };
  const host = match.groups.host;
  const port = Number(match.groups.port);
  if (category === "dependency-unavailable" && host && LOCALHOST.test(host) && Number.isFinite(port)) {
    const owner = sidecarPortOwner(container, port);
    if (owner) {
      category = "sidecar-dependency";
      detail.sidecar = owner;
    }
  }
  const evidence: Evidence[] = [logEvidence(match)];
  if (terminated) evidence.unshift(terminatedEvidence(terminated, container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`));
  const base = match.signature.weight >= 80 ? 0.85 : match.signature.weight >= 60 ? 0.78 : 0.62;
  const confidence = base + (match.previous ? 0.05 : 0) - (hasStatus ? 0 : 0.05);
  return {
    category,
    confidence,
    severity: "error",
    summary: `${displayContainer(container)} crashes: ${logMessage(match.text).slice(0, 160)}`,
    cause: "",
    evidence,
    match,
    terminated,
    detail,
  };
}

/** The log signature that names the cause, preferring the previous instance's log. */
export function primaryMatch(container: ContainerContext): LogMatch | undefined {
  const previous = container.matches.filter((m) => m.previous);
  const current = container.matches.filter((m) => !m.previous);
  const bestPrevious = strongestMatch(previous);
  const bestCurrent = strongestMatch(current);
  if (bestPrevious && (!bestCurrent || bestPrevious.signature.weight + 5 >= bestCurrent.signature.weight)) return bestPrevious;
  return bestCurrent ?? bestPrevious;
}

function memoryEvidenceWithoutReason(container: ContainerContext, terminated: TerminatedState): boolean {
  if (terminated.exitCode !== 137) return false;
  if (events(container, /^Killing$/).length > 0) return false;
  return container.spec?.resources?.limits?.memory !== undefined || podEvents(container.pod, /^(OOMKilling|SystemOOM)$/).length > 0;
}

type CrashState = { crashing: boolean; recent: boolean; terminated?: TerminatedState; reason?: string };

function crashState(container: ContainerContext, now: Date): CrashState {
  const status = container.status;
  if (!status) {
    const backoff = events(container, /^BackOff$/, /restarting failed container/i).length > 0;
    const killed = events(container, /^Killing$/, /failed (liveness|startup) probe/i).length > 0;
    // A log given alone (no Pod, no events) is the log of the container the user is asking about.
    const logOnly = !container.pod.object && container.pod.events.length === 0 && container.logs.length > 0;
    const probing = events(container, /^Unhealthy$/, /^(?:Liveness|Startup) probe (?:failed|errored)/).length > 0;
    return { crashing: backoff || killed || probing || container.matches.length > 0 || logOnly, recent: true };
  }
  const waiting = status.state?.waiting;
  const current = status.state?.terminated;
  const last = status.lastState?.terminated;
  const terminated = current ?? last;
  const policy = restartPolicyOf(container);
  if (waiting?.reason === "CrashLoopBackOff" || waiting?.reason === "RunContainerError") return { crashing: true, recent: true, terminated };
  if (current) {
    if (current.exitCode === 0) return { crashing: policy === "Always" && (status.restartCount ?? 0) > 0, recent: true, terminated: current };
    return { crashing: true, recent: true, terminated: current };
  }
  if (last && (status.restartCount ?? 0) > 0) {
    const since = seconds(last.finishedAt, now);
    const recent = since === undefined ? (status.restartCount ?? 0) >= 3 : since < BACKOFF_RESET_SECONDS;
    if (!recent) return { crashing: false, recent: false, terminated: last };
    // Running and Ready again: without a back-off event, a restart is only current when the
    // reference time is clearly after this start (offline, "now" may be this very timestamp).
    const runningFor = seconds(status.state?.running?.startedAt, now);
    const backoff = events(container, /^BackOff$/, /restarting failed container/i).length > 0;
    if (status.state?.running && status.ready !== false && !backoff && (runningFor === undefined || runningFor < 5)) {
      // Repeated failures with no start time to tell how long it has run since (a pasted excerpt): still worth naming, as a warning.
      const repeated = runningFor === undefined && (status.restartCount ?? 0) >= 3 && (last.reason === "OOMKilled" || (last.exitCode ?? 0) !== 0);
      return { crashing: repeated, recent: false, terminated: last };
    }
    return { crashing: true, recent: true, terminated: last };
  }
  // Restarts without a last state (kubectl before 1.2, a status fragment): a back-off, a probe kill or a container that is not ready make them current.
  if (!last && (status.restartCount ?? 0) > 0) {
    const backoff = events(container, /^BackOff$/, /restarting failed container/i).length > 0;
    const killed = events(container, /^Killing$/, /failed (liveness|startup) probe/i).length > 0;
    if (backoff || killed || status.ready === false) return { crashing: true, recent: true };
  }
  return { crashing: false, recent: false };
}

/** A sidecar (istio-proxy ...) that ended after the main container of a Job pod completed: the Job is done, not failing. */
function isSidecarAfterJob(container: ContainerContext, terminated: TerminatedState | undefined): boolean {
  if (!isJobPod(container.pod) || container.init) return false;
  const others = container.pod.containers.filter((c) => c !== container && !c.init);
  const mainCompleted = others.some((c) => c.status?.state?.terminated?.exitCode === 0);
  if (!mainCompleted) return false;
  const mainFinished = Math.max(...others.map((c) => Date.parse(c.status?.state?.terminated?.finishedAt ?? "") || 0));
  const finished = Date.parse(terminated?.finishedAt ?? "") || 0;
  return SIDECAR_NAMES.test(container.name) || (finished > 0 && mainFinished > 0 && finished >= mainFinished);
}

function exitCodeCause(container: ContainerContext, terminated: TerminatedState): Cause | undefined {
  const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const evidence = [terminatedEvidence(terminated, path)];
  const who = displayContainer(container);
  switch (terminated.exitCode) {
    case 0:
      if (restartPolicyOf(container) !== "Always") return undefined;
      return {
        category: "exits-zero-under-always",
        confidence: 0.9,
        severity: "error",
        summary: `${who} exits 0 (Completed) but restartPolicy is Always, so it is restarted in a loop`,
        cause: "The process finishes successfully and exits 0, but a Deployment/StatefulSet/DaemonSet pod has restartPolicy Always: the kubelet restarts it every time and backs off into CrashLoopBackOff. Typical: a one-shot script in a Deployment, or an image whose default command is an interactive shell/REPL that exits at once without a TTY.",
        evidence,
        terminated,
        detail: {},
      };
    case 127:
    case 126:
      return {
        category: "bad-command",
        confidence: 0.72,
        severity: "error",
        summary: `${who} exits ${terminated.exitCode}: its command is ${terminated.exitCode === 127 ? "not found" : "not executable"}`,
        cause: `Exit code ${terminated.exitCode} is the shell's "${terminated.exitCode === 127 ? "command not found" : "found but not executable"}": the command or args name a program that is missing from the image${terminated.exitCode === 127 ? ", a script with a CRLF shebang, or an interpreter (#!/bin/bash) the image does not have" : " or lacks the execute bit"}.`,
        evidence,
        terminated,
        detail: {},
      };
    case 137:
      if (!memoryEvidenceWithoutReason(container, terminated)) return undefined;
      return {
        category: "oom-killed",
        confidence: 0.6,
        severity: "error",
        summary: `${who} is killed with SIGKILL (exit 137) without a probe or deletion behind it: most likely the memory limit`,
        cause: "Exit 137 is SIGKILL. No Killing event (probe, deletion) explains it, and the container has a memory limit: the kernel OOM killer is the likely sender (older runtimes report it as reason Error rather than OOMKilled).",
        evidence,
        terminated,
        detail: { exit137: "true" },
      };
    case 134:
    case 139:
      return {
        category: "app-runtime-error",
        confidence: 0.5,
        severity: "error",
        summary: `${who} dies of ${terminated.exitCode === 139 ? "a segmentation fault (SIGSEGV, exit 139)" : "an abort (SIGABRT, exit 134)"}`,
        cause: `Exit ${terminated.exitCode} is 128 + signal ${terminated.exitCode - 128}: the process ${terminated.exitCode === 139 ? "touched memory it does not own (a native crash: a bug, a cgo/native library, or a binary built against another libc)" : "aborted itself (a failed assertion, a native library error or a runtime's fatal error)"}. Its log usually ends right before it.`,
        evidence,
        terminated,
        detail: {},
      };
    default:
      return undefined;
  }
}

const CATEGORY_WORDS: Partial<Record<Category, string>> = {
  "dependency-unavailable": "a dependency it needs at start-up is unavailable",
  "sidecar-dependency": "it starts before its sidecar is ready",
  "bad-command": "its command is wrong",
  "image-build-error": "the image is broken as built",
  "missing-config-reference": "a setting it needs is missing",
  "config-file-missing": "its config file is missing",
  "file-permission-denied": "it cannot write where it needs to",
  "read-only-filesystem": "it writes to a read-only filesystem",
  "insufficient-privileges": "it lacks a privilege",
  "port-in-use": "its port is already in use",
  "tls-or-clock-error": "a certificate or clock check fails",
  "lock-contention": "a lock is held by another instance",
  "disk-full": "its disk is full",
  "oom-killed": "it runs out of memory",
  "app-runtime-error": "the application throws",
  "api-permission-denied": "its ServiceAccount is forbidden an API call",
  "exec-format-error": "its binary is for another CPU architecture",
};

function asInitFailure(container: ContainerContext, inner: Cause | undefined, terminated: TerminatedState | undefined): Cause {
  const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const evidence = inner?.evidence.length ? inner.evidence : terminated ? [terminatedEvidence(terminated, path)] : [];
  const because = inner ? `: ${CATEGORY_WORDS[inner.category] ?? inner.category}` : terminated ? ` (exit ${terminated.exitCode})` : "";
  const cause: Cause = {
    category: "init-container-failure",
    confidence: Math.max(0.85, inner?.confidence ?? 0),
    severity: "error",
    summary: `init container ${container.name} fails${because}, so the app containers never start`,
    cause: `Init containers run in order and each must exit 0 before the app containers start. ${container.name} exits ${terminated?.exitCode ?? "non-zero"}${inner?.match ? ` and its log says: ${inner.match.text.trim().slice(0, 200)}` : ""}. The pod stays in Init:${container.status?.state?.waiting?.reason ?? "Error"}.`,
    evidence,
    terminated,
    detail: { ...(inner?.detail ?? {}) },
  };
  if (inner) {
    cause.inner = { category: inner.category, summary: inner.summary };
    if (inner.match) cause.match = inner.match;
  }
  return cause;
}

/** The weakest log line that still names a cause in a container that runs (no generic stack traces). */
const RUNNING_LOG_WEIGHT = 75;

const HANDLED = /\b(?:WARN(?:ING)?|INFO|DEBUG|retry|retrying|will retry|recovered)\b|^\s*[WI]\d{4} |level=(?:warn|info)|"level":\s?"(?:warn|info)/i;
const FAILURE_MARK = /Traceback \(most recent call last\)|Exception|\bERROR\b|level=error|"level":\s?"error"|^E\d{4} |^\s+at |panic:|Caused by:/;
const FAILURE_CONTEXT_LINES = 40;

/** A logged failure that nothing handled: not a warning or a retry, with an error or a stack trace around it. */
function isUnhandledFailure(match: LogMatch): boolean {
  if (HANDLED.test(match.text)) return false;
  const lines = match.stream.lines;
  for (let index = Math.max(0, match.index - FAILURE_CONTEXT_LINES); index <= match.index; index++) if (FAILURE_MARK.test(lines[index] ?? "")) return true;
  return false;
}

/** A container that runs (and may even be Ready) while its current log names a cause: the requests it serves fail. */
function runningLogCause(container: ContainerContext): Cause | undefined {
  if (!container.status?.state?.running) return undefined;
  const current = container.matches.filter((m) => !m.previous && m.signature.weight >= RUNNING_LOG_WEIGHT && m.signature.category !== "app-runtime-error" && isUnhandledFailure(m));
  const match = strongestMatch(current);
  if (!match) return undefined;
  const cause = causeFromLog(container, match, undefined, true);
  cause.summary = `${displayContainer(container)} runs, but its log shows it failing: ${logMessage(match.text).slice(0, 160)}`;
  cause.severity = "warning";
  cause.confidence = Math.min(cause.confidence, 0.6);
  return cause;
}

function unknownCrash(container: ContainerContext, terminated: TerminatedState | undefined): Cause {
  const evidence: Evidence[] = [];
  if (terminated) evidence.push(terminatedEvidence(terminated, container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`));
  for (const event of events(container, /^BackOff$/, /restarting failed container/i).slice(0, 1)) evidence.push(eventEvidence(event));
  return {
    category: "unknown-crash",
    confidence: 0.3,
    severity: "error",
    summary: `${displayContainer(container)} keeps crashing${terminated ? ` (exit ${terminated.exitCode}${terminated.reason ? `, ${terminated.reason}` : ""})` : ""}; no known cause in the evidence`,
    cause: "The container exits and is restarted, but neither its status, its events nor its logs name a known cause. The last log lines below are what it printed before it died.",
    evidence,
    terminated,
    detail: {},
  };
}

function diagnoseContainer(container: ContainerContext, now: Date): Cause | undefined {
  if (container.pod.status?.phase === "Succeeded") return undefined;
  const early = diagnoseImagePull(container) ?? diagnoseConfig(container) ?? diagnoseStart(container);
  if (early) return early;
  // Istio's own containers crash, go unready or fail to set up capture for mesh reasons: the sidecar rules explain those.
  if (MESH_CONTAINERS.has(container.name)) return undefined;
  const state = crashState(container, now);
  const terminated = state.terminated;
  if (!state.crashing) {
    const quiet = container.init ? undefined : diagnoseReadiness(container, now) ?? diagnoseStarvedCpu(container);
    return quiet ?? (container.init ? undefined : runningLogCause(container));
  }
  if (isSidecarAfterJob(container, terminated)) return undefined;
  if (container.pod.status && container.status?.state?.terminated && restartPolicyOf(container) !== "Always" && terminated?.exitCode === 0) return undefined;

  let cause: Cause | undefined;
  if (terminated?.reason === "OOMKilled") {
    const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
    cause = {
      category: "oom-killed",
      confidence: 0.95,
      severity: "error",
      summary: `${displayContainer(container)} is OOMKilled: it exceeds its memory limit${container.spec?.resources?.limits?.memory ? ` of ${container.spec.resources.limits.memory}` : ""}`,
      cause: "",
      evidence: [terminatedEvidence(terminated, path)],
      terminated,
      detail: {},
    };
    const memoryLine = container.matches.find((m) => m.signature.category === "oom-killed");
    if (memoryLine) cause.evidence.push(logEvidence(memoryLine));
  }
  // The app exited on its own (1/2) with a specific reason in its log: that reason beats probe failures seen around it.
  const logged = primaryMatch(container);
  // A runtime out of memory (or disk) makes the app unresponsive before any probe gives up on it: that is the root cause.
  const resourceExhausted = logged && (logged.signature.category === "oom-killed" || logged.signature.category === "disk-full");
  if (!cause && logged && (resourceExhausted || (logged.signature.weight >= 80 && (terminated?.exitCode === 1 || terminated?.exitCode === 2)))) {
    cause = causeFromLog(container, logged, terminated, !!container.status);
  }
  cause ??= diagnoseProbe(container, terminated);
  if (!cause) {
    const match = primaryMatch(container);
    if (match) cause = causeFromLog(container, match, terminated, !!container.status);
  }
  if (!cause && terminated) cause = exitCodeCause(container, terminated);
  if (cause && terminated?.exitCode === 0 && cause.category !== "exits-zero-under-always" && restartPolicyOf(container) === "Always" && (cause.match?.signature.weight ?? 100) < 60) {
    cause = exitCodeCause(container, terminated) ?? cause;
  }
  if (container.init && !container.nativeSidecar && cause?.category !== "oom-killed") {
    return asInitFailure(container, cause, terminated);
  }
  if (!cause) {
    cause = unknownCrash(container, terminated);
    if (!container.status && container.events.length === 0) cause.severity = "warning";
  }
  if (!state.recent || (container.status && (container.status.restartCount ?? 0) <= 1 && container.status.state?.running)) {
    cause.severity = "warning";
    cause.confidence = Math.min(cause.confidence, 0.6);
  }
  return cause;
}

// ---------------------------------------------------------------------------
// Pod level: Pending, Evicted, admission

function schedulingSubcause(message: string): { detail: string; words: string } {
  if (/unbound (?:immediate )?PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|volume node affinity conflict/i.test(message)) return { detail: "unbound-pvc", words: "a PersistentVolumeClaim it mounts is not bound (or its volume is pinned to other nodes)" };
  if (/Insufficient (cpu|memory|ephemeral-storage|pods|[\w./-]+)/i.test(message)) {
    // The scheduler ends the clause with a period: "2 Insufficient memory. preemption: ..."; nvidia.com/gpu has dots of its own.
    const resource = /Insufficient ([\w./-]*[\w/-])/i.exec(message)![1]!;
    return { detail: `insufficient-${resource.replace(/[^\w-]/g, "-")}`, words: `no node has enough free ${resource} for its requests` };
  }
  if (/didn't match Pod's node affinity\/selector|node\(s\) didn't match node selector|didn't match pod affinity|didn't match pod anti-affinity/i.test(message)) return { detail: "selector", words: "no node matches its nodeSelector / node affinity (or pod (anti-)affinity)" };
  if (/untolerated taint|had taint|had untolerated/i.test(message)) return { detail: "taint", words: "the nodes carry taints the pod does not tolerate" };
  if (/didn't have free ports|free ports for the requested pod ports/i.test(message)) return { detail: "host-port", words: "the hostPort it asks for is taken on every node" };
  if (/node\(s\) were unschedulable/i.test(message)) return { detail: "cordoned", words: "the nodes are cordoned (unschedulable)" };
  if (/no nodes available|0\/0 nodes/i.test(message)) return { detail: "no-nodes", words: "the cluster has no nodes available" };
  return { detail: "other", words: "the scheduler finds no node that fits" };
}

function diagnosePod(pod: PodContext, now: Date): Cause | undefined {
  const status = pod.status;
  if (status?.reason === "Evicted" || podEvents(pod, /^Evicted$/).length > 0) {
    const message = status?.message ?? podEvents(pod, /^Evicted$/)[0]?.message ?? "";
    const ownLimit = /exceeds the total limit of containers|Usage of EmptyDir volume|exceeds its local ephemeral storage limit|ephemeral local storage usage exceeds/i.test(message);
    const resource = /low on resource: ([\w-]+)/.exec(message)?.[1] ?? (ownLimit ? "ephemeral-storage" : "");
    const evidence: Evidence[] = status?.reason ? [{ source: "status", path: "status.reason", text: `status: ${status.phase ?? "Failed"}, reason Evicted: ${message}` }] : [];
    for (const event of podEvents(pod, /^Evicted$/).slice(0, 1)) evidence.push(eventEvidence(event));
    return {
      category: ownLimit ? "disk-full" : "evicted",
      confidence: 0.95,
      severity: "error",
      summary: ownLimit ? `pod ${pod.name} was evicted: it used more ephemeral storage than its limit` : `pod ${pod.name} was evicted: the node ran low on ${resource || "a resource"}`,
      cause: ownLimit
        ? "The kubelet evicted the pod because its containers' writable layers, logs or emptyDir volumes grew past their ephemeral-storage limit (or the emptyDir sizeLimit)."
        : `The kubelet evicted the pod because the node ran low on ${resource || "a resource"} (node pressure). Pods using more than they request are evicted first.`,
      evidence,
      detail: { resource, message },
    };
  }
  if (status?.phase === "Failed" && /^OutOf|^UnexpectedAdmissionError$|^NodeAffinity$/.test(status.reason ?? "")) {
    return {
      category: "unschedulable",
      confidence: 0.9,
      severity: "error",
      summary: `pod ${pod.name} was rejected by the kubelet at admission (${status.reason})`,
      cause: `The node's kubelet refused the pod when it arrived: ${status.message ?? status.reason}. The pod is Failed and its controller creates a new one.`,
      evidence: [{ source: "status", path: "status.reason", text: `status: Failed, reason ${status.reason}: ${status.message ?? ""}` }],
      detail: { subcause: "admission", reason: status.reason ?? "" },
    };
  }
  const scheduled = status?.conditions?.find((c) => c.type === "PodScheduled");
  const failedScheduling = podEvents(pod, /^FailedScheduling$/);
  const pending = !status?.phase || status.phase === "Pending";
  if (pending && (scheduled?.status === "False" || (failedScheduling.length > 0 && !pod.containers.some((c) => c.status)))) {
    const message = scheduled?.message ?? strongest(failedScheduling)?.message ?? "";
    const sub = schedulingSubcause(message);
    const evidence: Evidence[] = [];
    if (scheduled?.status === "False") evidence.push({ source: "status", path: "status.conditions[PodScheduled]", text: `PodScheduled False (${scheduled.reason ?? "Unschedulable"}): ${scheduled.message ?? ""}` });
    for (const event of failedScheduling.slice(-1)) evidence.push(eventEvidence(event));
    const pendingFor = seconds(pod.object?.metadata.creationTimestamp, now);
    return {
      category: "unschedulable",
      confidence: 0.93,
      severity: pendingFor !== undefined && pendingFor >= 1 && pendingFor < 60 ? "warning" : "error",
      summary: `pod ${pod.name} is Pending: ${sub.words}`,
      cause: `The scheduler cannot place the pod: ${sub.words}. Its message: ${message}`,
      evidence,
      detail: { subcause: sub.detail, message },
    };
  }
  return diagnoseSandbox(pod);
}

const QUIET_WAITING = new Set(["ContainerCreating", "PodInitializing"]);

/**
 * A pod no cause explains but that is plainly not well: a waiting reason, a
 * non-zero exit, restarts, Pending or Failed, a failing probe. It still gets a
 * finding that says exactly what is known.
 */
function visiblyBroken(pod: PodContext): Diagnosis | undefined {
  if (MESH_CONTAINERS.has(pod.containers.find((c) => !c.init)?.name ?? "")) return undefined;
  const signs: Array<{ container?: ContainerContext; text: string; path: string }> = [];
  for (const container of pod.containers) {
    if (MESH_CONTAINERS.has(container.name)) continue;
    const status = container.status;
    const waiting = status?.state?.waiting?.reason;
    const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
    if (waiting && !QUIET_WAITING.has(waiting)) signs.push({ container, text: `waiting: ${waiting}${status?.state?.waiting?.message ? ` (${status.state.waiting.message})` : ""}`, path: `${container.statusPath}.state.waiting` });
    else if (terminated && (terminated.exitCode ?? 0) !== 0 && pod.status?.phase !== "Succeeded" && (status?.state?.terminated || status?.ready === false)) signs.push({ container, text: `terminated: exit ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`, path: `${container.statusPath}.${status?.state?.terminated ? "state" : "lastState"}.terminated` });
    else if ((status?.restartCount ?? 0) > 0 && status?.ready === false) signs.push({ container, text: `not ready after ${status?.restartCount} restarts`, path: `${container.statusPath}.restartCount` });
    else if ((status?.restartCount ?? 0) > 0 && !status?.lastState?.terminated) signs.push({ container, text: `restarted ${status?.restartCount} times, and the evidence keeps no last state`, path: "restarts" });
    const probe = container.events.find((e) => e.type === "Warning" && (/^(?:BackOff|Failed)$/.test(e.reason) || (e.reason === "Unhealthy" && /^(?:Liveness|Startup) probe/.test(e.message))));
    if (probe && !signs.some((sign) => sign.container === container)) signs.push({ container, text: `${probe.reason}: ${probe.message}`, path: "events" });
  }
  const phase = pod.status?.phase;
  if (signs.length === 0 && (phase === "Pending" || phase === "Failed" || phase === "Unknown")) signs.push({ text: `phase ${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ""}${pod.status?.message ? `: ${pod.status.message}` : ""}`, path: "status.phase" });
  if (signs.length === 0) return undefined;
  const first = signs[0]!;
  const evidence: Evidence[] = signs.slice(0, 4).map((sign) => ({ source: sign.path === "events" ? "event" : "status", path: sign.path === "restarts" ? `${sign.container?.statusPath ?? "status"}.restartCount` : sign.path, text: `${sign.container?.name ? `${sign.container.name}: ` : ""}${sign.text}` }));
  const cause: Cause = {
    category: "unknown-crash",
    confidence: 0.3,
    severity: first.path === "events" || first.path === "restarts" || (phase === "Pending" && !first.container) ? "warning" : "error",
    summary: `${first.container ? displayContainer(first.container) : `pod ${pod.name}`} is not healthy (${first.text.slice(0, 120)}); the evidence does not say why`,
    cause: "The pod is visibly broken, but what was given (status, events, logs) names no known cause. The evidence below is everything known; the previous log and the pod's events usually hold the rest.",
    evidence,
    detail: {},
  };
  return { pod, ...(first.container ? { container: first.container } : {}), cause };
}

const diagnosisCache = new WeakMap<ClusterView, Diagnosis[]>();

/** The cause of every unhealthy pod and container in the view, computed once per view and shared by the pod rules. */
export function diagnoseView(view: ClusterView): Diagnosis[] {
  const cached = diagnosisCache.get(view);
  if (cached) return cached;
  const out: Diagnosis[] = [];
  for (const pod of podContexts(view)) {
    if (!view.inScope(pod.namespace)) continue;
    const podCause = diagnosePod(pod, view.now);
    if (podCause) {
      out.push({ pod, cause: podCause, container: podCause.category === "container-runtime-error" || podCause.category === "storage-unavailable" ? pod.containers.find((c) => !c.init) : undefined });
      continue;
    }
    const before = out.length;
    for (const container of pod.containers) {
      // App containers wait in PodInitializing until every init container has exited 0: never a cause of their own.
      if (!container.init && container.status?.state?.waiting?.reason === "PodInitializing") continue;
      const cause = diagnoseContainer(container, view.now);
      if (cause) out.push({ pod, container, cause });
    }
    if (out.length === before) {
      const broken = visiblyBroken(pod);
      if (broken) out.push(broken);
    }
  }
  diagnosisCache.set(view, out);
  return out;
}

export { restartTimeline };
