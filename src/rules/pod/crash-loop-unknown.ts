import type { Fix } from "../../model/finding.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { templateFix } from "../../k8s/workload-changes.js";
import { UNEXPLAINED, UNHEALTHY_POD } from "./causes/competition.js";
import { detector, wordCause, worded } from "./causes/detectors.js";
import { unknownCrash, visiblyBroken } from "./causes/unknown.js";
import type { Cause } from "./causes/cause.js";
import type { ContainerContext } from "./causes/context.js";
import type { TerminatedState } from "./causes/pod-types.js";

/** A crash no other detector explains; given as a log alone (no status, no events), it is only a warning. */
function unexplainedCrash(container: ContainerContext, terminated: TerminatedState | undefined): Cause {
  const cause = unknownCrash(container, terminated);
  if (!container.status && container.events.length === 0) cause.severity = "warning";
  return cause;
}

function fix(context: FixContext): Fix {
  const n = context.names;
  const commands = [
    logsCommand(n),
    `kubectl describe pod ${n.pod}${n.ns}`,
    `kubectl get events${n.ns} --sort-by=.lastTimestamp | tail -n 50`,
    `kubectl debug pod/${n.pod}${n.ns} -c debug --image=busybox:1.36 --target=${n.container || "<CONTAINER>"} -it -- sh`,
    // A copy of the pod whose container sleeps instead of crashing: its files, env and mounts can be inspected at leisure.
    `kubectl debug pod/${n.pod}${n.ns} --copy-to=${n.pod.slice(0, 56)}-debug --container=${n.container || "<CONTAINER>"} -- sleep 3600`,
    `kubectl exec -it ${n.pod.slice(0, 56)}-debug${n.ns} -c ${n.container || "<CONTAINER>"} -- sh   # then: kubectl delete pod ${n.pod.slice(0, 56)}-debug${n.ns}`,
  ];
  const description = "No known cause in the evidence: read the previous log in full, then keep the last lines in the status for next time (terminationMessagePolicy: FallbackToLogsOnError) and debug inside the pod (an ephemeral container that shares its process namespace), or in a copy whose command is replaced by sleep.";
  if (context.owner && context.current && context.d.container) {
    return templateFix(context.owner, { containers: [{ name: context.d.container.name, terminationMessagePolicy: context.current.terminationMessagePolicy ?? "File" }] }, { containers: [{ name: context.d.container.name, terminationMessagePolicy: "FallbackToLogsOnError" }] }, description, commands);
  }
  return { description, commands };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "crashes-with-exit-and-reason": "{container} keeps crashing (exit {exitCode}, {reason}); no known cause in the evidence",
  "crashes-with-exit": "{container} keeps crashing (exit {exitCode}); no known cause in the evidence",
  "crashes": "{container} keeps crashing; no known cause in the evidence",
  "container-not-healthy": "{container} is not healthy ({sign}); the evidence does not say why",
  "pod-not-healthy": "pod {pod} is not healthy ({sign}); the evidence does not say why",
};

export const crashLoopUnknown = podCauseRule({
  id: "pod/crash-loop-unknown",
  messages,
  category: "unknown-crash",
  detectors: [
    worded(messages, ["crashes-with-exit-and-reason", "crashes-with-exit", "crashes"], detector(UNEXPLAINED, "unknown-crash", ({ container, terminated }) => unexplainedCrash(container, terminated))),
    detector(UNHEALTHY_POD, "visibly-broken", (pod) => {
      const found = visiblyBroken(pod);
      if (found) wordCause(messages, ["container-not-healthy", "pod-not-healthy"], found.cause);
      return found;
    }),
  ],
  title: "Container crash-loops and the evidence names no known cause",
  fallback: true,
  docs: {
    cause: "The container keeps exiting and being restarted, but neither its last state, its events nor its logs match a known cause. The finding shows the last state, the exit code and the last meaningful log lines so a human can take it from there.",
    fix: "Read the previous log in full, set terminationMessagePolicy: FallbackToLogsOnError, and debug inside the pod with an ephemeral container.",
    verify: ["kubectl logs <POD> -c <CONTAINER> --previous", "kubectl describe pod <POD>", "kubectl get events --sort-by=.lastTimestamp"],
    references: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"],
  },
  equivalents: ["popeye:POP-203", "k8sgpt:Pod"],
  fix,
  verify: (n) => [logsCommand(n), ...restartVerify(n)],
});
