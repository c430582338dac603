import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { PROBE_FIELDS } from "../../k8s/probes.js";
import { asArray, containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/probe-exec-never-succeeds",
  category: "bad-probe-config",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl exec <pod> -n <namespace> -c <container> -- <probe command>; echo $?", "kubectl describe pod <pod> -n <namespace> | grep -E 'Unhealthy|probe failed'"] },
};

/** Why an exec probe command can never exit 0, if it cannot. */
export function neverSucceeds(command: string[]): string | undefined {
  if (command.length === 0 || command.every((part) => part.trim() === "")) return "has an empty command";
  const first = command[0]!;
  if (command.length === 1 && /\s/.test(first.trim()) && !/^["']/.test(first)) {
    return `is the single string "${first}": the kubelet executes it as one file name with spaces, which does not exist (\`executable file not found in $PATH\`)`;
  }
  if (/^(?:\/usr)?(?:\/bin\/)?false$/.test(first)) return "runs `false`, which always exits 1";
  if (first === "exit" && command[1] !== undefined && command[1] !== "0") return `runs \`exit ${command[1]}\``;
  if (/^(?:\/usr)?(?:\/bin\/)?(?:sh|bash|ash)$/.test(first) && command[1] === "-c" && command[2] !== undefined) {
    const script = command[2].trim();
    if (/^(?:false|exit\s+[1-9]\d*)$/.test(script)) return `runs \`${script}\` in a shell, which always fails`;
  }
  return undefined;
}

export const probeExecNeverSucceedsRule = defineRule({
  ...meta,
  title: "An exec probe whose command can never succeed",
  docs: {
    cause:
      "An exec probe's command cannot exit 0: it is empty, it is one string with spaces (the kubelet does not split it, so there is no such executable), or it is `false`/`exit 1`. Liveness then kills the container every few seconds; readiness keeps it NotReady forever.",
    fix: "Write the command as an argument list (`[\"sh\", \"-c\", \"...\"]` when it needs a shell) that exits 0 when the app is healthy; test it with `kubectl exec` first.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "never-succeeds": "The {kind} exec probe of container {container} {reason}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        for (const field of PROBE_FIELDS) {
          const probe = ref.container[field];
          if (!isObject(probe) || !isObject(probe.exec)) continue;
          const command = asArray(probe.exec.command).map(String);
          const reason = neverSucceeds(command);
          if (!reason) continue;
          const split = command.length === 1 && /\s/.test(command[0]!) ? ["sh", "-c", command[0]!] : undefined;
          const kind = field.replace("Probe", "");
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, field, "exec", "command"],
            container: ref.name,
            message: "never-succeeds",
            data: { kind, container: ref.name, reason: reason.split(":")[0] },
            cause: `The ${kind} probe ${reason}. It fails on every check: ${field === "readinessProbe" ? "the pod never becomes Ready" : "the kubelet kills the container after failureThreshold checks and it crash-loops"}.`,
            confidence: 0.9,
            fix: () => containerChangeFix(
              view,
              workload,
              ref.name,
              { current: ref.container, set: { [field]: { ...probe, exec: { command: split ?? ["sh", "-c", "<command that exits 0 when healthy>"] } } }, init: ref.init },
              split ? "Run the command through a shell, as a list of arguments." : "Use a command that exits 0 when the app is healthy.",
            ),
          });
        }
      }
    }
  },
});
