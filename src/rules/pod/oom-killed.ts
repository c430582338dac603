import type { Fix } from "../../model/finding.js";
import { eventEvidence, logLineEvidence, logEvidence, terminatedEvidence } from "./causes/evidence.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { containerSpecEvidence, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { ContainerSpec, TerminatedState } from "./causes/pod-types.js";
import { formatMemory, jvmHeapOf, parseQuantity, roundMemoryUp, parseJvmSize } from "../../k8s/quantities.js";
import { appliedNamespace } from "../../model/namespace.js";
import { CRASH } from "./causes/competition.js";
import { claim, detector, exitCodeReading, logLineDetectors, worded } from "./causes/detectors.js";
import type { ContainerContext } from "./causes/context.js";
import { type Cause, displayContainer } from "./causes/cause.js";
import type { LogStream } from "../../model/inputs.js";

/**
 * Memory sizes a container's own log states: what it loads or allocates
 * (`loading product index into memory (2.1 GiB)`, numpy's `Unable to allocate
 * 7.45 GiB`, Go's `cannot allocate 1073741824-byte block`), the heap it runs
 * with (`-Xmx2g` echoed by `Picked up JAVA_TOOL_OPTIONS`, Elasticsearch's
 * `heap size [1gb]`, Node's `--max-old-space-size=4096`). The largest one is
 * what the memory limit must hold at least.
 */
export interface StatedMemory {
  bytes: number;
  /** `heap` when the size is a runtime's maximum heap (the limit needs room above it), `working-set` otherwise. */
  kind: "heap" | "working-set";
  /** The log line that states it, trimmed. */
  line: string;
  stream: LogStream;
  /** Index of the line in the stream. */
  index: number;
}

const LINES_READ = 5000;
const LINE_CHARS = 2000;
const MEMORY_WORDS = /memory|heap|alloc|load|cache|index|buffer|resident|\bRSS\b|OutOfMemory|working set/i;
const SIZE = /(\d+(?:\.\d+)?)\s?([KMGT]i?B|[KMGT]i)\b/gi;
const BYTE_BLOCK = /(\d{4,})-byte block/;
const XMX = /-Xmx(\d+[kKmMgGtT]?)\b/;
const NODE_HEAP = /--max-old-space-size=(\d+)/;
const SETTING_BEFORE = /(?:limit|request|max(?:imum)?|threshold)s?\b[^,;()]{0,12}$/i;
/** The kernel's memory-cgroup report (`memory: usage 1048576kB, limit 1048576kB`) states the limit it enforced. */
const KERNEL_CGROUP = /memory: usage (\d+)kB, limit (\d+)kB/;
const UNIT: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

function sizeOf(value: string, unit: string): number {
  const base = UNIT[unit[0]!.toLowerCase()]!;
  // kB/MB/GB in logs are almost always the binary sizes runtimes print; a decimal reading would only understate the need.
  return Number(value) * base;
}

function statedOn(line: string): { bytes: number; kind: StatedMemory["kind"] } | undefined {
  const xmx = XMX.exec(line);
  if (xmx) {
    const bytes = parseJvmSize(xmx[1]!);
    if (bytes) return { bytes, kind: "heap" };
  }
  const node = NODE_HEAP.exec(line);
  if (node) return { bytes: Number(node[1]) * 2 ** 20, kind: "heap" };
  if (!MEMORY_WORDS.test(line) || KERNEL_CGROUP.test(line)) return undefined;
  const block = BYTE_BLOCK.exec(line);
  let best: number | undefined = block ? Number(block[1]) : undefined;
  for (const match of line.matchAll(SIZE)) {
    // "limit 768Mi", "request 50Mi": a setting the line quotes, not what the process holds.
    if (SETTING_BEFORE.test(line.slice(Math.max(0, match.index - 24), match.index))) continue;
    const bytes = sizeOf(match[1]!, match[2]!);
    if (best === undefined || bytes > best) best = bytes;
  }
  if (best === undefined) return undefined;
  return { bytes: best, kind: /heap size|max heap/i.test(line) ? "heap" : "working-set" };
}

