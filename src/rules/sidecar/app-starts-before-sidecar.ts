import { defineRule, type Report } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { logEvidence, specEvidence, statusEvidence } from "./evidence.js";
import { annotationFix } from "../workload-fixes.js";
import { findInLogs } from "../../istio/proxy-log-signatures.js";
import { holdsApplicationUntilProxyStarts, PROXY_CONFIG_ANNOTATION, parseProxyConfigAnnotation, meshConfigSource } from "../../istio/mesh-config.js";
import { appContainers, containerStatus, podSpec, proxyContainer, PROXY_CONTAINER, secondsBetween, userPods } from "../../istio/pods.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { templateOwnerOf } from "../../k8s/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** Outbound connections refused or reset while Envoy does not listen on 15001 yet. */
const EARLY_CONNECTION_FAILURE =
  /(?:ECONNREFUSED|ECONNRESET|connect: connection refused|Connection refused|\[Errno 111\]|Connection reset by peer|upstream connect error or disconnect\/reset before headers|no healthy upstream|dial tcp [^\s]+: connect: connection reset)/i;
/** The app died in its first seconds, when a proxy is still starting. */
const EARLY_WINDOW_SECONDS = 30;

export const appStartsBeforeSidecar = defineRule({
  id: "sidecar/app-starts-before-sidecar",
  category: "sidecar-dependency",
  severity: "warning",
  title: "The application starts before its istio-proxy is ready and fails its first connections",
  docs: {
    cause:
      "Containers start in parallel. iptables already sends the app's outbound traffic to Envoy on 15001, but for the first seconds Envoy has no listeners yet, " +
      "so the app's first connections (database, config service) are refused or reset; an app that exits on that error restarts once or crash-loops.",
    fix:
      "Make the app wait for the proxy: proxy.istio.io/config `holdApplicationUntilProxyStarts: true` on the pod template (or mesh-wide in meshConfig.defaultConfig), " +
      "or run istio-proxy as a native sidecar (Kubernetes 1.29+, sidecar.istio.io/nativeSidecar: \"true\"), which starts and becomes ready before the app. " +
      "Another way is a startupProbe that checks the proxy on localhost:15000.",
    verify: ["kubectl get pod <pod> -n <ns>   # RESTARTS of the app stays 0 on new pods", "kubectl logs <pod> -n <ns> -c <app>   # no connection refused at start"],
    references: ["https://istio.io/latest/docs/ops/common-problems/injection/#pod-or-containers-start-with-network-issues-if-istio-proxy-is-not-ready"],
  },
  equivalents: [],
  inputs: ["pods", "logs", "workloads", "config", "mesh-config"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["pods", "logs"],
  scopes: ["diagnose"],
  messages: {
    "failed-before-proxy-ready": "{container} failed its first connections {seconds}s after start, before istio-proxy was ready, and restarted",
  },
  analyze({ view, report }) {
    for (const pod of userPods(view)) {
      const proxy = proxyContainer(podSpec(pod));
      if (!proxy || proxy.native) continue;
      if (holdsApplicationUntilProxyStarts(view, pod.metadata.annotations)) continue;
      for (const app of appContainers(podSpec(pod))) {
        const finding = diagnose(view, pod, app.name);
        if (finding) {
          report(finding);
          break;
        }
      }
    }
  },
});

function diagnose(view: ClusterView, pod: KubeObject, appName: string): Report | undefined {
  const app = containerStatus(pod, appName);
  const proxy = containerStatus(pod, PROXY_CONTAINER);
  const failed = app?.lastState?.terminated ?? app?.state?.terminated;
  if (!app || !proxy || !failed || failed.exitCode === 0 || (app.restartCount ?? 0) === 0) return undefined;
  const podStart = pod.status?.startTime as string | undefined;
  const proxyStart = proxy.state?.running?.startedAt;
  const appLived = secondsBetween(failed.startedAt, failed.finishedAt);
  const appStartAfterPod = secondsBetween(podStart ?? proxyStart, failed.startedAt);
  if (appLived === undefined || appLived > EARLY_WINDOW_SECONDS) return undefined;
  if (appStartAfterPod === undefined || appStartAfterPod > EARLY_WINDOW_SECONDS) return undefined;
  // A proxy that restarted after the app died is a different problem.
  if ((proxy.restartCount ?? 0) > 0) return undefined;

  const namespace = appliedNamespace(pod.metadata.namespace);
  const hits = findInLogs(view, namespace, pod.metadata.name, appName, EARLY_CONNECTION_FAILURE, 3).filter((hit) => hit.stream.previous || (app.restartCount ?? 0) > 0);
  if (hits.length === 0) return undefined;
  const evidence: Evidence[] = [
    statusEvidence(pod, appName, "lastState.terminated", `${appName} last terminated with exit code ${failed.exitCode} after ${appLived}s, ${appStartAfterPod}s after the pod started (restarts ${app.restartCount})`),
    statusEvidence(pod, PROXY_CONTAINER, "state.running.startedAt", `istio-proxy started ${proxyStart ?? "?"} and never restarted; it is a regular container, so it starts in parallel with the app`),
    ...hits.slice(0, 1).map(logEvidence),
  ];
  const annotation = pod.metadata.annotations?.[PROXY_CONFIG_ANNOTATION];
  if (annotation) evidence.push(specEvidence(view, pod, ["metadata", "annotations", PROXY_CONFIG_ANNOTATION], `${PROXY_CONFIG_ANNOTATION} does not set holdApplicationUntilProxyStarts`));
  if (view.meshConfig) evidence.push({ source: "mesh-config", text: "meshConfig.defaultConfig.holdApplicationUntilProxyStarts is not true", path: meshConfigSource(view).path });

  const owner = templateOwnerOf(view, pod);
  const templateAnnotations = owner.object && owner.kind !== "Pod" ? ((owner.object.spec?.template?.metadata?.annotations ?? {}) as Record<string, string>) : (pod.metadata.annotations ?? {});
  const existing = templateAnnotations[PROXY_CONFIG_ANNOTATION];
  const parsed = existing ? parseProxyConfigAnnotation(existing).value : undefined;
  const merged = [...Object.entries(parsed ?? {}).filter(([key]) => key !== "holdApplicationUntilProxyStarts").map(([key, value]) => `${key}: ${JSON.stringify(value)}`), "holdApplicationUntilProxyStarts: true"].join("\n");
  const fix = annotationFix(
    owner,
    existing ? { [PROXY_CONFIG_ANNOTATION]: existing } : {},
    { [PROXY_CONFIG_ANNOTATION]: `${merged}\n` },
    "Hold the application until istio-proxy is ready (pod template annotation). Alternatives: mesh-wide `meshConfig.defaultConfig.holdApplicationUntilProxyStarts: true`; " +
      'a native sidecar (annotation sidecar.istio.io/nativeSidecar: "true", Kubernetes 1.29+); or a startupProbe `sh -c "nc -z localhost 15000 && curl -sf http://localhost:15000/server_info"` (failureThreshold 60, periodSeconds 2).',
    ["istioctl install --set meshConfig.defaultConfig.holdApplicationUntilProxyStarts=true -y   # mesh-wide alternative"],
  );
  return {
    confidence: 0.9,
    object: pod, container: appName,
    message: "failed-before-proxy-ready",
    data: { container: appName, seconds: appLived },
    evidence,
    cause:
      "The app started in parallel with istio-proxy. Its outbound traffic is already redirected to Envoy, which had no listeners yet, so the first connections were refused and the app exited; once the proxy was ready the restarted app worked.",
    fix,
    verify: [`kubectl get pods${namespaceFlag(namespace)}   # new pods: RESTARTS 0, READY 2/2`, `kubectl logs ${pod.metadata.name}${namespaceFlag(namespace)} -c ${appName} --previous`],
  };
}
