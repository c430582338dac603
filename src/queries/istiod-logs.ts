import type { ClusterView } from "../view/cluster-view.js";
import { istiodPods, ISTIO_NAMESPACE } from "../istio/istiod.js";

/** At most this many lines of each istiod log are read, and at most this many problems quoted. */
const MAX_LINES = 5000;
const MAX_QUOTED = 10;
const MAX_LINE_CHARS = 300;

/** Istio's text log layout: `<RFC3339 time>\t<level>\t<scope>\t<message>` (tabs or spaces). */
const TEXT_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s+(error|fatal|critical|warn|warning|info|debug)\s+(\S+)\s+(.*)$/;
/** klog lines (client-go inside istiod): `E1202 10:40:00.123456       1 reflector.go:...] message`. */
const KLOG_ERROR = /^[EF]\d{4} [\d:.]+\s+\d+ [^\]]{1,120}\] (.*)$/;
/** A proxy rejected the config istiod pushed (Istio logs NACKs at warn level). */
const NACK = /\bACK ERROR\b/;

export interface IstiodLogProblem {
  pod: string;
  container: string;
  line: number;
  level: string;
  scope?: string;
  text: string;
}

export interface IstiodLogReading {
  /** istiod pods whose log the inputs hold. */
  read: string[];
  /** istiod pods the inputs show without a log. */
  unread: string[];
  problems: IstiodLogProblem[];
  /** Problems found beyond the ones quoted. */
  more: number;
}

/** The level of one istiod log line when it reports an error (text, JSON or klog layout), else undefined. */
export function istiodLineProblem(line: string): { level: string; scope?: string; text: string } | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith("{")) {
    let entry: unknown;
    try {
      entry = JSON.parse(trimmed.length > 20_000 ? "" : trimmed);
    } catch {
      return undefined;
    }
    if (!entry || typeof entry !== "object") return undefined;
    const { level, scope, msg } = entry as { level?: unknown; scope?: unknown; msg?: unknown };
    const message = typeof msg === "string" ? msg : "";
    if (typeof level !== "string") return undefined;
    if (/^(error|fatal|critical)$/.test(level) || NACK.test(message)) return { level, ...(typeof scope === "string" ? { scope } : {}), text: message };
    return undefined;
  }
  const text = TEXT_LINE.exec(trimmed);
  if (text) {
    const [, , level, scope, message] = text;
    if (/^(error|fatal|critical)$/.test(level!) || NACK.test(message!)) return { level: level!, scope: scope!, text: message! };
    return undefined;
  }
  const klog = KLOG_ERROR.exec(trimmed);
  return klog ? { level: trimmed.startsWith("F") ? "fatal" : "error", text: klog[1]! } : undefined;
}

/** Reads the current log of each istiod pod in the view for errors and rejected pushes (NACKs). */
export function readIstiodLogs(view: ClusterView): IstiodLogReading {
  const reading: IstiodLogReading = { read: [], unread: [], problems: [], more: 0 };
  for (const pod of istiodPods(view)) {
    const name = pod.metadata.name ?? "";
    const containers = ((pod.spec?.containers ?? []) as Array<{ name?: string }>).map((container) => container.name ?? "");
    const streams = (containers.length > 0 ? containers : ["discovery"]).flatMap((container) => view.logsFor(ISTIO_NAMESPACE, name, container).filter((stream) => !stream.previous));
    if (streams.length === 0) {
      reading.unread.push(name);
      continue;
    }
    reading.read.push(name);
    for (const stream of streams) {
      const skipped = Math.max(0, stream.lines.length - MAX_LINES);
      const lines = stream.lines.slice(skipped);
      lines.forEach((line, index) => {
        const problem = istiodLineProblem(line);
        if (!problem) return;
        if (reading.problems.length >= MAX_QUOTED) {
          reading.more++;
          return;
        }
        const text = problem.text.length > MAX_LINE_CHARS ? `${problem.text.slice(0, MAX_LINE_CHARS - 3)}...` : problem.text;
        reading.problems.push({ pod: name, container: stream.container ?? "discovery", line: stream.firstLine + skipped + index, level: problem.level, ...(problem.scope ? { scope: problem.scope } : {}), text });
      });
    }
  }
  return reading;
}
