import { defineRule } from "../../contract/rule.js";
import { argv } from "../../k8s/commands.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/command-single-string",
  category: "bad-command",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.message}{\"\\n\"}'", "kubectl logs <pod> -n <namespace> -c <container> --previous"] },
};

/** Splits a command written as one string the way a shell would (quotes kept together). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.trim().matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

export const commandSingleStringRule = defineRule({
  ...meta,
  title: "command written as one string with spaces",
  docs: {
    cause:
      "`command` is an argument list, not a shell line: `[\"sh -c foo\"]` asks the runtime to execute a file literally named `sh -c foo`. It does not exist, so the container never starts: StartError, exit 128, `exec: \"sh -c foo\": executable file not found in $PATH`, then CrashLoopBackOff.",
    fix: "Split it into arguments: `[\"sh\", \"-c\", \"foo\"]`, or `[\"/usr/local/bin/app\", \"--flag\"]`.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "not-an-executable": "Container {container}: command[0] {problem}, which is not an executable",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const { command, args } = argv(ref.container);
        if (command.length === 0) continue;
        const first = command[0]!;
        let problem: string | undefined;
        let fixed: string[] | undefined;
        if (first.trim() === "") {
          problem = "is an empty string";
        } else if (first !== first.trim()) {
          problem = `has spaces around "${first.trim()}"`;
          fixed = [first.trim(), ...command.slice(1)];
        } else if (/\s/.test(first) && !/^\/[^\s]*\s[^\s-][^/]*$/.test(first)) {
          problem = `is the single string "${first}"`;
          const words = splitWords(first);
          fixed = /^(?:\/bin\/)?(?:ba)?sh$/.test(words[0]!) && words[1] === "-c" ? [words[0]!, "-c", first.trim().replace(/^\S+\s+-c\s+/, "").replace(/^(["'])(.*)\1$/, "$2"), ...command.slice(1)] : [...words, ...command.slice(1)];
        }
        if (!problem) continue;
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, "command", 0],
          container: ref.name,
          message: "not-an-executable",
          data: { container: ref.name, problem },
          cause: `The runtime executes command[0] as a file name, without a shell: \`exec: "${first}": executable file not found in $PATH\` (StartError, exit code 128), and the container crash-loops.${args.length ? "" : ""}`,
          confidence: 0.95,
          fix: fixed
            ? containerChangeFix(view, workload, ref.name, { current: ref.container, set: { command: fixed }, init: ref.init }, "Write the command as a list of arguments.")
            : { description: "Give the container a real executable (or remove command to use the image's entrypoint).", commands: [] },
        });
      }
    }
  },
});
