import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { budgetOf, handlerOf, timingOf } from "../../k8s/probes.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/liveness-budget-short",
  category: "liveness-probe-failure",
  severity: "warning",
  equivalents: [],
  docs: {
    verify: [
      "kubectl describe pod <pod> -n <namespace> | grep -E 'Liveness|Startup|Killing'",
      "kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].restartCount}{\"\\n\"}'",
      "kubectl rollout status deployment/<name> -n <namespace>",
    ],
  },
};

/** Below this many seconds a liveness probe without a startupProbe is likely to kill a normal start. */
const MIN_BUDGET_SECONDS = 30;
/** Runtimes that commonly need longer than that to start. */
const SLOW_STARTERS = /\b(java|jre|jdk|openjdk|temurin|corretto|spring|tomcat|jboss|wildfly|keycloak|elasticsearch|opensearch|kafka|zookeeper|sonarqube|jenkins|nexus|solr|cassandra|dotnet|aspnet)\b/i;

export const livenessBudgetShortRule = defineRule({
  ...meta,
  title: "Liveness probe with no startupProbe and a short start-up budget",
  docs: {
    cause:
      "The liveness probe starts killing the container after initialDelaySeconds + failureThreshold x periodSeconds. When that is shorter than the app's start-up, the kubelet restarts it before it ever serves (`Container app failed liveness probe, will be restarted`), and start-up never finishes: CrashLoopBackOff.",
    fix: "Add a startupProbe that allows the slowest realistic start (e.g. periodSeconds 2 x failureThreshold 60 = 120 s); liveness only begins after it succeeds, so it can stay strict. Tune the numbers from measured start times.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "budget-short": "Container {container}: liveness kills the container if it is not up within {budget}s ({initialDelay} + {failureThreshold} x {period}s) and there is no startupProbe",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        if (ref.init) continue;
        const liveness = ref.container.livenessProbe;
        if (!isObject(liveness) || isObject(ref.container.startupProbe)) continue;
        const handler = handlerOf(liveness);
        if (!handler) continue;
        const budget = budgetOf(liveness);
        const slow = SLOW_STARTERS.test(String(ref.container.image ?? ""));
        const threshold = slow ? 60 : MIN_BUDGET_SECONDS;
        if (budget >= threshold) continue;
        const t = timingOf(liveness);
        const startup = { [handler.type]: handler.handler, periodSeconds: 2, failureThreshold: slow ? 90 : 60 };
        const strictLiveness = { ...liveness, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: Math.max(2, t.timeoutSeconds) };
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, "livenessProbe"],
          container: ref.name,
          message: "budget-short",
          data: { container: ref.name, budget, initialDelay: t.initialDelaySeconds, failureThreshold: t.failureThreshold, period: t.periodSeconds },
          fieldText: `livenessProbe: initialDelaySeconds ${t.initialDelaySeconds}, periodSeconds ${t.periodSeconds}, failureThreshold ${t.failureThreshold}, timeoutSeconds ${t.timeoutSeconds} -> ${budget}s before the first kill`,
          cause: `Start-up gets ${budget}s before the kubelet's liveness kills begin${slow ? `; ${String(ref.container.image)} is a runtime that usually needs longer` : ""}. A start that takes longer (JIT, migrations, cache warm-up, a slow node or a low CPU limit) is killed every time and never completes.`,
          confidence: slow ? 0.75 : 0.55,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            { current: ref.container, set: { startupProbe: startup, livenessProbe: strictLiveness }, init: ref.init },
            `Add a startupProbe allowing ${startup.periodSeconds * startup.failureThreshold}s of start-up; liveness starts after it succeeds (periodSeconds 10, timeoutSeconds 2).`,
          ),
        });
      }
    }
  },
});
