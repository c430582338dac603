import type { Fix } from "../../model/finding.js";
import { logMessage } from "../../signatures/scan.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { templateFix } from "../workload-fixes.js";
import { CRASH } from "./causes/competition.js";
import { claim, exitCodeReading, logLineDetectors, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const commands = [logsCommand(context.names), `kubectl debug ${context.names.pod}${context.names.ns} -it --copy-to=${context.names.pod}-debug --container=${context.names.container || "app"} -- sh`];
  const description = "The application's own code fails: fix the code or the input it chokes on (the log line and the lines after it name the exception and where it is thrown). Meanwhile, roll back to the last version that worked; FallbackToLogsOnError keeps the last log lines in the pod status for the next crash.";
  if (context.owner && context.current && context.d.container) {
    const name = context.d.container.name;
    return templateFix(
      context.owner,
      { containers: [{ name, terminationMessagePolicy: context.current.terminationMessagePolicy ?? "File" }] },
      { containers: [{ name, terminationMessagePolicy: "FallbackToLogsOnError" }] },
      description,
      commands,
    );
  }
  return { description, commands };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "segmentation-fault": "{container} dies of a segmentation fault (SIGSEGV, exit 139)",
  "abort": "{container} dies of an abort (SIGABRT, exit 134)",
};

export const appRuntimeError = podCauseRule({
  id: "pod/app-runtime-error",
  messages,
  category: "app-runtime-error",
  detectors: [
    worded(messages, ["segmentation-fault", "abort"], claim(CRASH, "exit-code", "app-runtime-error", exitCodeReading)),
    ...logLineDetectors("app-runtime-error", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "The application throws, panics or exits with an error of its own",
  docs: {
    cause: "The process exits because of its own code: an uncaught exception, a Go or Rust panic, a nil pointer, an unhandled promise rejection, a fatal log line. Kubernetes restarts it and it fails the same way.",
    fix: "Read the exception and its 'Caused by' lines in the previous log, fix the code or the input/config it chokes on, and roll back meanwhile.",
    verify: ["kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>", "kubectl get pod <POD> -w"],
    references: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"],
  },
  equivalents: ["k8sgpt:Pod"],
  explain: (context) => `The application fails in its own code${context.d.cause.match ? `: ${logMessage(context.d.cause.match.text).slice(0, 200)}` : ""}${context.d.cause.terminated ? ` and exits ${context.d.cause.terminated.exitCode}` : ""}. Kubernetes restarts it and it fails the same way.`,
  fix,
  verify: (n) => [logsCommand(n), ...restartVerify(n)],
});
