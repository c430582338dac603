import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import { eventEvidence, sidecarVerify, specEvidence, statusEvidence } from "./evidence.js";
import { annotationFix } from "../workload-fixes.js";
import { parseQuantity } from "../../k8s/quantities.js";
import { containerSpecPath, containerStatus, podSpec, proxyContainer, PROXY_CONTAINER, userPods } from "../../istio/pods.js";
import { templateOwnerOf } from "../../k8s/workloads.js";
import { envoyData } from "../../envoy/view-data.js";
import { hasLineNumbers } from "../../envoy/proxy-status.js";
import type { ClusterView } from "../../view/cluster-view.js";
import type { KubeObject } from "../../model/kube.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const CPU_ANNOTATION = "sidecar.istio.io/proxyCPU";
const CPU_LIMIT_ANNOTATION = "sidecar.istio.io/proxyCPULimit";
/** Below this CPU limit Envoy cannot start and answer its readiness probe in time. */
const STARVING_CPU_LIMIT = 0.2;
/** Rules whose findings a starved proxy explains on its pod: slow to acknowledge pushes, slow to answer readiness. */
const EXPLAINS = ["envoy/proxy-status-stale", "sidecar/proxy-not-ready"];

/** proxy-status rows of this pod where istiod's last push is not acknowledged (STALE): a throttled Envoy is slow to ACK. */
function staleEvidence(view: ClusterView, pod: KubeObject): Evidence[] {
  const evidence: Evidence[] = [];
  for (const { table, origin } of envoyData(view).proxyStatus) {
    for (const row of table.rows) {
      if (row.pod !== pod.metadata.name || (row.namespace !== undefined && row.namespace !== pod.metadata.namespace)) continue;
      const stale = Object.entries(row.types).filter(([, status]) => status.state === "STALE").map(([type]) => type);
      if (stale.length > 0) evidence.push({ source: "proxy-status", text: `proxy-status: ${row.proxy} ${stale.join(", ")} STALE (istiod's push not acknowledged)`, path: origin.file, line: hasLineNumbers(table) ? row.line : undefined });
    }
  }
  return evidence;
}

/** The app containers' CPU limits (or requests), next to the proxy's: a proxy given a small fraction of what its app has. */
function appCpuText(pod: KubeObject): string | undefined {
  const apps = ((pod.spec?.containers ?? []) as Array<{ name: string; resources?: { limits?: { cpu?: string }; requests?: { cpu?: string } } }>).filter((container) => container.name !== PROXY_CONTAINER);
  const parts = apps.map((container) => {
    const cpu = container.resources?.limits?.cpu ?? container.resources?.requests?.cpu;
    return cpu ? `${container.name} ${container.resources?.limits?.cpu ? "limit" : "request"} ${cpu}` : `${container.name} no CPU limit`;
  });
  return parts.length > 0 ? parts.join(", ") : undefined;
}

const PROBE_TIMEOUT = /(?:Readiness|Startup|Liveness) probe failed: Get "https?:\/\/[\d.]+:15021\/healthz\/ready": (?:context deadline exceeded|net\/http: request canceled)/;

