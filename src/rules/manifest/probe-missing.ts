import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { portsOf } from "../../k8s/probes.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/probe-missing",
  category: "readiness-probe-failure",
  severity: "info",
  equivalents: ["kube-score:pod-probes", "kube-linter:no-readiness-probe", "kube-linter:no-liveness-probe", "polaris:readinessProbeMissing", "polaris:livenessProbeMissing", "popeye:POP-102", "popeye:POP-103", "popeye:POP-104"],
  docs: { verify: ["kubectl get pods -n <namespace> -o wide   # READY reflects the readiness probe", "kubectl describe pod <pod> -n <namespace> | grep -E 'Liveness|Readiness'"] },
};

const LONG_RUNNING = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"];

export const probeMissingRule = defineRule({
  ...meta,
  title: "A serving container has no readiness or liveness probe",
  docs: {
    cause:
      "Without a readinessProbe a pod receives traffic the moment its process starts, before it can answer; without a livenessProbe a hung process is never restarted. Neither crashes the pod by itself, but both hide the state a diagnosis relies on.",
    fix: "Add a readinessProbe on the port the app serves (\"can take traffic\") and a cheap livenessProbe (\"process alive\"), with a startupProbe for slow starts.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "probe-missing": "Container {container} of {kind} {name} has no {missing}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      if (!LONG_RUNNING.includes(workload.kind) || (workload.spec.restartPolicy ?? "Always") !== "Always") continue;
      for (const ref of containersOf(workload)) {
        if (ref.init) continue;
        const ports = portsOf(ref.container).filter((p) => p.protocol !== "UDP");
        const missing = (["readinessProbe", "livenessProbe"] as const).filter((field) => !isObject(ref.container[field]));
        if (missing.length === 0) continue;
        const port = ports[0];
        const handler = port ? { tcpSocket: { port: port.name ?? port.containerPort } } : { exec: { command: ["sh", "-c", "<health check>"] } };
        const set: Record<string, unknown> = {};
        if (missing.includes("readinessProbe")) set.readinessProbe = { ...handler, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 2 };
        if (missing.includes("livenessProbe")) set.livenessProbe = { ...handler, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };
        reportObject(ctx, meta, workload.object, {
          field: ref.path,
          container: ref.name,
          message: "probe-missing",
          data: { container: ref.name, kind: workload.kind, name: workload.name, missing: missing.join(" and no ") },
          category: missing.includes("readinessProbe") ? "readiness-probe-failure" : "liveness-probe-failure",
          cause: missing.includes("readinessProbe")
            ? "Without a readiness probe the pod is added to its Service as soon as the process starts: requests fail during start-up and while it is unhealthy."
            : "Without a liveness probe a deadlocked process keeps running and is never restarted.",
          confidence: 0.4,
          fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set, init: ref.init }, "Add the missing probes (adjust to the app's real health endpoint)."),
        });
      }
    }
  },
});
