import type { Evidence } from "../../../model/finding.js";
import { type LogMatch, logMessage, strongestMatch } from "../../../signatures/scan.js";
import { logEvidence, terminatedEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import type { TerminatedState } from "./pod-types.js";
import { type Cause, displayContainer } from "./cause.js";

/** The cause a log line names, for a crashed container or one that runs while its log shows it failing. */

const LOCALHOST = /^(?:127\.0\.0\.1|localhost|::1|\[::1\]|0\.0\.0\.0)$/;

const ISTIO_PORTS = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);

function sidecarPortOwner(container: ContainerContext, port: number): string | undefined {
  for (const other of container.pod.containers) {
    if (other === container) continue;
    if ((other.spec?.ports ?? []).some((p) => p.containerPort === port)) return other.name;
    if (other.name === "istio-proxy" && ISTIO_PORTS.has(port)) return other.name;
  }
  return undefined;
}

/**
 * The ids of the messages that word a cause a log line names: of a container that crashed, and of one that
 * runs while its log shows it failing. Each rule that claims log lines declares both, with their data
 * `{container}` and `{line}` (the line's message, cut to 160 characters).
 */
export const LOGGED_CRASH = "logged-crash";
export const LOGGED_WHILE_RUNNING = "logged-while-running";

export function causeFromLog(container: ContainerContext, match: LogMatch, terminated: TerminatedState | undefined, hasStatus: boolean): Cause {
  let category = match.signature.category;
  const detail: Record<string, string> = { ...match.groups, signature: match.signature.id };
  const host = match.groups.host;
  const port = Number(match.groups.port);
  if (category === "dependency-unavailable" && host && LOCALHOST.test(host) && Number.isFinite(port)) {
    const owner = sidecarPortOwner(container, port);
    if (owner) {
      category = "sidecar-dependency";
      detail.sidecar = owner;
    }
  }
  const evidence: Evidence[] = [logEvidence(match)];
  if (terminated) evidence.unshift(terminatedEvidence(terminated, container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`));
  const base = match.signature.weight >= 80 ? 0.85 : match.signature.weight >= 60 ? 0.78 : 0.62;
  const confidence = base + (match.previous ? 0.05 : 0) - (hasStatus ? 0 : 0.05);
  return {
    category,
    confidence,
    severity: "error",
    summary: "",
    said: { message: LOGGED_CRASH, data: { container: displayContainer(container), line: logMessage(match.text).slice(0, 160) } },
    cause: "",
    evidence,
    match,
    terminated,
    detail,
  };
}

/** The log signature that names the cause, preferring the previous instance's log. */
export function primaryMatch(container: ContainerContext): LogMatch | undefined {
  const previous = container.matches.filter((m) => m.previous);
  const current = container.matches.filter((m) => !m.previous);
  const bestPrevious = strongestMatch(previous);
  const bestCurrent = strongestMatch(current);
  if (bestPrevious && (!bestCurrent || bestPrevious.signature.weight + 5 >= bestCurrent.signature.weight)) return bestPrevious;
  return bestCurrent ?? bestPrevious;
}


/** The weakest log line that still names a cause in a container that runs (no generic stack traces). */
const RUNNING_LOG_WEIGHT = 75;

const HANDLED = /\b(?:WARN(?:ING)?|INFO|DEBUG|retry|retrying|will retry|recovered)\b|^\s*[WI]\d{4} |level=(?:warn|info)|"level":\s?"(?:warn|info)/i;
const FAILURE_MARK = /Traceback \(most recent call last\)|Exception|\bERROR\b|level=error|"level":\s?"error"|^E\d{4} |^\s+at |panic:|Caused by:/;
const FAILURE_CONTEXT_LINES = 40;

/** A logged failure that nothing handled: not a warning or a retry, with an error or a stack trace around it. */
function isUnhandledFailure(match: LogMatch): boolean {
  if (HANDLED.test(match.text)) return false;
  const lines = match.stream.lines;
  for (let index = Math.max(0, match.index - FAILURE_CONTEXT_LINES); index <= match.index; index++) if (FAILURE_MARK.test(lines[index] ?? "")) return true;
  return false;
}

/** A container that runs (and may even be Ready) while its current log names a cause: the requests it serves fail. */
export function runningLogCause(container: ContainerContext): Cause | undefined {
  if (!container.status?.state?.running) return undefined;
  const current = container.matches.filter((m) => !m.previous && m.signature.weight >= RUNNING_LOG_WEIGHT && m.signature.category !== "app-runtime-error" && isUnhandledFailure(m));
  const match = strongestMatch(current);
  if (!match) return undefined;
  const cause = causeFromLog(container, match, undefined, true);
  cause.said = { message: LOGGED_WHILE_RUNNING, data: cause.said.data };
  cause.severity = "warning";
  cause.confidence = Math.min(cause.confidence, 0.6);
  return cause;
}

