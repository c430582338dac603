import type { Fix } from "../../model/finding.js";
import { changeContainer } from "../support/pod-fixes.js";
import { containerSpecEvidence, podCauseRule, restartVerify, type FixContext } from "../support/pod-rule.js";
import type { ContainerSpec } from "../support/pod-types.js";
import { formatMemory, jvmHeapOf, parseQuantity, roundMemoryUp } from "../support/quantity.js";

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

/** Heap and limit arithmetic behind the fix: what the JVM may take, what the limit allows. */
export function memoryPlan(context: FixContext): { limit?: number; request?: number; newLimit: number; newRequest: number; heap?: number; heapTooBig: boolean; javaHeapError: boolean; note: string } {
  const resources = context.current?.resources;
  const limit = parseQuantity(resources?.limits?.memory);
  const request = parseQuantity(resources?.requests?.memory);
  const options = jvmOptions(context.current);
  const heap = jvmHeapOf(options);
  const javaHeapError = context.d.cause.match?.signature.id === "java-outofmemoryerror" || context.d.container?.matches.some((m) => m.signature.id === "java-outofmemoryerror") === true;
  const heapBytes = heap.maxHeapBytes ?? (limit !== undefined && heap.maxRamPercentage !== undefined ? (limit * heap.maxRamPercentage) / 100 : undefined);
  const heapTooBig = heapBytes !== undefined && limit !== undefined && heapBytes + Math.max(256 * 2 ** 20, heapBytes * 0.25) > limit;
  let newLimit: number;
  let note: string;
  if (heapTooBig && heapBytes !== undefined) {
    newLimit = roundMemoryUp((heapBytes + Math.max(256 * 2 ** 20, heapBytes * 0.25)) * 1.25);
    note = `the JVM heap alone (${heap.flag ?? "MaxRAMPercentage"} = ${formatMemory(heapBytes)}) plus metaspace, threads and buffers does not fit the ${formatMemory(limit!)} limit`;
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
  const newRequest = request !== undefined ? Math.max(request, roundMemoryUp(newLimit / 2)) : roundMemoryUp(newLimit / 2);
  const plan = { newLimit, newRequest, heapTooBig, javaHeapError, note } as ReturnType<typeof memoryPlan>;
  if (limit !== undefined) plan.limit = limit;
  if (request !== undefined) plan.request = request;
  if (heapBytes !== undefined) plan.heap = heapBytes;
  return plan;
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
  if (jvm && plan.javaHeapError && !plan.heapTooBig && plan.heap === undefined) {
    // Java heap space with the default heap (25 % of the limit): give the heap a real share of the limit.
    const env = [...(context.current?.env ?? []).filter((e) => e.name !== "JAVA_TOOL_OPTIONS"), { name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" }];
    set.env = env;
  }
  const words = plan.heapTooBig
    ? `Raise the memory limit to ${formatMemory(plan.newLimit)} so the heap fits with room for non-heap memory (or lower the heap to about 75 % of the limit)`
    : jvm && plan.javaHeapError && plan.heap === undefined
      ? `The JVM uses its default maximum heap (${DEFAULT_HEAP_PERCENT} % of the limit); set -XX:MaxRAMPercentage=75 and raise the limit to ${formatMemory(plan.newLimit)}`
      : `Raise the memory limit from ${plan.limit !== undefined ? formatMemory(plan.limit) : "none"} to ${formatMemory(plan.newLimit)} (request ${formatMemory(plan.newRequest)}); then size it to the measured peak + 20-30 % and look for a leak if usage keeps growing`;
  return changeContainer(context, set, words, [`kubectl top pod ${context.names.pod}${context.names.ns} --containers`]);
}

export const oomKilled = podCauseRule({
  id: "pod/oom-killed",
  category: "oom-killed",
  title: "Container killed for exceeding its memory limit (OOMKilled)",
  inputs: ["pods", "events", "logs", "workloads", "nodes"],
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