/** The largest memory size the container's logs state (previous instance first), if any. */
export function memoryStatedInLogs(container: ContainerContext | undefined): StatedMemory | undefined {
  let found: StatedMemory | undefined;
  for (const stream of container?.logs ?? []) {
    const start = Math.max(0, stream.lines.length - LINES_READ);
    for (let index = start; index < stream.lines.length; index++) {
      const line = stream.lines[index]!.slice(0, LINE_CHARS);
      const stated = statedOn(line);
      // Sizes under 1 MiB are buffer chunks, not what the process holds.
      if (!stated || stated.bytes < 2 ** 20) continue;
      if (!found || stated.bytes > found.bytes) found = { ...stated, line: line.trim().slice(0, 200), stream, index };
    }
  }
  return found;
}

/** The memory limit the kernel enforced when it killed the container, from its memory-cgroup report in the log. */
export function limitStatedByKernel(container: ContainerContext | undefined): number | undefined {
  for (const stream of container?.logs ?? []) {
    const start = Math.max(0, stream.lines.length - LINES_READ);
    for (let index = start; index < stream.lines.length; index++) {
      const match = KERNEL_CGROUP.exec(stream.lines[index]!.slice(0, LINE_CHARS));
      if (match) return Number(match[2]) * 1024;
    }
  }
  return undefined;
}

/** The runtime reports the container OOMKilled: the kernel ended it at its memory limit. */
export function oomKilledCause(container: ContainerContext, terminated: TerminatedState | undefined): Cause | undefined {
  if (terminated?.reason !== "OOMKilled") return undefined;
  const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const limit = container.spec?.resources?.limits?.memory;
  const cause: Cause = {
    category: "oom-killed",
    confidence: 0.95,
    severity: "error",
    summary: "",
    said: limit ? { message: "oom-killed-at-limit", data: { container: displayContainer(container), limit } } : { message: "oom-killed-over-limit", data: { container: displayContainer(container) } },
    cause: "",
    evidence: [terminatedEvidence(terminated, path)],
    terminated,
    detail: {},
  };
  const memoryLine = container.matches.find((m) => m.signature.category === "oom-killed");
  if (memoryLine) cause.evidence.push(logEvidence(memoryLine));
  return cause;
}

const DEFAULT_HEAP_PERCENT = 25;

function jvmOptions(container: ContainerSpec | undefined): string {
  if (!container) return "";
  const env = (container.env ?? []).filter((e) => /JAVA_OPTS|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_HEAP_OPTS|JVM_OPTS/.test(e.name)).map((e) => e.value ?? "");
  return [...(container.command ?? []), ...(container.args ?? []), ...env].join(" ");
}

function isJvm(context: FixContext): boolean {
  const c = context.current;
  const match = context.d.cause.match ?? context.d.container?.matches.find((m) => m.signature.category === "oom-killed");
  return /java|jvm|jre|jdk|temurin|corretto|openjdk|spring|kafka|elasticsearch|tomcat/i.test(`${c?.image ?? ""} ${jvmOptions(c)}`) || match?.signature.runtime === "java";
}

/** Room a JVM needs beside its heap: metaspace, threads, code cache, direct buffers. */
export function nonHeapBytes(heapBytes: number): number {
  return Math.max(256 * 2 ** 20, heapBytes * 0.25);
}

