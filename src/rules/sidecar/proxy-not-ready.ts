import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import { eventEvidence, istiodEvidence, logEvidence, sidecarVerify, statusEvidence } from "./evidence.js";
import { istiodChecks, istiodHealth, PROXY_WARMUP_SECONDS, proxySymptoms } from "../../istio/istiod.js";
import { findInLogs, PROXY_SIGNATURES } from "../../istio/proxy-log-signatures.js";
import { controlPlaneEgress } from "../../istio/control-plane-egress.js";
import { containerStatus, PROXY_CONTAINER, readyColumn, userPods } from "../../istio/pods.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { templateOwnerOf } from "../../k8s/workloads.js";
import { diagnose as diagnoseIstiodUnreachable } from "./istiod-unreachable.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** Not ready for this long is an outage of the pod, not a slow start. */
const STUCK_ERROR_SECONDS = 300;

const PROXY_PROBE = /probe failed: Get "https?:\/\/[\d.]+:15021\/healthz\/ready"/;

export const proxyNotReady = defineRule({
  id: "sidecar/proxy-not-ready",
  category: "sidecar-not-ready",
  severity: "warning",
  title: "READY 1/2: the sidecar's readiness on 15021 keeps failing",
  docs: {
    cause:
      "istio-proxy is ready when Envoy has its listeners and clusters from istiod and a certificate; its readiness probe is GET :15021/healthz/ready. " +
      "For 30-60 s after start this failing is normal. After that the proxy is stuck, nearly always because it does not get configuration from istiod.",
    fix: "Wait one minute after start. If it is still 1/2, read the istio-proxy log, istiod's logs and proxy-status; fix what stops the proxy from syncing (see sidecar/istiod-unreachable).",
    verify: ["kubectl get pod <pod> -n <ns>   # READY 2/2", "istioctl proxy-status   # SYNCED"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/"],
  },
  equivalents: [],
  inputs: ["pods", "events", "logs", "workloads", "network-policies"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "not-ready": "READY {ready}: istio-proxy is still not ready, past the normal 30-60 s start",
    "not-ready-after": "READY {ready}: istio-proxy is still not ready after {duration}, past the normal 30-60 s start",
  },
  analyze({ view, report }) {
    for (const pod of userPods(view)) {
      if (!hasSidecar(pod) || pod.status?.phase !== "Running") continue;
      const symptoms = proxySymptoms(view, pod);
      if (symptoms.ready || !symptoms.stuck) continue;
      // A proxy that keeps crashing is a crash loop (port conflict, OOM ...), not a readiness problem.
      const proxyStatus = containerStatus(pod, PROXY_CONTAINER);
      if (proxyStatus?.lastState?.terminated || proxyStatus?.state?.waiting || (symptoms.runningFor !== undefined && symptoms.runningFor <= PROXY_WARMUP_SECONDS)) continue;
      // NetworkPolicy or istiod down: sidecar/istiod-unreachable names that cause.
      if (diagnoseIstiodUnreachable(view, pod)) continue;
      const namespace = appliedNamespace(pod.metadata.namespace);
      const probeEvents = view.eventsFor("Pod", namespace, pod.metadata.name ?? "").filter((event) => event.reason === "Unhealthy" && (PROXY_PROBE.test(event.message) || event.involved.fieldPath === `spec.containers{${PROXY_CONTAINER}}` || event.involved.fieldPath === `spec.initContainers{${PROXY_CONTAINER}}`));
      const notReadyLines = findInLogs(view, namespace, pod.metadata.name, PROXY_CONTAINER, PROXY_SIGNATURES.notReady, 2);
      const rejected = findInLogs(view, namespace, pod.metadata.name, PROXY_CONTAINER, PROXY_SIGNATURES.configRejected, 2);
      const evidence: Evidence[] = [
        statusEvidence(pod, PROXY_CONTAINER, "ready", `istio-proxy not ready${symptoms.runningFor !== undefined ? ` ${symptoms.runningFor}s after it started (more than the ${PROXY_WARMUP_SECONDS}s a proxy needs)` : ""}; pod READY ${readyColumn(pod)}, restarts ${symptoms.restarts}`),
        ...probeEvents.slice(0, 2).map(eventEvidence),
        ...rejected.slice(0, 1).map(logEvidence),
        ...notReadyLines.filter((line) => !rejected.slice(0, 1).some((hit) => hit.stream === line.stream && hit.index === line.index)).slice(0, 1).map(logEvidence),
        ...symptoms.hits.filter((hit) => !notReadyLines.some((line) => line.index === hit.index && line.stream === hit.stream)).map(logEvidence),
      ];
      const egress = controlPlaneEgress(view, { namespace, labels: pod.metadata.labels ?? {} });
      evidence.push({
        source: "network-policy",
        text: egress.isolated ? `egress to istiod 15012 ${egress.istiod.allowed ? `allowed by ${egress.istiod.allowedBy}` : "denied"}; DNS ${egress.dns.every((verdict) => verdict.allowed) ? "allowed" : "denied"}` : "no NetworkPolicy isolates the pod's egress: istiod 15012 and DNS are reachable as far as policies go",
      });
      const health = istiodHealth(view);
      if (health.known) evidence.push(...istiodEvidence(health));
      const owner = templateOwnerOf(view, pod);
      const logged = rejected.length > 0 || notReadyLines.length > 0;
      report({
        severity: symptoms.runningFor === undefined || symptoms.runningFor > STUCK_ERROR_SECONDS ? "error" : "warning",
        confidence: logged && probeEvents.length > 0 ? 0.92 : logged || probeEvents.length > 0 ? 0.8 : 0.6,
        object: pod, container: PROXY_CONTAINER,
        message: symptoms.runningFor !== undefined ? "not-ready-after" : "not-ready",
        data: { ready: readyColumn(pod), ...(symptoms.runningFor !== undefined ? { duration: formatDuration(symptoms.runningFor) } : {}) },
        evidence,
        cause:
          rejected.length > 0
            ? "The proxy's readiness endpoint (15021/healthz/ready) keeps failing beyond the minute a proxy needs to start: istiod sends configuration, but Envoy rejects it (see the rejected listener or cluster in the log), usually an EnvoyFilter or extension this proxy version does not support."
            : "The proxy's readiness endpoint (15021/healthz/ready) keeps failing beyond the minute a proxy needs to start: Envoy has not received its configuration or certificate from istiod.",
        fix: {
          description:
            rejected.length > 0
              ? "Find the configuration Envoy rejects (the log names the listener and the filter), fix or remove it (often an EnvoyFilter), and check istiod's logs and proxy-status; the proxy becomes ready once it accepts a push."
              : "Read the istio-proxy log, istiod's logs and proxy-status to see why the proxy does not sync; if istiod had errors, fix them and the proxy becomes ready by itself.",
          commands: [`kubectl logs ${pod.metadata.name}${namespaceFlag(namespace)} -c istio-proxy`, ...(rejected.length > 0 ? [`kubectl get envoyfilter${namespaceFlag(namespace)}`, "kubectl get envoyfilter -n istio-system"] : []), ...istiodChecks(pod)],
        },
        verify: sidecarVerify(pod, owner),
      });
    }
  },
});

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}
