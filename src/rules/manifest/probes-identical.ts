import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, fieldEvidence, reportObject, type RuleMeta } from "./report.js";
import { handlerKey, handlerOf } from "../../k8s/probes.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/probes-identical",
  category: "liveness-probe-failure",
  severity: "info",
  equivalents: ["kube-score:pod-probes-identical"],
  docs: { verify: ["kubectl describe pod <pod> -n <namespace> | grep -E 'Liveness|Readiness'", "kubectl get pods -n <namespace> -w   # RESTARTS stays flat while a dependency is down"] },
};

export const probesIdenticalRule = defineRule({
  ...meta,
  title: "Readiness and liveness probes are identical",
  docs: {
    cause:
      "The liveness probe checks exactly what the readiness probe checks. When the app is merely not ready (a database is slow, a cache warms up) the liveness probe fails too, and the kubelet restarts a container that only needed to wait: restarts pile up into CrashLoopBackOff and the outage spreads.",
    fix: "Keep readiness for \"can take traffic\" (dependencies included) and make liveness check only that the process itself is alive (a cheap endpoint the app itself serves; many apps use the same one for both, which is a choice, not a failure), with a longer period or threshold.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "liveness-same-as-readiness": "Container {container}: the liveness probe is identical to the readiness probe ({handler}{path})",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        if (ref.init) continue;
        const liveness = ref.container.livenessProbe;
        const readiness = ref.container.readinessProbe;
        if (!isObject(liveness) || !isObject(readiness)) continue;
        const key = handlerKey(liveness);
        if (key === "" || key !== handlerKey(readiness)) continue;
        const handler = handlerOf(liveness)!;
        // The app's own liveness endpoint is not in the manifest: inventing one (a /healthz/live that answers 404) would restart a working container.
        const livePath = handler.type === "httpGet" ? { ...handler.handler, path: "<a path the app serves that checks only the process>" } : { "<handler>": "<a check of the process alone>" };
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, "livenessProbe"],
          container: ref.name,
          message: "liveness-same-as-readiness",
          data: { container: ref.name, handler: handler.type, path: handler.type === "httpGet" ? ` ${String(handler.handler.path ?? "/")}` : "" },
          cause: "A failing dependency makes readiness fail, which is right, but the same check in liveness then restarts the container, which cannot help and turns a slow dependency into a crash loop.",
          evidence: [fieldEvidence(view, workload.object, [...ref.path, "readinessProbe"], `readinessProbe checks the same ${handler.type} handler`)],
          confidence: 0.7,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            { current: ref.container, set: { livenessProbe: handler.type === "httpGet" ? { ...liveness, httpGet: livePath } : { ...livePath, periodSeconds: liveness.periodSeconds ?? 10, failureThreshold: liveness.failureThreshold ?? 3 } }, init: ref.init },
            "Let liveness check only the process (a separate, cheap endpoint), and leave dependency checks to readiness.",
          ),
        });
      }
    }
  },
});
