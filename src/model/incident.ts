import type { Severity } from "./finding.js";

/**
 * How soon an incident hurts, most urgent first: what users feel now (failing requests, a Service
 * with no ready endpoints, pods of a serving workload down) above what is wrong but not yet felt
 * (a failed batch Job, a configuration error), then concrete risks, then taste.
 */
export const URGENCIES = ["requests-failing", "no-ready-endpoints", "pods-down", "batch-failed", "misconfigured", "risk", "hygiene"] as const;

export type Urgency = (typeof URGENCIES)[number];

export const URGENCY_LABEL: Record<Urgency, string> = {
  "requests-failing": "requests failing",
  "no-ready-endpoints": "Service has no ready endpoints",
  "pods-down": "pods down",
  "batch-failed": "batch work failed",
  misconfigured: "misconfigured",
  risk: "risk",
  hygiene: "hygiene",
};

/** The workload (or other object) an incident is about: a Deployment rather than one of its pods. */
export interface IncidentResource {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * One problem to act on: the findings that share a root cause (a Job and the pods it created, a
 * Deployment and its crashing pods, one VirtualService with two missing subsets, a proxy and its
 * access-log symptoms), most urgent first. Findings are referred to by their index in the report.
 */
export interface Incident {
  /** 1-based position in triage order; JSON findings carry it as `incident`. */
  id: number;
  severity: Severity;
  urgency: Urgency;
  resource: IncidentResource;
  /** The cause in a few words. */
  cause: string;
  /** The first thing to do, e.g. `raise memory limit 256Mi -> 512Mi`. */
  action: string;
  /** Index of the finding that explains the incident (shown in full). */
  primary: number;
  /** Indices of every finding of the incident, the primary first. */
  findings: number[];
  /** The pods the incident's findings are about. */
  pods: string[];
  /** The rule of the primary finding. */
  rule: string;
  /** `runtime`: what runs (pods, sidecars, proxies) shows it; `configuration`: found in the objects' configuration. */
  scope: "runtime" | "configuration";
  /** A warning or note one configuration rule raises on many objects: the summary shows them on one line. */
  repeated: boolean;
}
