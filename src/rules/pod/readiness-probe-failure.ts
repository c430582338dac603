import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { podCauseRule, type FixContext } from "./pod-rule.js";
import type { ProbeSpec } from "./causes/pod-types.js";
import { probeEvidence } from "./fixes/probe-fix.js";
import { QUIET } from "./causes/competition.js";
import { claim, readinessReading, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const failure = context.d.cause.probe;
  const probe = (context.current?.readinessProbe ?? failure?.probe ?? {}) as ProbeSpec;
  const words =
    failure?.mode === "timeout"
      ? `The readiness endpoint does not answer within ${probe.timeoutSeconds ?? 1}s: raise timeoutSeconds and make the endpoint cheap`
      : failure?.mode === "status-5xx"
        ? "The readiness endpoint reports the app unhealthy (5xx): find which dependency it checks and fix that; readiness should mean 'can take traffic now'"
        : "The readiness endpoint refuses connections while the container runs: check the app's listen address (0.0.0.0, not 127.0.0.1) and port";
  const relaxed: ProbeSpec = { ...probe, timeoutSeconds: Math.max(probe.timeoutSeconds ?? 1, 3), failureThreshold: Math.max(probe.failureThreshold ?? 3, 3) };
  return changeContainer(context, { readinessProbe: relaxed }, words, [`kubectl get endpoints${context.names.ns}   # the pod's IP appears once Ready`]);
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "never-ready": "{container} runs but never becomes Ready: {kind} probe failing ({probeMessage})",
};

export const readinessProbeFailure = podCauseRule({
  id: "pod/readiness-probe-failure",
  messages,
  category: "readiness-probe-failure",
  detectors: [
    worded(messages, ["never-ready"], claim(QUIET, "readiness", "readiness-probe-failure", readinessReading)),
  ],
  title: "Container runs but never becomes Ready",
  docs: {
    cause: "The container is running but its readiness probe keeps failing, so the pod is not Ready, is left out of its Services' endpoints and serves no traffic ('healthy but not serving'). The endpoint times out, answers 5xx because a dependency it checks is down, or refuses because the app listens elsewhere.",
    fix: "Make the readiness check mean 'can take traffic now': the right path and port, a realistic timeoutSeconds, and only the dependencies the app truly needs.",
    verify: ["kubectl get pod <POD> -w", 'kubectl describe pod <POD> | grep -A3 Readiness', "kubectl get endpoints <SERVICE>"],
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  equivalents: ["k8sgpt:Pod", "popeye:POP-204"],
  extraEvidence: probeEvidence,
  fix,
  verify: (n) => [`kubectl get pod ${n.pod}${n.ns} -w   # READY becomes 1/1`, `kubectl describe pod ${n.pod}${n.ns} | grep -A3 Readiness`, `kubectl get endpoints${n.ns}`],
});
