import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { CRASH, type CrashSubject } from "./causes/competition.js";
import { claim, worded } from "./causes/detectors.js";
import { restartPolicyOf } from "./causes/cause.js";
import { exitCodeCause } from "./causes/exit-code.js";

/** Exit 0 under restartPolicy Always: the process finished and nothing failed. */
const exitZeroReading = ({ container, terminated }: CrashSubject) => (terminated?.exitCode === 0 && restartPolicyOf(container) === "Always" ? exitCodeCause(container, terminated) : undefined);

function fix(context: FixContext): Fix {
  const current = context.current;
  const shellLike = /^(?:python[\d.]*|node|bash|sh|ubuntu|debian|alpine|busybox|centos|fedora|ruby|openjdk)(?::|$)/.test((current?.image ?? "").replace(/^.*\//, ""));
  const noCommand = !current?.command && !current?.args;
  if (noCommand && shellLike) {
    return changeContainer(
      context,
      { command: ["sleep", "infinity"] },
      `${current?.image} runs an interactive shell/REPL by default, which exits at once without a TTY. Give it the command of a long-running process (the app's server), or sleep infinity for a toolbox pod`,
    );
  }
  return {
    description: "The process does its work and exits 0, which is right for a task but not for a Deployment: run it as a Job/CronJob (restartPolicy OnFailure/Never), or make the command stay in the foreground (no daemonizing, e.g. nginx -g 'daemon off;')",
    commands: [`kubectl create job ${context.names.container || "task"}-once --image=${current?.image ?? "<IMAGE>"}${context.names.ns} -- <command>`],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "exits-zero-restarted": "{container} exits 0 (Completed) but restartPolicy is Always, so it is restarted in a loop",
};

export const exitsZeroUnderAlways = podCauseRule({
  id: "pod/exits-zero-under-always",
  messages,
  category: "exits-zero-under-always",
  detectors: [
    worded(messages, ["exits-zero-restarted"], claim(CRASH, "exit-zero-under-always", "exits-zero-under-always", exitZeroReading)),
  ],
  title: "Process exits 0 but restartPolicy is Always, so it crash-loops",
  docs: {
    cause: "The container's process ends successfully (exit 0, reason Completed) but pods of Deployments, StatefulSets and DaemonSets have restartPolicy Always: the kubelet restarts it every time and backs off into CrashLoopBackOff. Typical: a one-shot script in a Deployment, a server that daemonizes and returns, or an image whose default command is an interactive shell with no TTY.",
    fix: "Run one-shot work as a Job or CronJob, or make the command a long-running foreground process.",
    verify: ["kubectl get pod <POD> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}'", "kubectl get pod <POD> -w"],
    references: ["https://github.com/docker-library/python/issues/648"],
  },
  equivalents: [],
  fix,
  verify: (n) => [`kubectl get pod ${n.pod}${n.ns} -o jsonpath='{.status.containerStatuses[*].state}{"\\n"}'   # running, no Completed`, ...restartVerify(n)],
});
