import type { Category } from "../../../model/categories.js";
import type { Evidence, Severity } from "../../../model/finding.js";
import type { EventRecord } from "../../../model/inputs.js";
import type { LogMatch } from "../../../signatures/scan.js";
import type { ContainerContext, PodContext } from "./context.js";
import type { ProbeSpec, TerminatedState } from "./pod-types.js";

/** What the pod cause detectors share: the cause they return and the questions every one of them asks of a container. */

export type ProbeKind = "liveness" | "readiness" | "startup";

export interface ProbeFailure {
  kind: ProbeKind;
  probe?: ProbeSpec;
  /** The kubelet's Unhealthy message. */
  message: string;
  events: EventRecord[];
  /** `404`, `refused`, `timeout`, `scheme`, `exec` ... */
  mode: "status-4xx" | "status-5xx" | "refused" | "timeout" | "scheme" | "exec" | "other";
  statusCode?: number;
  /** Seconds the app needed to start, when the log or events show it. */
  observedStartupSeconds?: number;
  /** What the app itself logged it needed to start (`Started App in 45.2 seconds`); the time it began to listen is not that. */
  statedStartupSeconds?: number;
  /** Seconds the probe allows before it kills: initialDelay + period x failureThreshold. */
  budgetSeconds: number;
  /** The port the app says it listens on, when the log says so. */
  listeningPort?: number;
}

/** What one rule needs to explain and fix one container (or one pod). */
export interface Cause {
  category: Category;
  confidence: number;
  severity: Severity;
  /** The finding's summary: the owning rule's message (`said`) filled, when its detector answers (`worded` in detectors.ts). */
  summary: string;
  /** Which of the owning rule's messages words the cause, with the data its template takes: the reading gives only the data. */
  said: { message: string; data: Readonly<Record<string, string | number>> };
  cause: string;
  evidence: Evidence[];
  match?: LogMatch;
  probe?: ProbeFailure;
  terminated?: TerminatedState;
  /** Sub-cause details for the fix: image-pull sub-cause, missing object, scheduler reason ... */
  detail: Record<string, string>;
  /** The init container's own cause, when the category is init-container-failure. */
  inner?: { category: Category; summary: string };
}

export interface Diagnosis {
  pod: PodContext;
  /** Absent for pod-level causes (Pending, Evicted). */
  container?: ContainerContext;
  cause: Cause;
  /** The rule whose detector named the cause. */
  rule?: string;
}

export const MESH_CONTAINERS = new Set(["istio-proxy", "istio-init", "istio-validation"]);

export function seconds(a: string | undefined, b: Date): number | undefined {
  if (!a) return undefined;
  const time = Date.parse(a);
  return Number.isFinite(time) && time > 0 ? (b.getTime() - time) / 1000 : undefined;
}

export function restartPolicyOf(container: ContainerContext): string {
  if (container.nativeSidecar) return "Always";
  const explicit = container.pod.spec?.restartPolicy;
  if (explicit) return explicit;
  const owner = container.pod.object?.metadata.ownerReferences?.[0]?.kind;
  return owner === "Job" ? "OnFailure" : "Always";
}

export function isJobPod(pod: PodContext): boolean {
  return pod.object?.metadata.ownerReferences?.some((ref) => ref.kind === "Job") === true || pod.spec?.restartPolicy === "Never" || pod.spec?.restartPolicy === "OnFailure";
}

export function events(container: ContainerContext, reason: RegExp, message?: RegExp): EventRecord[] {
  return container.events.filter((e) => reason.test(e.reason) && (!message || message.test(e.message)));
}

export function podEvents(pod: PodContext, reason: RegExp, message?: RegExp): EventRecord[] {
  return pod.events.filter((e) => reason.test(e.reason) && (!message || message.test(e.message)));
}

export function strongest(list: EventRecord[]): EventRecord | undefined {
  return [...list].sort((a, b) => b.count - a.count)[0];
}

export function displayContainer(container: ContainerContext): string {
  if (!container.name) return "the container";
  return `${container.init ? "init container" : "container"} ${container.name}`;
}


/** Where the container's terminated state sits: its current state when it has one, else its last state. */
export function terminatedPath(container: ContainerContext): string {
  return container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
}
