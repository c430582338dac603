import { defineRule } from "../../contract/rule.js";
import { shellScript } from "../../k8s/commands.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { exitStatus, topLevelStatements } from "../../k8s/shell.js";
import { containersOf, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/script-always-fails",
  category: "app-runtime-error",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.exitCode}{\"\\n\"}'", "kubectl logs <pod> -n <namespace> -c <container> --previous"] },
};

export const scriptAlwaysFailsRule = defineRule({
  ...meta,
  title: "The container's shell script exits non-zero unconditionally",
  docs: {
    cause:
      "The `sh -c` script reaches an `exit N` (N > 0) or `false` at its top level, outside any condition. Every run ends with that exit code: a Deployment's pod crash-loops, an init container blocks the pod (Init:CrashLoopBackOff), a Job fails until backoffLimit.",
    fix: "Remove the unconditional failure (often left from debugging), or put it under the condition it was meant for (`|| exit 1`).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/workloads/pods/init-containers/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "always-fails": "The script of {containerKind} {container} always ends with `{command}` (exit {status})",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const isJob = workload.kind === "Job" || workload.kind === "CronJob";
      for (const ref of containersOf(workload)) {
        const found = shellScript(ref.container);
        if (!found) continue;
        const statements = topLevelStatements(found.script);
        let failing: { text: string; status: number } | undefined;
        for (const statement of statements) {
          if (statement.guarded) continue;
          if (/^exec\s/.test(statement.text)) break; // exec replaces the shell: nothing after it runs
          const status = exitStatus(statement.text);
          if (status !== undefined) {
            if (status > 0) failing = { text: statement.text, status };
            break;
          }
          if (/^(?:\/bin\/)?false$/.test(statement.text)) {
            failing = { text: statement.text, status: 1 };
            break;
          }
        }
        if (!failing) continue;
        // A loop or branch that can `exit 0` (or exec into the real process) earlier makes the final failure the retry budget running out, not a certainty.
        if (canSucceedBefore(found.script, failing.text)) continue;
        const category = ref.init ? "init-container-failure" : isJob ? "job-backoff-limit" : "app-runtime-error";
        const fixedScript = found.script.replace(new RegExp(`(^|\\n|;)\\s*${failing.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*(?=\\n|;|$)`), "$1");
        const list = (found.field === "command" ? ref.container.command : ref.container.args) as unknown[];
        const fixedList = list.map((part, i) => (i === found.index ? fixedScript.trim() : part));
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, found.field, found.index],
          container: ref.name,
          category,
          message: "always-fails",
          data: { containerKind: ref.init ? "init container" : "container", container: ref.name, command: failing.text, status: failing.status },
          cause: `\`${failing.text}\` runs on every start, outside any condition, so the container always exits ${failing.status}: ${ref.init ? "the init container fails and the app never starts (Init:CrashLoopBackOff)" : isJob ? "every Job pod fails until backoffLimit is reached (BackoffLimitExceeded)" : "the kubelet restarts it with growing back-off (CrashLoopBackOff)"}.`,
          confidence: 0.85,
          fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { [found.field]: fixedList }, init: ref.init }, `Remove the unconditional \`${failing.text}\` (or guard it: \`<command> || exit ${failing.status}\`).`),
        });
      }
    }
  },
});

function canSucceedBefore(script: string, failingStatement: string): boolean {
  const end = script.lastIndexOf(failingStatement);
  const before = end < 0 ? script : script.slice(0, end);
  return /(^|[\s;&|(])exit(\s+0)?\s*($|[;\n)])/m.test(before) || /(^|[\s;&|(])exec\s/m.test(before);
}