/** The memory limit now holds what the evidence says the container needs, and is above the limit it was killed at. */
export function memoryNeedAnswered(context: FixContext, observed: ContainerSpec): boolean {
  const now = context.d.container?.spec;
  const before = parseQuantity(observed.resources?.limits?.memory);
  const after = parseQuantity(now?.resources?.limits?.memory);
  if (!now || before === undefined || after === undefined || after <= before) return false;
  const heap = jvmHeapOf(jvmOptions(now)).maxHeapBytes;
  const oldHeap = jvmHeapOf(jvmOptions(observed)).maxHeapBytes;
  // A heap set in the spec that did not fit the old limit: the new limit must hold it with its non-heap memory.
  if (oldHeap !== undefined && oldHeap + nonHeapBytes(oldHeap) > before) return heap !== undefined && heap + nonHeapBytes(heap) <= after;
  const stated = memoryStatedInLogs(context.d.container);
  if (!stated) return false;
  const need = stated.kind === "heap" ? stated.bytes + nonHeapBytes(stated.bytes) : stated.bytes;
  return need > before && after >= need;
}

/** Heap and limit arithmetic behind the fix: what the JVM may take, what the limit allows. */
/** The container's working set as metrics-server reports it (a PodMetrics object among the inputs). */
export function measuredUsage(context: FixContext): number | undefined {
  // Pasted `kubectl top` rows may carry no namespace: then the pod's name alone finds them.
  const metrics = context.view.get("PodMetrics", context.d.pod.namespace, context.d.pod.name) ?? context.view.kind("PodMetrics").find((m) => m.metadata.name === context.d.pod.name && m.metadata.namespace === undefined);
  const containers = (metrics as unknown as { containers?: Array<{ name?: string; usage?: { memory?: string } }> } | undefined)?.containers ?? [];
  const usage = containers.find((c) => c.name === context.d.container?.name)?.usage?.memory;
  return parseQuantity(usage);
}

