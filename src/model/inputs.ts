import type { Origin } from "./kube.js";

/** A Kubernetes event, normalised from core/v1 or events.k8s.io/v1, or parsed from text. */
export interface EventRecord {
  type: string; // Normal | Warning
  reason: string;
  message: string;
  count: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** As printed by kubectl ("3m", "2m (x7 over 10m)") when parsed from text and no timestamp is known. */
  age?: string;
  involved: { kind: string; namespace?: string; name: string; uid?: string; fieldPath?: string };
  source?: string;
  origin: Origin;
}

/** The log of one container instance: current, or previous (`kubectl logs --previous`). */
export interface LogStream {
  namespace?: string;
  pod?: string;
  container?: string;
  previous: boolean;
  origin: Origin;
  /** Line number in `origin.file` of `lines[0]`. */
  firstLine: number;
  lines: string[];
  /** An istio-proxy log's access-log lines summarised (an Envoy `AccessLogSummary`), made by the source that read the log. */
  accessLogSummary?: unknown;
  /** Its requests over time (an Envoy `TrafficTimeline`), made with the summary when the view is read for an HTML page. */
  accessLogTimeline?: unknown;
}

/** One line said about a bad input; the rest of the input is still analysed. */
export interface InputProblem {
  origin: Origin;
  message: string;
}

/** What was loaded, for the JSON report's `inputs` and the text report's header. */
export interface InputSummary {
  sources: string[];
  objects: number;
  events: number;
  logs: number;
  envoy: number;
  problems: InputProblem[];
  /** Evidence that could not be collected (live mode: forbidden calls), and the permission that gives it. */
  missing: MissingEvidence[];
}

export interface MissingEvidence {
  what: string;
  call: string;
  status?: number;
  permission?: string;
}
