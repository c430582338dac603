import type { EventRecord } from "../../model/inputs.js";

/**
 * One event row as kubectl prints it, read without its header. Layouts, as
 * printed by the kubectl versions people run (kubernetes.io/docs/reference/kubectl/):
 *   describe (1.14+):  `  Warning  BackOff  3m (x7 over 5m)  kubelet  Back-off restarting failed container`
 *   describe (< 1.14): `  Warning  BackOff  3m42s (x7 over 4m56s)  kubelet, node3  Back-off ...`
 *   describe (< 1.6):  `  1m  1m  1  {kubelet node1}  spec.containers{app}  Warning  BackOff  Back-off ...`
 *   get events:        `5m  Warning  BackOff  pod/api-1  Back-off ...` (NAMESPACE first with -A)
 *   get events -o wide: `... OBJECT  SUBOBJECT  SOURCE  MESSAGE  FIRST SEEN  COUNT  NAME`
 *   get events (< 1.14): `2m  2m  1  api-1.15f2  Pod  spec.containers{app}  Warning  BackOff  kubelet, node1  Back-off ...`
 *   kubectl events:    `2m (x3 over 5m)  Warning  BackOff  Pod/api-1  Back-off ...`
 * Columns are two or more spaces (or tabs) apart, or one when a reporter reflowed them.
 */
export interface EventRow {
  type: string;
  reason: string;
  message: string;
  count: number;
  age?: string;
  source?: string;
  /** `pod/api-1`, `Pod/api-1`, or the old layout's event name `api-1.15f2`. */
  object?: { kind: string; name: string };
  namespace?: string;
  fieldPath?: string;
}

const AGE = String.raw`(?:<unknown>|<invalid>|unknown|\d+(?:\.\d+)?[smhdy](?:\d+[smhdy]){0,3}(?:\s\(x\d+ over [^)\s]{1,12}\))?)`;
const TYPE = String.raw`(?:Normal|Warning)`;
const REASON = String.raw`[A-Z][A-Za-z]{1,60}`;
const DESCRIBE_ROW = new RegExp(String.raw`^\s*(${TYPE})\s+(${REASON})\s+(${AGE})\s+(.*)$`);
const DESCRIBE_ROW_NO_AGE = new RegExp(String.raw`^\s*(${TYPE})\s+(${REASON})\s{2,}(.*)$`);
const OLD_DESCRIBE_ROW = new RegExp(String.raw`^\s*(${AGE})\s+(${AGE})\s+(\d+)\s+\{([^}]{0,200})\}\s+(?:(spec\.\S+)\s+)?(${TYPE})\s+(${REASON})\s+(.*)$`);
const GET_ROW = new RegExp(String.raw`^\s*(?:([a-z0-9][-a-z0-9]{0,62})\s+)?(${AGE})\s+(${TYPE})\s+(${REASON})\s+(\S+)\s+(.*)$`);
const OLD_GET_ROW = new RegExp(String.raw`^\s*(?:([a-z0-9][-a-z0-9]{0,62})\s+)?(${AGE})\s+(${AGE})\s+(\d+)\s+(\S+)\s+([A-Z][A-Za-z]+)\s+(?:(spec\.\S+)\s+)?(${TYPE})\s+(${REASON})\s+(.*)$`);
const WIDE_TAIL = new RegExp(String.raw`\s{2,}(${AGE})\s+(\d+)\s+(\S+\.[0-9a-f]{6,})\s*$`);
const OBJECT = /^([A-Za-z][\w.-]*)\/([a-z0-9][-a-z0-9.]*)$/;
const KNOWN_SOURCE = /^(?:kubelet|default-scheduler|[\w.-]*(?:controller|scheduler|provisioner|autoscaler|manager|operator|kubelet|karpenter|attacher)[\w.-]*)$/;