export function memoryPlan(context: FixContext): { limit?: number; request?: number; newLimit: number; newRequest: number; heap?: number; heapTooBig: boolean; javaHeapError: boolean; note: string; stated?: StatedMemory; measured?: number; sizedFrom?: "log" | "metrics" } {
  const resources = context.current?.resources;
  // Without the spec, the kernel's own report of the kill still says which limit it enforced.
  const limit = parseQuantity(resources?.limits?.memory) ?? (context.current ? undefined : limitStatedByKernel(context.d.container));
  const request = parseQuantity(resources?.requests?.memory);
  const options = jvmOptions(context.current);
  const heap = jvmHeapOf(options);
  const javaHeapError = context.d.cause.match?.signature.id === "java-outofmemoryerror" || context.d.container?.matches.some((m) => m.signature.id === "java-outofmemoryerror") === true;
  const heapBytes = heap.maxHeapBytes ?? (limit !== undefined && heap.maxRamPercentage !== undefined ? (limit * heap.maxRamPercentage) / 100 : undefined);
  const heapTooBig = heapBytes !== undefined && limit !== undefined && heapBytes + nonHeapBytes(heapBytes) > limit;
  const stated = memoryStatedInLogs(context.d.container);
  const statedNeed = stated ? (stated.kind === "heap" ? stated.bytes + nonHeapBytes(stated.bytes) : stated.bytes) : undefined;
  const measured = measuredUsage(context);
  let newLimit: number;
  let note: string;
  let sizedFrom: "log" | "metrics" | undefined;
  if (heapTooBig && heapBytes !== undefined) {
    newLimit = roundMemoryUp((heapBytes + nonHeapBytes(heapBytes)) * 1.25);
    note = `the JVM heap alone (${heap.flag ?? "MaxRAMPercentage"} = ${formatMemory(heapBytes)}) plus metaspace, threads and buffers does not fit the ${formatMemory(limit!)} limit`;
  } else if (stated && statedNeed !== undefined && (limit === undefined || statedNeed > limit)) {
    // The log says how much it holds: size the limit to that (with 25 % headroom), never below the current limit.
    newLimit = Math.max(roundMemoryUp(statedNeed * 1.25), limit ?? 0);
    sizedFrom = "log";
    note = `its log states ${stated.kind === "heap" ? `a maximum heap of ${formatMemory(stated.bytes)}, which needs about ${formatMemory(statedNeed)} with non-heap memory` : `${formatMemory(stated.bytes)} held in memory`} ("${stated.line.slice(0, 120)}")${limit !== undefined ? `, more than the ${formatMemory(limit)} limit` : ""}`;
  } else if (measured !== undefined && limit !== undefined && measured >= limit * 0.8) {
    // metrics-server's working set right under the limit: the peak is at least that; 30 % above it, never below the limit.
    newLimit = Math.max(roundMemoryUp(measured * 1.3), roundMemoryUp(limit * 1.25));
    sizedFrom = "metrics";
    note = `metrics-server measures a working set of ${formatMemory(measured)}, ${Math.round((measured / limit) * 100)} % of the ${formatMemory(limit)} limit; the limit is set 30 % above it`;
  } else if (limit !== undefined) {
    newLimit = roundMemoryUp(limit * 2);
    note = `the peak is above the ${formatMemory(limit)} limit; without a measured peak the limit is doubled (measure with kubectl top and set peak + 20-30%)`;
  } else if (!context.current) {
    newLimit = 512 * 2 ** 20;
    note = "the pod's spec is not among the inputs, so its memory limit is unknown: compare the peak with resources.limits.memory (kubectl get pod -o yaml)";
  } else {
    newLimit = 512 * 2 ** 20;
    note = "the container has no memory limit of its own, so a LimitRange default or the node's memory was hit";
  }
  // A request equal to its limit (Guaranteed QoS) stays equal; a request below what the container is known to hold is raised to it.
  const knownNeed = sizedFrom === "log" ? statedNeed : sizedFrom === "metrics" ? measured : undefined;
  const newRequest =
    request !== undefined && limit !== undefined && request === limit
      ? newLimit
      : Math.min(newLimit, Math.max(request ?? 0, roundMemoryUp(newLimit / 2), knownNeed !== undefined ? roundMemoryUp(knownNeed) : 0));
  const plan = { newLimit, newRequest, heapTooBig, javaHeapError, note } as ReturnType<typeof memoryPlan>;
  if (limit !== undefined) plan.limit = limit;
  if (request !== undefined) plan.request = request;
  if (heapBytes !== undefined) plan.heap = heapBytes;
  if (stated) plan.stated = stated;
  if (measured !== undefined) plan.measured = measured;
  if (sizedFrom) plan.sizedFrom = sizedFrom;
  return plan;
}

/** Where a JVM writes its heap dump: an emptyDir, since the root filesystem may be read-only and the dump must outlive the process. */
const DUMP_DIR = "/var/heap-dumps";
const DUMP_VOLUME = "heap-dumps";

/** JAVA_TOOL_OPTIONS with the flags added to whatever the container already passes there. */
function javaToolOptions(container: ContainerSpec | undefined, flags: string[]): Array<{ name: string; value?: string }> {
  const env = container?.env ?? [];
  const existing = env.find((e) => e.name === "JAVA_TOOL_OPTIONS")?.value ?? "";
  const missing = flags.filter((flag) => !existing.includes(flag.split("=")[0]!));
  const value = [existing, ...missing].filter(Boolean).join(" ");
  return [...env.filter((e) => e.name !== "JAVA_TOOL_OPTIONS"), { name: "JAVA_TOOL_OPTIONS", value }];
}

