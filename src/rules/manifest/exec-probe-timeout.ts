import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { PROBE_FIELDS, timingOf } from "../../k8s/probes.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/exec-probe-timeout",
  category: "liveness-probe-failure",
  severity: "warning",
  equivalents: [],
  docs: { verify: ["kubectl exec <pod> -n <namespace> -c <container> -- sh -c 'time <probe command>'", "kubectl describe pod <pod> -n <namespace> | grep -E 'probe errored|timed out|DeadlineExceeded'"] },
};

export const execProbeTimeoutRule = defineRule({
  ...meta,
  title: "Exec probe with a 1-second timeout",
  docs: {
    cause:
      "An exec probe starts a new process in the container every period; with timeoutSeconds 1 (the default) any slow moment (CPU throttling, a busy node, a JVM or shell start) makes it time out (`command timed out`, `Liveness probe errored: rpc error: code = DeadlineExceeded`). Timeouts count as failures: liveness restarts a healthy container, readiness flaps.",
    fix: "Give exec probes timeoutSeconds of at least 3-5 s (measure the command), or use an httpGet/tcpSocket/grpc probe, which is cheaper.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "timeout-short": "The {kind} exec probe of container {container} has a {timeout}s timeout{defaulted}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        for (const field of PROBE_FIELDS) {
          const probe = ref.container[field];
          if (!isObject(probe) || !isObject(probe.exec)) continue;
          const timeout = timingOf(probe).timeoutSeconds;
          if (timeout > 1) continue;
          const kind = field.replace("Probe", "");
          const explicit = typeof probe.timeoutSeconds === "number";
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, field, ...(explicit ? ["timeoutSeconds"] : [])],
            container: ref.name,
            message: "timeout-short",
            data: { kind, container: ref.name, timeout, defaulted: explicit ? "" : " (the default)" },
            fieldText: `${field}.exec with timeoutSeconds ${timeout}${explicit ? "" : " (not set: default 1)"}`,
            category: field === "readinessProbe" ? "readiness-probe-failure" : "liveness-probe-failure",
            severity: field === "readinessProbe" ? "info" : "warning",
            cause: `Forking the probe command must finish within ${timeout}s on every check; under CPU pressure it does not, the probe "fails", and ${field === "readinessProbe" ? "the pod drops out of its Service" : "the kubelet restarts a healthy container"}.`,
            confidence: 0.5,
            fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { [field]: { ...probe, timeoutSeconds: 5 } }, init: ref.init }, "Raise timeoutSeconds to 5 (or what the command measurably needs)."),
          });
        }
      }
    }
  },
});
