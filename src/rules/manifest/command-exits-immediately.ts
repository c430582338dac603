import { defineRule } from "../../contract/rule.js";
import { argv, shellScript } from "../../k8s/commands.js";
import { defaultsToShell } from "../../k8s/images.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { exitStatus, topLevelStatements } from "../../k8s/shell.js";
import { containersOf, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/command-exits-immediately",
  category: "exits-zero-under-always",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}{\"\\n\"}'   # Completed, exit 0", "kubectl rollout status deployment/<name> -n <namespace>"] },
};

/** Commands that finish at once. */
const ONE_SHOT = /^(?:\/bin\/|\/usr\/bin\/)?(echo|printf|true|date|env|printenv|hostname|whoami|id|pwd|ls|uname|cat|mkdir|cp|mv|touch|chmod|chown|ln|rm|wget|curl|nslookup|ping -c \d+|sleep \d{1,2}|exit 0|exit)\b/;
const LONG_RUNNING_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"];

/** A statement is one-shot when every command it chains (`a && b`, `a || b`, `a | b`) is. */
function isOneShot(statement: string): boolean {
  const parts = statement.split(/\s*(?:&&|\|\||\|)\s*/).filter((part) => part !== "");
  return parts.length > 0 && parts.every(isOneShotCommand);
}

function isOneShotCommand(statement: string): boolean {
  if (exitStatus(statement) === 0) return true;
  if (/^sleep\s+(\d+)$/.test(statement)) return Number(/\d+/.exec(statement)![0]) < 60;
  if (/^cat\s*$/.test(statement)) return false; // cat with no file waits on stdin
  return ONE_SHOT.test(statement) && !/\b(-f|--follow|-w|infinity)\b/.test(statement);
}

export const commandExitsImmediatelyRule = defineRule({
  ...meta,
  title: "A long-running workload's command finishes at once",
  docs: {
    cause:
      "The container's command only runs one-shot commands (echo, date, a short sleep) and then ends with exit 0. Under restartPolicy Always (every Deployment, StatefulSet and DaemonSet) the kubelet restarts it each time it completes, with growing back-off: `Last State: Terminated, Reason: Completed, Exit Code: 0` and CrashLoopBackOff.",
    fix: "Run the long-lived process (`exec <server>` last), or use a Job/CronJob for one-shot work.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "exits-at-once": "Container {container} of {kind} {name} runs `{command}`, which exits at once under restartPolicy Always",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      if (!LONG_RUNNING_KINDS.includes(workload.kind)) continue;
      const policy = str(workload.spec.restartPolicy) ?? "Always";
      if (policy !== "Always") continue;
      for (const ref of containersOf(workload)) {
        if (ref.init) continue;
        const script = shellScript(ref.container);
        const { command, args } = argv(ref.container);
        let statements: string[];
        let field: (string | number)[];
        if (script) {
          statements = topLevelStatements(script.script).map((s) => s.text);
          field = [...ref.path, script.field, script.index];
        } else if (command.length > 0) {
          statements = [[...command, ...args].join(" ")];
          field = [...ref.path, "command"];
        } else if (args.length === 0 && defaultsToShell(ref.container.image) && ref.container.stdin !== true && ref.container.tty !== true) {
          // No command: the image's default CMD is a shell, which exits 0 at once without stdin.
          statements = ["exit 0"];
          field = [...ref.path, "image"];
        } else continue;
        if (statements.length === 0 || !statements.every(isOneShot)) continue;
        const shown = script || command.length > 0 ? statements.join("; ") : `the default shell of ${String(ref.container.image)}`;
        reportObject(ctx, meta, workload.object, {
          field,
          container: ref.name,
          message: "exits-at-once",
          data: { container: ref.name, kind: workload.kind, name: workload.name, command: shown.length > 80 ? `${shown.slice(0, 77)}...` : shown },
          cause: `Every statement finishes immediately, so the process ends with exit 0 (Reason: Completed). The kubelet restarts containers of a ${workload.kind} whenever they end, backing off each time: the pod shows CrashLoopBackOff although nothing failed.`,
          confidence: 0.8,
          fix: script
            ? containerChangeFix(
                view,
                workload,
                ref.name,
                { current: ref.container, set: { [script.field]: (script.field === "command" ? command : args).map((part, i) => (i === script.index ? `${script.script.trim()}\nexec sleep infinity  # replace with the real long-running process` : part)) }, init: ref.init },
                "End the script by exec-ing the long-running process (or move one-shot work to a Job).",
              )
            : containerChangeFix(view, workload, ref.name, { current: ref.container, set: { command: ["<the long-running program the image has>"] }, init: ref.init }, "Run the long-running process, or move one-shot work to a Job/CronJob."),
        });
      }
    }
  },
});