function fix(context: FixContext): Fix {
  const plan = memoryPlan(context);
  const resources = context.current?.resources ?? {};
  const set: Record<string, unknown> = {
    resources: {
      ...resources,
      requests: { ...(resources.requests ?? {}), memory: formatMemory(plan.newRequest) },
      limits: { ...(resources.limits ?? {}), memory: formatMemory(plan.newLimit) },
    },
  };
  const jvm = isJvm(context);
  const flags: string[] = [];
  // Java heap space with the default heap (25 % of the limit): give the heap a real share of the limit.
  if (jvm && plan.javaHeapError && !plan.heapTooBig && plan.heap === undefined) flags.push("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
  let podSet: Record<string, unknown> | undefined;
  if (jvm && context.current) {
    // A heap dump on the next OutOfMemoryError shows what fills the heap; it goes to an emptyDir the size of the new limit.
    flags.push("-XX:+HeapDumpOnOutOfMemoryError", `-XX:HeapDumpPath=${DUMP_DIR}`);
    const mounts = context.current.volumeMounts ?? [];
    if (!mounts.some((m) => m.mountPath === DUMP_DIR)) set.volumeMounts = [...mounts, { name: DUMP_VOLUME, mountPath: DUMP_DIR }];
    const volumes = context.podSpec?.volumes ?? [];
    if (!volumes.some((v) => v.name === DUMP_VOLUME)) podSet = { volumes: [...volumes, { name: DUMP_VOLUME, emptyDir: { sizeLimit: formatMemory(plan.newLimit) } }] };
  }
  if (flags.length > 0) set.env = javaToolOptions(context.current, flags);
  const dumpWords = jvm && context.current ? `; the JVM writes a heap dump to the emptyDir ${DUMP_DIR} on its next OutOfMemoryError (copy it out with kubectl cp before the pod is deleted)` : "";
  const words = plan.heapTooBig
    ? `Raise the memory limit to ${formatMemory(plan.newLimit)} so the heap fits with room for non-heap memory (or lower the heap to about 75 % of the limit)`
    : plan.sizedFrom === "log"
      ? `Raise the memory limit from ${plan.limit !== undefined ? formatMemory(plan.limit) : "none"} to ${formatMemory(plan.newLimit)} (request ${formatMemory(plan.newRequest)}): ${plan.note}`
      : plan.sizedFrom === "metrics"
        ? `Raise the memory limit from ${plan.limit !== undefined ? formatMemory(plan.limit) : "none"} to ${formatMemory(plan.newLimit)} (request ${formatMemory(plan.newRequest)}): ${plan.note}`
        : jvm && plan.javaHeapError && plan.heap === undefined
          ? `The JVM uses its default maximum heap (${DEFAULT_HEAP_PERCENT} % of the limit); set -XX:MaxRAMPercentage=75 and raise the limit to ${formatMemory(plan.newLimit)}`
          : `Raise the memory limit from ${plan.limit !== undefined ? formatMemory(plan.limit) : "none"} to ${formatMemory(plan.newLimit)} (request ${formatMemory(plan.newRequest)}); no measured peak is in the evidence, so this doubles the limit: measure the peak (kubectl top pod --containers, with metrics-server) and set it + 20-30 %, and look for a leak if usage keeps growing`;
  const copyDump = jvm && context.current ? [`kubectl cp ${context.names.namespace}/${context.names.pod}:${DUMP_DIR} ./heap-dumps${context.names.c}   # after the next OutOfMemoryError`] : [];
  return changeContainer(context, set, `${words}${dumpWords}`, [`kubectl top pod ${context.names.pod}${context.names.ns} --containers   # metrics-server: the working set of each container`, ...copyDump], podSet);
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "oom-killed-at-limit": "{container} is OOMKilled: it exceeds its memory limit of {limit}",
  "oom-killed-over-limit": "{container} is OOMKilled: it exceeds its memory limit",
  "sigkill-without-reason": "{container} is killed with SIGKILL (exit 137) without a probe or deletion behind it: most likely the memory limit",
};

export const oomKilled = podCauseRule({
  id: "pod/oom-killed",
  messages,
  category: "oom-killed",
  detectors: [
    worded(messages, ["oom-killed-at-limit", "oom-killed-over-limit"], detector(CRASH, "oom-killed-reason", ({ container, terminated }) => oomKilledCause(container, terminated))),
    worded(messages, ["sigkill-without-reason"], claim(CRASH, "exit-code", "oom-killed", exitCodeReading)),
    ...logLineDetectors("oom-killed", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Container killed for exceeding its memory limit (OOMKilled)",
  inputs: ["pods", "events", "logs", "workloads", "nodes", "manifests"],
  answered: (context, observed) => memoryNeedAnswered(context, observed),
  docs: {
    cause: "The container's memory use reached its limit and the kernel OOM killer ended it (reason OOMKilled, exit 137), or the runtime's own heap ran out (java.lang.OutOfMemoryError, JavaScript heap out of memory). A JVM whose -Xmx or MaxRAMPercentage does not leave room for non-heap memory under the limit is killed the same way.",
    fix: "Raise resources.limits.memory to the measured peak plus 20-30 % (and the request with it); for a JVM, keep the heap at about 75 % of the limit (-XX:MaxRAMPercentage=75) rather than a fixed -Xmx above it; look for a leak if usage grows without bound.",
    verify: ['kubectl describe pod <POD> | grep -A2 "State:"', "kubectl top pod <POD>", "kubectl get pod <POD> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}'"],
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/"],
  },
  equivalents: ["popeye:POP-205", "k8sgpt:Pod"],
  explain(context) {
    const plan = memoryPlan(context);
    const line = context.d.cause.match ? ` The log shows it: ${context.d.cause.match.text.trim().slice(0, 160)}.` : "";
    return `The container used more memory than it may and was killed: ${plan.note}.${line}`;
  },
  extraEvidence(context) {
    const resources = context.current?.resources;
    const parts = [`limits.memory ${resources?.limits?.memory ?? "none"}`, `requests.memory ${resources?.requests?.memory ?? "none"}`];
    const heap = jvmHeapOf(jvmOptions(context.current));
    if (heap.flag) parts.push(`JVM ${heap.flag}`);
    const evidence = context.current ? [containerSpecEvidence(context, ["resources"], parts.join(", "))] : [];
    const nodeName = context.d.pod.spec?.nodeName;
    const node = nodeName ? context.view.get("Node", undefined, nodeName) : undefined;
    const allocatable = (node?.status as { allocatable?: { memory?: string } } | undefined)?.allocatable?.memory;
    if (node && allocatable) {
      const bytes = parseQuantity(allocatable);
      evidence.push({ source: "api", path: `Node ${nodeName}`, text: `node ${nodeName} allocatable memory ${bytes !== undefined ? formatMemory(bytes) : allocatable}${resources?.limits?.memory ? "" : "; the container has no limit of its own, so it competes for the node's memory"}` });
    }
    // The kernel's own report of the kill, as the node's OOMKilling event (node-problem-detector) carries it.
    const podName = context.d.pod.name;
    const oomEvents = context.view.eventsWithReason("OOMKilling", "SystemOOM").filter((e) => (e.involved.kind === "Node" ? !nodeName || e.involved.name === nodeName : e.involved.name === podName));
    for (const event of oomEvents.slice(-2)) if (!context.d.cause.evidence.some((e) => e.text.includes(event.message))) evidence.push(eventEvidence(event));
    const plan = memoryPlan(context);
    if (plan.stated) evidence.push(logLineEvidence(plan.stated.stream, plan.stated.stream.firstLine + plan.stated.index, plan.stated.line));
    if (plan.measured !== undefined) evidence.push({ source: "api", path: `PodMetrics ${appliedNamespace(context.d.pod.namespace)}/${podName}`, text: `metrics-server: container ${context.d.container?.name ?? ""} working set ${formatMemory(plan.measured)}` });
    return evidence;
  },
  fix,
  verify: (n) => [
    `kubectl describe pod ${n.pod}${n.ns} | grep -A2 "State:"`,
    `kubectl get pod ${n.pod}${n.ns} -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}{"\\n"}'   # no longer OOMKilled`,
    `kubectl top pod ${n.pod}${n.ns} --containers   # peak stays below the new limit`,
    ...restartVerify(n),
  ],
});
