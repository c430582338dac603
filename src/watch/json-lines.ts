import { redact } from "../util/redact.js";
import type { FindingChange } from "./diagnoser.js";
import type { Output } from "./watcher.js";

/** The JSON line printed for one change: what a log shipper indexes, then the whole finding. */
export function jsonLine(change: FindingChange, time = new Date()): string {
  const { finding } = change;
  const line = {
    time: time.toISOString(),
    change: change.change,
    id: change.id,
    rule: finding.rule,
    severity: finding.severity,
    category: finding.category,
    kind: finding.resource.kind,
    ...(finding.resource.namespace ? { namespace: finding.resource.namespace } : {}),
    name: finding.resource.name,
    ...(finding.resource.container ? { container: finding.resource.container } : {}),
    summary: finding.summary,
    cause: change.cause,
    action: change.action,
    ...(change.latencyMs !== undefined ? { latencyMs: change.latencyMs } : {}),
    ...(change.change === "resolved" ? {} : { finding }),
  };
  return redact(JSON.stringify(line));
}

/** One JSON line per new, changed or resolved finding, on stdout (only while this replica leads). */
export function jsonLinesOutput(write: (text: string) => void): Output {
  return {
    publish(changes, { leader }) {
      if (!leader || changes.length === 0) return;
      const time = new Date();
      write(changes.map((change) => jsonLine(change, time)).join("\n") + "\n");
    },
    leadership(leader, current) {
      if (!leader || current.length === 0) return;
      const time = new Date();
      write(current.map((change) => jsonLine(change, time)).join("\n") + "\n");
    },
  };
}
