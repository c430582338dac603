import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { containerSpecEvidence, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { ProbeSpec } from "./causes/pod-types.js";
import { formatCpu, parseQuantity } from "../../k8s/quantities.js";
import { probeEvidence, startupProbeFor } from "./fixes/probe-fix.js";
import { CRASH, QUIET } from "./causes/competition.js";
import { claim, detector, probeKillReading, worded } from "./causes/detectors.js";
import { cpuLimitCores } from "./causes/probes.js";
import { type Cause, displayContainer } from "./causes/cause.js";
import type { ContainerContext } from "./causes/context.js";

/** A running container whose CPU limit is so small that any real work is throttled. */
const STARVED_CPU_CORES = 0.05;

export function starvedCpuCause(container: ContainerContext): Cause | undefined {
  const cpu = cpuLimitCores(container);
  if (cpu === undefined || cpu > STARVED_CPU_CORES || !container.status?.state?.running) return undefined;
  const limit = container.spec?.resources?.limits?.cpu;
  return {
    category: "cpu-throttling",
    confidence: 0.45,
    severity: "warning",
    summary: "",
    said: { message: "starved-by-cpu-limit", data: { container: displayContainer(container), cpuLimit: String(limit) } },
    cause: `A CPU limit of ${limit} lets the container use ${Math.round(cpu * 1000)} millicores per 100 ms period; anything CPU-bound (start-up, a burst of requests) is throttled by the kernel's CFS quota, so latency and probes suffer even though the pod looks Running.`,
    evidence: [{ source: "spec", path: `spec.containers[${container.index}].resources.limits.cpu`, text: `limits.cpu ${limit}, requests.cpu ${container.spec?.resources?.requests?.cpu ?? "none"}` }],
    detail: { cpuLimit: String(limit ?? "") },
  };
}

function fix(context: FixContext): Fix {
  const resources = context.current?.resources ?? {};
  const limit = parseQuantity(resources.limits?.cpu) ?? 0.1;
  const newLimit = Math.max(1, limit * 4);
  const newRequest = Math.max(parseQuantity(resources.requests?.cpu) ?? 0, 0.3);
  const kind = context.d.cause.probe?.kind ?? "liveness";
  const probe = (context.current?.[`${kind}Probe`] ?? context.d.cause.probe?.probe) as ProbeSpec | undefined;
  const startup = startupProbeFor(context, probe);
  return changeContainer(
    context,
    {
      resources: { ...resources, requests: { ...(resources.requests ?? {}), cpu: formatCpu(newRequest) }, limits: { ...(resources.limits ?? {}), cpu: formatCpu(newLimit) } },
      startupProbe: context.current?.startupProbe ?? startup,
    },
    `Raise the CPU request to a realistic ${formatCpu(newRequest)} and the limit from ${resources.limits?.cpu} to ${formatCpu(newLimit)} (or drop the CPU limit), and add a startupProbe so start-up is not judged by the liveness probe`,
    [`kubectl top pod ${context.names.pod}${context.names.ns} --containers`],
  );
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "start-up-throttled": "{container} is throttled by a {cpuLimit} CPU limit: start-up is too slow for its {kind} probe",
  "starved-by-cpu-limit": "{container} runs with a CPU limit of {cpuLimit}: it is throttled whenever it does real work",
};

export const cpuThrottling = podCauseRule({
  id: "pod/cpu-throttling",
  messages,
  category: "cpu-throttling",
  detectors: [
    worded(messages, ["start-up-throttled"], claim(CRASH, "probe-kill", "cpu-throttling", probeKillReading)),
    worded(messages, ["starved-by-cpu-limit"], detector(QUIET, "starved-cpu", ({ container }) => starvedCpuCause(container))),
  ],
  title: "CPU limit so low that start-up is slow and probes fail",
  docs: {
    cause: "The container's CPU limit is so low that CFS throttling stretches start-up (JIT, class loading, cache warm-up) past what the probes allow; the probes time out or are refused and the kubelet kills the container before it is ready.",
    fix: "Raise requests.cpu to a realistic value and the limit well above it (or remove the CPU limit), and add a startupProbe sized to the real start-up.",
    verify: ["kubectl top pod <POD>", "container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total in Prometheus", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  equivalents: ["kube-score:container-resources"],
  extraEvidence(context) {
    const resources = context.current?.resources;
    return [containerSpecEvidence(context, ["resources", "limits", "cpu"], `limits.cpu ${resources?.limits?.cpu}, requests.cpu ${resources?.requests?.cpu ?? "none"}`), ...probeEvidence(context)];
  },
  fix,
  verify: (n) => [
    `kubectl top pod ${n.pod}${n.ns} --containers`,
    `# Prometheus: rate(container_cpu_cfs_throttled_periods_total{pod="${n.pod}"}[5m]) / rate(container_cpu_cfs_periods_total{pod="${n.pod}"}[5m])`,
    ...restartVerify(n),
  ],
});
