import { defineRule } from "../../engine/rule.js";
import type { Evidence, Finding } from "../../model/finding.js";
import { eventEvidence, resourceRef, sidecarVerify, specEvidence, statusEvidence } from "../../mesh/evidence.js";
import { annotationFix } from "../../mesh/fixes.js";
import { parseQuantity } from "../../k8s/quantities.js";
import { containerSpecPath, containerStatus, podSpec, proxyContainer, PROXY_CONTAINER, userPods } from "../../mesh/pods.js";
import { templateOwnerOf } from "../support/workload.js";

const CPU_ANNOTATION = "sidecar.istio.io/proxyCPU";
const CPU_LIMIT_ANNOTATION = "sidecar.istio.io/proxyCPULimit";
/** Below this CPU limit Envoy cannot start and answer its readiness probe in time. */
const STARVING_CPU_LIMIT = 0.2;
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
  inputs: ["pods", "events"],
  scopes: ["diagnose"],
  analyze(view) {
    const findings: Finding[] = [];
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
      if (!struggling || timeouts.length === 0) continue;

      const containerPath = containerSpecPath(podSpec(pod), PROXY_CONTAINER) ?? [];
      const evidence: Evidence[] = [
        annotations[CPU_LIMIT_ANNOTATION]
          ? specEvidence(view, pod, ["metadata", "annotations", CPU_LIMIT_ANNOTATION], `annotation ${CPU_LIMIT_ANNOTATION}: ${limitText}`)
          : specEvidence(view, pod, ["spec", ...containerPath, "resources", "limits", "cpu"], `istio-proxy resources: limits.cpu ${String(limitText)}`),
        statusEvidence(pod, PROXY_CONTAINER, "ready", `istio-proxy ready ${status.ready === true}, restartCount ${status.restartCount ?? 0}`),
        ...timeouts.slice(0, 2).map(eventEvidence),
      ];
      const owner = templateOwnerOf(view, pod);
      const templateAnnotations = owner.object && owner.kind !== "Pod" ? ((owner.object.spec?.template?.metadata?.annotations ?? {}) as Record<string, string>) : annotations;
      const before: Record<string, string> = {};
      for (const key of [CPU_ANNOTATION, CPU_LIMIT_ANNOTATION]) if (templateAnnotations[key]) before[key] = templateAnnotations[key];
      findings.push({
        rule: "sidecar/proxy-cpu-starved",
        category: "sidecar-oom-killed",
        severity: "warning",
        confidence: 0.8,
        resource: resourceRef(view, pod, { container: PROXY_CONTAINER, path: ["spec", ...containerPath, "resources"] }),
        summary: `istio-proxy is throttled by a CPU limit of ${String(limitText)}: its readiness on 15021 times out`,
        evidence,
        cause: `With only ${String(limitText)} CPU, Envoy is throttled while it loads its configuration and certificates, so /healthz/ready on 15021 does not answer within the probe timeout and the pod stays 1/2.`,
        fix: annotationFix(owner, before, { ...before, [CPU_ANNOTATION]: "100m", [CPU_LIMIT_ANNOTATION]: "500m" }, "Give istio-proxy at least 100m CPU request and 500m limit through the pod template annotations, then roll the workload out."),
        verify: [...sidecarVerify(pod, owner), `kubectl get events -n ${pod.metadata.namespace ?? "default"} --field-selector involvedObject.name=${pod.metadata.name},reason=Unhealthy`],
        equivalents: [],
      });
    }
    return findings;
  },
});
