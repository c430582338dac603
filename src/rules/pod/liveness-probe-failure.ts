import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { ProbeSpec, ContainerSpec } from "./causes/pod-types.js";
import { probeEvidence, relaxedLiveness, startupAllowanceSeconds, startupProbeFor } from "./fixes/probe-fix.js";
import { CRASH } from "./causes/competition.js";
import { claim, probeKillReading, worded } from "./causes/detectors.js";
import { probeBudgetSeconds } from "./causes/probes.js";

function fix(context: FixContext): Fix {
  const liveness = (context.current?.livenessProbe ?? context.d.cause.probe?.probe) as ProbeSpec | undefined;
  const startup = (context.current?.startupProbe as ProbeSpec | undefined) ?? undefined;
  const allowance = startupAllowanceSeconds(context);
  const newStartup = startupProbeFor(context, startup ?? liveness);
  const set: Record<string, unknown> = { startupProbe: newStartup };
  const relaxed = relaxedLiveness(liveness);
  if (relaxed) set.livenessProbe = relaxed;
  return changeContainer(
    context,
    set,
    `${startup ? "Give the startupProbe" : "Add a startupProbe with"} ${newStartup.failureThreshold} x ${newStartup.periodSeconds}s = ${(newStartup.failureThreshold ?? 0) * (newStartup.periodSeconds ?? 0)}s for start-up (${allowance.basis}); the liveness probe starts only after it succeeds, so keep liveness for real hangs`,
  );
}

/**
 * A probe that killed the container before it was up: the start-up time the log shows now fits the time the
 * probes allow (a startupProbe holds liveness back until it succeeds). Without a logged start-up time the
 * re-check cannot tell.
 */
function probeBudgetAnswered(context: FixContext, observed: ContainerSpec): boolean {
  const now = context.d.container?.spec;
  // Only the app's own "started in N seconds" says when it is up; the time it began to listen does not.
  const startup = context.d.cause.probe?.statedStartupSeconds;
  if (!now || startup === undefined) return false;
  const allows = (container: ContainerSpec) => (container.startupProbe ? probeBudgetSeconds(container.startupProbe) : container.livenessProbe ? probeBudgetSeconds(container.livenessProbe) : Infinity);
  return allows(now) > allows(observed) && allows(now) >= startup;
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "killed-by-probe-before-start-up": "{container} is killed by its {kind} probe before it is up ({kind} allows {budget}s; the log shows start-up takes {startupSeconds}s)",
  "killed-by-probe-timing-out": "{container} is killed by its {kind} probe before it is up ({kind} allows {budget}s; the health endpoint does not answer within timeoutSeconds {timeoutSeconds}s)",
  "killed-by-probe-before-answering": "{container} is killed by its {kind} probe before it is up ({kind} allows {budget}s; the app is not answering yet when the probe starts)",
};

export const livenessProbeFailure = podCauseRule({
  id: "pod/liveness-probe-failure",
  messages,
  category: "liveness-probe-failure",
  detectors: [
    worded(messages, ["killed-by-probe-before-start-up", "killed-by-probe-timing-out", "killed-by-probe-before-answering"], claim(CRASH, "probe-kill", "liveness-probe-failure", probeKillReading)),
  ],
  answered: (context, observed) => probeBudgetAnswered(context, observed),
  title: "Liveness (or startup) probe kills a container that is still starting",
  docs: {
    cause: "The liveness probe starts checking before the app can answer (initialDelaySeconds too short, timeoutSeconds too small, failureThreshold x periodSeconds shorter than start-up). After failureThreshold failures the kubelet kills the container (Killing: failed liveness probe, exit 137/143) and the restart starts the same race again.",
    fix: "Add a startupProbe on the same endpoint whose failureThreshold x periodSeconds covers the observed start-up with margin; keep the liveness probe for hangs only, with a realistic timeoutSeconds.",
    verify: ['kubectl describe pod <POD> | grep -A3 -E "Liveness|Startup"', "kubectl get events --field-selector reason=Unhealthy", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  equivalents: ["k8sgpt:Pod"],
  extraEvidence: probeEvidence,
  fix,
  verify: (n) => [
    `kubectl describe pod ${n.pod}${n.ns} | grep -A3 -E "Liveness|Startup"`,
    `kubectl get events${n.ns} --field-selector involvedObject.name=${n.pod},reason=Unhealthy`,
    ...restartVerify(n),
  ],
});
