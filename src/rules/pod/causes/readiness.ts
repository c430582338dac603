import type { Severity } from "../../../model/finding.js";
import { eventEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import type { ProbeSpec } from "./pod-types.js";
import { type Cause, type ProbeFailure, type ProbeKind, displayContainer, seconds, strongest } from "./cause.js";
import { probeBudgetSeconds, probeFailures, probeMode, probePortMismatch, startupFromLogs } from "./probes.js";

/** Containers that run but are not Ready: a failing readiness (or startup) probe, or one that checks the wrong thing. */

export function readinessCause(container: ContainerContext, now: Date): Cause | undefined {
  const status = container.status;
  if (!status?.state?.running || status.ready !== false) return undefined;
  const failures = probeFailures(container, "readiness");
  const startupFailures = probeFailures(container, "startup");
  const all = failures.length ? failures : startupFailures;
  if (all.length === 0) return undefined;
  const kind: ProbeKind = failures.length ? "readiness" : "startup";
  const runningFor = seconds(status.state.running.startedAt, now);
  const total = all.reduce((sum, e) => sum + e.count, 0);
  // Offline, "now" can be this very start time (nothing later in the inputs): then only the failure count tells.
  const knownAge = runningFor !== undefined && runningFor >= 1;
  if ((knownAge && runningFor < 90) || total < 3) return undefined;
  const message = strongest(all)!.message;
  const probe = container.spec?.[`${kind}Probe`] as ProbeSpec | undefined;
  const { mode, statusCode } = probeMode(message);
  const startup = startupFromLogs(container);
  const failure: ProbeFailure = { kind, probe, message, events: all, mode, budgetSeconds: probeBudgetSeconds(probe) };
  if (statusCode !== undefined) failure.statusCode = statusCode;
  if (startup.port !== undefined) failure.listeningPort = startup.port;
  const portProblem = probePortMismatch(container, probe, startup.port);
  const evidence = [
    { source: "status", path: `${container.statusPath}.ready`, text: `ready: false, running${runningFor !== undefined ? ` for ${Math.round(runningFor / 60)}m` : ""}, restartCount ${status.restartCount ?? 0}` },
    ...all.slice(0, 2).map(eventEvidence),
  ];
  const severity: Severity = !knownAge || runningFor > 300 ? "error" : "warning";
  if (mode === "status-4xx" || mode === "scheme" || (mode === "refused" && portProblem)) {
    return {
      category: "bad-probe-config",
      confidence: 0.88,
      severity,
      summary: "",
      said: mode === "status-4xx"
        ? { message: "never-ready-probe-path-fails", data: { container: displayContainer(container), kind, statusCode: String(statusCode) } }
        : { message: mode === "scheme" ? "never-ready-probe-wrong-scheme" : "never-ready-probe-wrong-port", data: { container: displayContainer(container), kind } },
      cause: `The ${kind} probe itself is wrong (${mode === "status-4xx" ? `${probe?.httpGet?.path ?? "the path"} answers HTTP ${statusCode}` : mode === "scheme" ? "HTTP against HTTPS or the reverse" : portProblem}). The pod stays out of its Services' endpoints and gets no traffic.`,
      evidence,
      probe: failure,
      detail: { kind, mode, portProblem: portProblem ?? "" },
    };
  }
  return {
    category: "readiness-probe-failure",
    confidence: 0.85,
    severity,
    summary: "",
    said: { message: "never-ready", data: { container: displayContainer(container), kind, probeMessage: message.slice(0, 120) } },
    cause: `The container runs but its ${kind} probe keeps failing, so the pod is not Ready and receives no traffic from its Services. ${mode === "timeout" ? "The endpoint does not answer within timeoutSeconds." : mode === "status-5xx" ? "The endpoint reports the app unhealthy (5xx), usually a dependency it checks is down." : "The endpoint refuses connections."}`,
    evidence,
    probe: failure,
    detail: { kind, mode },
  };
}
