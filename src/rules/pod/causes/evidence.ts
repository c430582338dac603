import type { Evidence } from "../../../model/finding.js";
import type { EventRecord } from "../../../model/inputs.js";
import type { LogMatch } from "../../../signatures/scan.js";
import type { TerminatedState } from "./pod-types.js";
import { formatDuration } from "../../../k8s/durations.js";

function clock(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  if (!Number.isFinite(time) || time <= 0) return undefined;
  return new Date(time).toISOString().replace(".000Z", "Z");
}

/** `lastState.terminated: OOMKilled, exit 137 at 2024-01-15T10:42:07Z` */
export function terminatedEvidence(terminated: TerminatedState, path: string): Evidence {
  const field = path.endsWith("lastState.terminated") ? "lastState.terminated" : "state.terminated";
  const at = clock(terminated.finishedAt);
  const parts = [`${field}: ${terminated.reason ?? "Terminated"}, exit ${terminated.exitCode ?? "?"}${at ? ` at ${at}` : ""}`];
  if (terminated.message) parts.push(`message: ${terminated.message.trim().split("\n").slice(-3).join(" / ")}`);
  return { source: "status", path, text: parts.join("; ") };
}

export function waitingEvidence(reason: string, message: string | undefined, path: string): Evidence {
  return { source: "status", path, text: `state.waiting: ${reason}${message ? `: ${message}` : ""}` };
}

function eventSpan(event: EventRecord): string {
  if (event.firstTimestamp && event.lastTimestamp && event.count > 1) {
    const seconds = (Date.parse(event.lastTimestamp) - Date.parse(event.firstTimestamp)) / 1000;
    if (Number.isFinite(seconds) && seconds > 0) return ` over ${formatDuration(seconds)}`;
  }
  return event.age ? ` (${event.age} ago)` : "";
}

/** `event Warning BackOff x7 over 3m (last 12s ago): Back-off restarting failed container app ...` */
export function eventEvidence(event: EventRecord): Evidence {
  let when = "";
  const described = event.age ? /^(\S+) \(x(\d+) over (\S+)\)$/.exec(event.age) : null;
  if (described) when = ` x${described[2]} over ${described[3]} (last ${described[1]} ago)`;
  else when = `${event.count > 1 ? ` x${event.count}` : ""}${eventSpan(event)}`;
  const evidence: Evidence = { source: "event", text: `event ${event.type} ${event.reason}${when}: ${event.message}` };
  if (event.origin.file) evidence.path = event.origin.file;
  if (event.origin.line) evidence.line = event.origin.line;
  return evidence;
}

/** A log line that matched a signature, with its stream and line number. */
export function logEvidence(match: LogMatch): Evidence {
  if (match.stream.origin.file.endsWith("terminated.message")) {
    return { source: "status", text: `termination message line ${match.line}: ${match.text.trim()}`, path: match.stream.origin.file, line: match.line };
  }
  return {
    source: match.previous ? "previous-log" : "log",
    text: `${match.previous ? "previous log" : "log"} line ${match.line}: ${match.text.trim()}`,
    path: match.stream.origin.file,
    line: match.line,
  };
}

export function logLineEvidence(stream: { previous: boolean; origin: { file: string } }, line: number, text: string): Evidence {
  return { source: stream.previous ? "previous-log" : "log", text: `${stream.previous ? "previous log" : "log"} line ${line}: ${text.trim()}`, path: stream.origin.file, line };
}

export function specEvidence(text: string, path: string, file?: string, line?: number): Evidence {
  const evidence: Evidence = { source: "spec", text, path: file ?? path };
  if (line !== undefined) evidence.line = line;
  return evidence;
}
