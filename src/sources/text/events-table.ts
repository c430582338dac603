import type { EventRecord } from "../../model/inputs.js";
import type { Origin } from "../../model/kube.js";

/** Whether text looks like `kubectl get events` table output. */
export function looksLikeEventsTable(text: string): boolean {
  // The header is the first line, or among the first few when a tool wrapped the output.
  return text
    .split("\n", 6)
    .some((line) => /^(NAMESPACE\s+)?LAST SEEN\s+TYPE\s+REASON\s+(OBJECT|KIND)\s+/.test(line));
}

const KIND_BY_RESOURCE: Record<string, string> = {
  pod: "Pod",
  replicaset: "ReplicaSet",
  deployment: "Deployment",
  statefulset: "StatefulSet",
  daemonset: "DaemonSet",
  job: "Job",
  cronjob: "CronJob",
  node: "Node",
  service: "Service",
  endpoints: "Endpoints",
  persistentvolumeclaim: "PersistentVolumeClaim",
  persistentvolume: "PersistentVolume",
  horizontalpodautoscaler: "HorizontalPodAutoscaler",
  namespace: "Namespace",
  ingress: "Ingress",
  configmap: "ConfigMap",
  secret: "Secret",
  serviceaccount: "ServiceAccount",
  replicationcontroller: "ReplicationController",
};

function kindOf(resource: string): string {
  const base = resource.split(".")[0]!.toLowerCase();
  return KIND_BY_RESOURCE[base] ?? base.charAt(0).toUpperCase() + base.slice(1);
}

/** `5m`, `70s`, `<unknown>`, `2d3h` -> seconds, when it is an age. */
function ageSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(?:\d+[smhdy])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, number, unit] of trimmed.matchAll(/(\d+)([smhdy])/g)) total += Number(number) * ({ s: 1, m: 60, h: 3600, d: 86400, y: 31536000 } as Record<string, number>)[unit!]!;
  return total;
}

/**
 * Parses `kubectl get events` (with or without -A, -o wide) into
 * EventRecords. Columns are found from the header (kubectl aligns them);
 * `-o wide` adds SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN, COUNT, NAME.
 * Ages are relative to when the command ran, so they are kept as text.
 */
export function parseEventsTable(text: string, origin: Origin): { events: EventRecord[]; problems: { origin: Origin; message: string }[] } {
  const lines = text.split(/\r?\n/);
  const problems: { origin: Origin; message: string }[] = [];
  const events: EventRecord[] = [];
  const firstLine = origin.line ?? 1;
  let header = "";
  let columns: Array<{ name: string; start: number }> = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === "") continue;
    if (/^(NAMESPACE\s+)?LAST SEEN\s+TYPE\s+REASON\s+/.test(line)) {
      header = line;
      columns = [...line.matchAll(/(LAST SEEN|FIRST SEEN|[A-Z]+)/g)].map((m) => ({ name: m[1]!, start: m.index! }));
      continue;
    }
    if (!header) continue;
    const at = (name: string) => columns.findIndex((c) => c.name === name);
    const cell = (name: string) => {
      const i = at(name);
      if (i < 0) return "";
      const end = i + 1 < columns.length ? columns[i + 1]!.start : line.length;
      return line.slice(columns[i]!.start, end).trim();
    };
    const lineNumber = firstLine + index;
    let type = cell("TYPE");
    let reason = cell("REASON");
    let object = cell("OBJECT");
    let namespace = cell("NAMESPACE") || undefined;
    let message = cell("MESSAGE");
    let lastSeen = cell("LAST SEEN");
    // A value wider than its column pushes the rest right; re-split on whitespace for the fixed columns.
    if (!/^(Normal|Warning)$/.test(type) || !/^[\w-]+\/\S+$|^\S+$/.test(object)) {
      const parts = line.trim().split(/\s+/);
      const offset = at("NAMESPACE") >= 0 ? 1 : 0;
      const typeIndex = parts.findIndex((part, i) => i >= offset + 1 && /^(Normal|Warning)$/.test(part));
      if (typeIndex < 0) {
        problems.push({ origin: { file: origin.file, line: lineNumber }, message: "events table row without a Normal/Warning TYPE column: skipped" });
        continue;
      }
      namespace = offset ? parts[0] : namespace;
      lastSeen = parts.slice(offset, typeIndex).join(" ");
      type = parts[typeIndex]!;
      reason = parts[typeIndex + 1] ?? "";
      object = parts[typeIndex + 2] ?? "";
      const rest = line.trim().split(/\s+/).slice(typeIndex + 3);
      message = at("SUBOBJECT") >= 0 ? message || rest.join(" ") : rest.join(" ");
    }
    const slash = object.indexOf("/");
    const involvedKind = slash > 0 ? kindOf(object.slice(0, slash)) : "Pod";
    const involvedName = slash > 0 ? object.slice(slash + 1) : object;
    // `kubectl events` prints the repeat count in LAST SEEN: `2m (x3 over 5m)`.
    const repeated = /\(x(\d+) over [^)]+\)/.exec(lastSeen);
    const count = Number(cell("COUNT")) || (repeated ? Number(repeated[1]) : 1);
    const subobject = cell("SUBOBJECT");
    const record: EventRecord = {
      type,
      reason,
      message,
      count,
      age: lastSeen,
      involved: { kind: involvedKind, name: involvedName, ...(namespace ? { namespace } : {}), ...(subobject ? { fieldPath: subobject } : {}) },
      origin: { file: origin.file, line: lineNumber },
    };
    const source = cell("SOURCE");
    if (source) record.source = source;
    const firstSeen = cell("FIRST SEEN");
    if (firstSeen && count > 1) record.age = `${lastSeen} (x${count} over ${firstSeen})`;
    if (ageSeconds(lastSeen.replace(/\s*\(x\d+ over [^)]+\)$/, "")) === undefined && lastSeen !== "<unknown>" && lastSeen !== "<invalid>") {
      problems.push({ origin: { file: origin.file, line: lineNumber }, message: `events table: LAST SEEN "${lastSeen}" is not an age; kept the row` });
    }
    events.push(record);
  }
  if (!header) problems.push({ origin, message: "no kubectl get events header (LAST SEEN TYPE REASON OBJECT MESSAGE) found" });
  return { events, problems };
}