function repeatCount(age: string | undefined): number {
  const match = /\(x(\d+) over/.exec(age ?? "");
  return match ? Number(match[1]) : 1;
}

/** `kubelet, node3  Message` or `kubelet  Message` (or single-spaced). */
function splitSource(rest: string): { source?: string; message: string } {
  const trimmed = rest.trim();
  const wide = /^(\S+(?:,\s?\S+)?)(?:\s{2,}|\t)(.*)$/.exec(trimmed);
  if (wide && (KNOWN_SOURCE.test(wide[1]!.split(",")[0]!) || /,/.test(wide[1]!))) return { source: wide[1], message: wide[2]! };
  const comma = /^(\S+,)\s?(\S+)\s+(.*)$/.exec(trimmed);
  if (comma && KNOWN_SOURCE.test(comma[1]!.slice(0, -1))) return { source: `${comma[1]} ${comma[2]}`, message: comma[3]! };
  const single = /^(\S+)\s+(.*)$/.exec(trimmed);
  if (single && KNOWN_SOURCE.test(single[1]!)) return { source: single[1], message: single[2]! };
  if (wide) return { source: wide[1], message: wide[2]! };
  return { message: trimmed };
}

function objectOf(text: string): { kind: string; name: string } | undefined {
  const match = OBJECT.exec(text);
  if (!match) return undefined;
  const kind = match[1]!.split(".")[0]!.toLowerCase();
  return { kind: KINDS[kind] ?? match[1]!.charAt(0).toUpperCase() + match[1]!.slice(1), name: match[2]! };
}

const KINDS: Record<string, string> = {
  pod: "Pod", replicaset: "ReplicaSet", deployment: "Deployment", statefulset: "StatefulSet", daemonset: "DaemonSet", job: "Job", cronjob: "CronJob",
  node: "Node", service: "Service", persistentvolumeclaim: "PersistentVolumeClaim", persistentvolume: "PersistentVolume", horizontalpodautoscaler: "HorizontalPodAutoscaler",
  ingress: "Ingress", configmap: "ConfigMap", secret: "Secret", serviceaccount: "ServiceAccount", namespace: "Namespace", endpoints: "Endpoints",
};

/** An event row in any layout above, or undefined. */
export function parseEventRow(line: string): EventRow | undefined {
  if (line.length > 8192 || !/Normal|Warning/.test(line)) return undefined;
  const old = OLD_DESCRIBE_ROW.exec(line);
  if (old) {
    const row: EventRow = { type: old[6]!, reason: old[7]!, message: old[8]!.trim(), count: Number(old[3]) || 1, age: old[1], source: old[4]!.replace(/\s+/, ", ") };
    if (old[5]) row.fieldPath = old[5];
    return row;
  }
  const describe = DESCRIBE_ROW.exec(line);
  if (describe) {
    const { source, message } = splitSource(describe[4]!);
    const row: EventRow = { type: describe[1]!, reason: describe[2]!, message, count: repeatCount(describe[3]), age: describe[3] };
    if (source) row.source = source;
    return row;
  }
  const oldGet = OLD_GET_ROW.exec(line);
  if (oldGet) {
    const { source, message } = splitSource(oldGet[10]!);
    const name = oldGet[5]!.replace(/\.[0-9a-f]{6,}$/, "");
    const row: EventRow = { type: oldGet[8]!, reason: oldGet[9]!, message, count: Number(oldGet[4]) || 1, age: oldGet[2], object: { kind: KINDS[oldGet[6]!.toLowerCase()] ?? oldGet[6]!, name } };
    if (source) row.source = source;
    if (oldGet[1]) row.namespace = oldGet[1];
    if (oldGet[7]) row.fieldPath = oldGet[7];
    return row;
  }
  const get = GET_ROW.exec(line);
  if (get) {
    const object = objectOf(get[5]!);
    let rest = get[6]!;
    const row: EventRow = { type: get[3]!, reason: get[4]!, message: "", count: repeatCount(get[2]), age: get[2] };
    if (get[1]) row.namespace = get[1];
    if (object) row.object = object;
    else rest = `${get[5]} ${rest}`;
    const tail = WIDE_TAIL.exec(rest);
    if (tail) {
      rest = rest.slice(0, tail.index);
      row.count = Number(tail[2]) || row.count;
    }
    const sub = /^(spec\.\S+)\s+(.*)$/.exec(rest);
    if (sub) {
      row.fieldPath = sub[1];
      rest = sub[2]!;
    }
    const { source, message } = tail || sub ? splitSource(rest) : { source: undefined, message: rest.trim() };
    if (source) row.source = source;
    row.message = message;
    return row;
  }
  const bare = DESCRIBE_ROW_NO_AGE.exec(line);
  if (bare) {
    const { source, message } = splitSource(bare[3]!);
    const row: EventRow = { type: bare[1]!, reason: bare[2]!, message, count: 1 };
    if (source) row.source = source;
    return row;
  }
  return undefined;
}

/** Header lines of every events layout, and the dashes under describe's. */
export function isEventsHeader(line: string): boolean {
  return /^\s*(?:Type\s+Reason\s+Age\s+From\s+Message|FirstSeen\s+LastSeen\s+Count\s+From|(?:NAMESPACE\s+)?(?:LAST SEEN|LASTSEEN)\s+(?:TYPE|FIRST SEEN|FIRSTSEEN)\b)/.test(line) || /^\s*-{4}\s+-{6}\s+-{3}/.test(line) || /^\s*-{9}\s+-{8}\s+-{5}/.test(line);
}

/**
 * Event messages pasted without their row (`Liveness probe failed: ...`,
 * `Back-off restarting failed container ...`): the kubelet's and the
 * scheduler's wordings (kubernetes/kubernetes pkg/kubelet/events/event.go,
 * pkg/kubelet/prober/prober.go, kuberuntime_manager.go, scheduler framework).
 */
const MESSAGE_REASONS: ReadonlyArray<{ pattern: RegExp; type: "Warning" | "Normal"; reason: string }> = [
  { pattern: /^Back-off restarting failed container\b/i, type: "Warning", reason: "BackOff" },
  { pattern: /^back-off \S+ restarting failed container=/i, type: "Warning", reason: "BackOff" },
  { pattern: /^(?:Liveness|Readiness|Startup) probe (?:failed|errored)\b/, type: "Warning", reason: "Unhealthy" },
  { pattern: /^Container \S+ failed (?:liveness|startup) probe, will be restarted/, type: "Normal", reason: "Killing" },
  { pattern: /^Back-off pulling image\b/, type: "Normal", reason: "BackOff" },
  { pattern: /^Failed to pull image\b/, type: "Warning", reason: "Failed" },
  { pattern: /^Error: (?:ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)\b/, type: "Warning", reason: "Failed" },
  { pattern: /^Error: (?:secrets? "|configmaps? "|couldn't find key |container has runAsNonRoot|failed to (?:create|start|generate)|failed to reserve)/, type: "Warning", reason: "Failed" },
  { pattern: /^\d+\/\d+ nodes are available\b/, type: "Warning", reason: "FailedScheduling" },
  { pattern: /^(?:MountVolume\.\S+ failed|Unable to (?:attach or )?mount volumes)\b/, type: "Warning", reason: "FailedMount" },
  { pattern: /^Failed to create pod sandbox\b/, type: "Warning", reason: "FailedCreatePodSandBox" },
  { pattern: /^The node was low on resource: /, type: "Warning", reason: "Evicted" },
  { pattern: /^(?:Memory cgroup out of memory|System OOM encountered)\b/, type: "Warning", reason: "OOMKilling" },
];

/** A bare event message as an event row, when its wording is one the kubelet or scheduler writes. */
export function eventFromMessage(line: string): EventRow | undefined {
  const text = line.trim().replace(/^(?:events?|warning|message)\s*:\s*/i, "");
  if (text.length > 8192) return undefined;
  for (const { pattern, type, reason } of MESSAGE_REASONS) if (pattern.test(text)) return { type, reason, message: text, count: 1 };
  return undefined;
}

/** Names an event message gives: `... container X in pod Y_ns(uid)`, `container=X pod=Y_ns(uid)`, `Successfully assigned ns/pod to node`. */
export function namesInMessage(message: string): { pod?: string; namespace?: string; container?: string } {
  const inPod = /container "?([\w.-]+)"? in pod "?([a-z0-9][-a-z0-9.]*)_([a-z0-9][-a-z0-9]*)\(/.exec(message) ?? /container=([\w.-]+) pod=([a-z0-9][-a-z0-9.]*)_([a-z0-9][-a-z0-9]*)\(/.exec(message);
  if (inPod) return { container: inPod[1], pod: inPod[2], namespace: inPod[3] };
  const assigned = /^Successfully assigned ([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9.]*) to /.exec(message);
  if (assigned) return { namespace: assigned[1], pod: assigned[2] };
  const legacy = /^Successfully assigned ([a-z0-9][-a-z0-9.]*) to /.exec(message);
  if (legacy) return { pod: legacy[1] };
  return {};
}

export function toEventRecord(row: EventRow, involved: EventRecord["involved"], origin: EventRecord["origin"]): EventRecord {
  const record: EventRecord = { type: row.type, reason: row.reason, message: row.message, count: row.count, involved, origin };
  if (row.age) record.age = row.age;
  if (row.source) record.source = row.source;
  return record;
}
