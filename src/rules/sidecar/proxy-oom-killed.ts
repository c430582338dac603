import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import { eventEvidence, logEvidence, sidecarVerify, specEvidence, statusEvidence } from "./evidence.js";
import { annotationFix } from "../workload-fixes.js";
import { parseQuantity } from "../../k8s/quantities.js";
import { containerSpecPath, containerStatus, podSpec, proxyContainer, PROXY_CONTAINER, userPods } from "../../istio/pods.js";
import { findInLogs, PROXY_SIGNATURES } from "../../istio/proxy-log-signatures.js";
import { templateOwnerOf } from "../../k8s/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const MEMORY_ANNOTATION = "sidecar.istio.io/proxyMemory";
const MEMORY_LIMIT_ANNOTATION = "sidecar.istio.io/proxyMemoryLimit";
const MIB = 1024 * 1024;

/** Doubles a memory amount and rounds up to a multiple of 64Mi, at least 256Mi. */
export function raisedMemory(bytes: number | undefined): string {
  const doubled = Math.max(256 * MIB, (bytes ?? 128 * MIB) * 2);
  return `${Math.ceil(doubled / (64 * MIB)) * 64}Mi`;
}

export const proxyOomKilled = defineRule({
  id: "sidecar/proxy-oom-killed",
  category: "sidecar-oom-killed",
  severity: "error",
  title: "istio-proxy is OOMKilled by its memory limit",
  docs: {
    cause:
      "Envoy's memory grows with the size of the mesh config it receives (clusters, endpoints, routes) and with connections. When the istio-proxy container " +
      "exceeds its memory limit the kernel kills it (OOMKilled, exit code 137); pilot-agent exits with it and the kubelet restarts the container, so the pod shows READY 1/2 and restarts.",
    fix:
      "Raise the sidecar's memory with the pod template annotations sidecar.istio.io/proxyMemory (request) and sidecar.istio.io/proxyMemoryLimit (limit), then roll the workload out " +
      "(the injector reads them when the pod is created). A Sidecar resource that limits egress hosts also shrinks Envoy's config and its memory.",
    verify: ["kubectl get pod <pod> -n <ns>   # READY 2/2, RESTARTS stops growing", "kubectl describe pod <pod> -n <ns>   # istio-proxy Limits show the new memory", "kubectl logs <pod> -n <ns> -c istio-proxy"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/#SidecarProxyMemoryLimit"],
  },
  equivalents: [],
  inputs: ["pods", "events", "logs", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "oom-killed": "istio-proxy was OOMKilled at its memory limit {limit}",
    "oom-killed-restarts": "istio-proxy was OOMKilled ({restarts} restarts) at its memory limit {limit}",
  },
  analyze({ view, report }) {
    for (const pod of userPods(view)) {
      const proxy = proxyContainer(podSpec(pod));
      if (!proxy) continue;
      const status = containerStatus(pod, PROXY_CONTAINER);
      const terminated = status?.lastState?.terminated ?? status?.state?.terminated;
      if (!status || !terminated || terminated.reason !== "OOMKilled") continue;
      const field = status.lastState?.terminated ? "lastState.terminated" : "state.terminated";

      const limits = proxy.container.resources?.limits ?? {};
      const requests = proxy.container.resources?.requests ?? {};
      const annotations = pod.metadata.annotations ?? {};
      const evidence: Evidence[] = [
        statusEvidence(pod, PROXY_CONTAINER, `${field}.reason`, `istio-proxy ${field}: reason OOMKilled, exit code ${terminated.exitCode ?? 137}${terminated.finishedAt ? `, finished ${terminated.finishedAt}` : ""}`),
        statusEvidence(pod, PROXY_CONTAINER, "restartCount", `istio-proxy restartCount ${status.restartCount ?? 0}, ready ${status.ready === true}`),
      ];
      const containerPath = containerSpecPath(podSpec(pod), PROXY_CONTAINER);
      if (limits.memory !== undefined && containerPath) {
        evidence.push(specEvidence(view, pod, ["spec", ...containerPath, "resources", "limits", "memory"], `istio-proxy resources: limits.memory ${limits.memory}, requests.memory ${requests.memory ?? "(none)"}`));
      }
      for (const key of [MEMORY_ANNOTATION, MEMORY_LIMIT_ANNOTATION]) {
        if (annotations[key]) evidence.push(specEvidence(view, pod, ["metadata", "annotations", key], `annotation ${key}: ${annotations[key]}`));
      }
      const exited = findInLogs(view, pod.metadata.namespace, pod.metadata.name, PROXY_CONTAINER, PROXY_SIGNATURES.envoyExited, 1)[0];
      if (exited) evidence.push(logEvidence(exited));
      const backOff = view.eventsFor("Pod", pod.metadata.namespace, pod.metadata.name ?? "").find((event) => event.reason === "BackOff" && event.message.includes(PROXY_CONTAINER));
      if (backOff) evidence.push(eventEvidence(backOff));

      const limitBytes = parseQuantity(annotations[MEMORY_LIMIT_ANNOTATION] ?? limits.memory);
      const requestBytes = parseQuantity(annotations[MEMORY_ANNOTATION] ?? requests.memory);
      const newLimit = raisedMemory(limitBytes);
      // Request half the new limit (at least 128Mi and never below today's request).
      const newRequest = `${Math.max(128, Math.ceil((requestBytes ?? 0) / MIB), Number.parseInt(newLimit, 10) / 2)}Mi`;
      const owner = templateOwnerOf(view, pod);
      const templateAnnotations = owner.object && owner.kind !== "Pod" ? ((owner.object.spec?.template?.metadata?.annotations ?? {}) as Record<string, string>) : annotations;
      const before: Record<string, string> = {};
      for (const key of [MEMORY_ANNOTATION, MEMORY_LIMIT_ANNOTATION]) if (templateAnnotations[key]) before[key] = templateAnnotations[key];
      report({
        confidence: 0.97,
        object: pod, fieldPath: containerPath ? ["spec", ...containerPath, "resources"] : undefined, container: PROXY_CONTAINER,
        message: status.restartCount ? "oom-killed-restarts" : "oom-killed",
        data: { restarts: status.restartCount ?? 0, limit: String(annotations[MEMORY_LIMIT_ANNOTATION] ?? limits.memory ?? "(none set)") },
        evidence,
        cause: `The sidecar needed more memory than its limit ${String(annotations[MEMORY_LIMIT_ANNOTATION] ?? limits.memory ?? "")}, so the kernel killed Envoy (exit 137) and the kubelet restarts istio-proxy; while it is down the pod is 1/2 and its traffic fails.`,
        fix: () => annotationFix(
          owner,
          before,
          { ...before, [MEMORY_ANNOTATION]: newRequest, [MEMORY_LIMIT_ANNOTATION]: newLimit },
          `Give istio-proxy more memory through the pod template annotations (request ${newRequest}, limit ${newLimit}); new pods get the new resources. If the mesh is large, a Sidecar resource limiting egress hosts also reduces Envoy's memory.`,
        ),
        verify: [...sidecarVerify(pod, owner), `kubectl get pod -l app=${pod.metadata.labels?.app ?? "<app>"}${namespaceFlag(appliedNamespace(pod.metadata.namespace))} -o jsonpath='{.items[*].spec.containers[?(@.name=="istio-proxy")].resources.limits.memory}'`],
      });
    }
  },
});