export const proxyCpuStarved = defineRule({
  id: "sidecar/proxy-cpu-starved",
  category: "sidecar-oom-killed",
  severity: "warning",
  title: "istio-proxy is starved by a CPU limit too low to start",
  docs: {
    cause:
      "A CPU limit of a few tens of millicores throttles Envoy while it loads its configuration and certificates: its readiness endpoint on 15021 times out, " +
      "the pod stays READY 1/2 and restarts are possible when pilot-agent gives up.",
    fix: "Raise the sidecar's CPU with the pod template annotations sidecar.istio.io/proxyCPU (request) and sidecar.istio.io/proxyCPULimit (limit), then roll the workload out.",
    verify: ["kubectl get pod <pod> -n <ns>   # READY 2/2", "kubectl describe pod <pod> -n <ns>   # no Unhealthy events for :15021"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/#SidecarProxyCPULimit"],
  },
  equivalents: [],
  inputs: ["pods", "events", "proxy-status", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  explains: EXPLAINS,
  messages: {
    "throttled-readiness": "istio-proxy is throttled by a CPU limit of {limit}: its readiness on 15021 times out",
    "throttled-pushes": "istio-proxy is throttled by a CPU limit of {limit}: it does not acknowledge istiod's pushes (STALE)",
    "throttled-readiness-and-pushes": "istio-proxy is throttled by a CPU limit of {limit}: its readiness on 15021 times out and it does not acknowledge istiod's pushes (STALE)",
  },
  analyze({ view, report }) {
    for (const pod of userPods(view)) {
      const proxy = proxyContainer(podSpec(pod));
      const status = containerStatus(pod, PROXY_CONTAINER);
      if (!proxy || !status) continue;
      const annotations = pod.metadata.annotations ?? {};
      const limitText = annotations[CPU_LIMIT_ANNOTATION] ?? proxy.container.resources?.limits?.cpu;
      const limit = parseQuantity(limitText);
      if (limit === undefined || limit > STARVING_CPU_LIMIT) continue;
      if (status.lastState?.terminated?.reason === "OOMKilled") continue;
      const struggling = status.ready !== true || (status.restartCount ?? 0) > 0;
      const timeouts = view.eventsFor("Pod", pod.metadata.namespace, pod.metadata.name ?? "").filter((event) => event.reason === "Unhealthy" && PROBE_TIMEOUT.test(event.message));
      const stale = staleEvidence(view, pod);
      if (!(struggling && timeouts.length > 0) && stale.length === 0) continue;
      const app = appCpuText(pod);

      const containerPath = containerSpecPath(podSpec(pod), PROXY_CONTAINER) ?? [];
      const evidence: Evidence[] = [
        annotations[CPU_LIMIT_ANNOTATION]
          ? specEvidence(view, pod, ["metadata", "annotations", CPU_LIMIT_ANNOTATION], `annotation ${CPU_LIMIT_ANNOTATION}: ${limitText}`)
          : specEvidence(view, pod, ["spec", ...containerPath, "resources", "limits", "cpu"], `istio-proxy resources: limits.cpu ${String(limitText)}`),
        statusEvidence(pod, PROXY_CONTAINER, "ready", `istio-proxy ready ${status.ready === true}, restartCount ${status.restartCount ?? 0}`),
        ...timeouts.slice(0, 2).map(eventEvidence),
        ...stale,
        ...(app ? [{ source: "spec" as const, text: `app containers: ${app}; istio-proxy limit ${String(limitText)}` }] : []),
      ];
      const owner = templateOwnerOf(view, pod);
      const templateAnnotations = owner.object && owner.kind !== "Pod" ? ((owner.object.spec?.template?.metadata?.annotations ?? {}) as Record<string, string>) : annotations;
      const before: Record<string, string> = {};
      for (const key of [CPU_ANNOTATION, CPU_LIMIT_ANNOTATION]) if (templateAnnotations[key]) before[key] = templateAnnotations[key];
      report({
        confidence: 0.8,
        object: pod, fieldPath: ["spec", ...containerPath, "resources"], container: PROXY_CONTAINER,
        message: timeouts.length > 0 && stale.length > 0 ? "throttled-readiness-and-pushes" : timeouts.length > 0 ? "throttled-readiness" : "throttled-pushes",
        data: { limit: String(limitText) },
        evidence,
        cause: `With only ${String(limitText)} CPU, Envoy is throttled while it loads and applies its configuration and certificates${
          timeouts.length > 0 ? ", so /healthz/ready on 15021 does not answer within the probe timeout and the pod stays 1/2" : ""
        }${stale.length > 0 ? `${timeouts.length > 0 ? "; and" : ","} it is too slow to apply and acknowledge what istiod pushes, so proxy-status shows it STALE: the out-of-sync proxy is the symptom, the CPU limit the cause` : ""}.`,
        fix: () => annotationFix(owner, before, { ...before, [CPU_ANNOTATION]: "100m", [CPU_LIMIT_ANNOTATION]: "500m" }, "Give istio-proxy at least 100m CPU request and 500m limit through the pod template annotations, then roll the workload out."),
        verify: [...sidecarVerify(pod, owner), `kubectl get events${namespaceFlag(appliedNamespace(pod.metadata.namespace))} --field-selector involvedObject.name=${pod.metadata.name},reason=Unhealthy`],
      });
    }
  },
});
