import { isAscii } from "node:buffer";
import { plainBytes, scanPlainBytes } from "./byte-scanner.js";
import { plainLine, scanIstioTextLine, scanPlainIstioText, scanSuccessfulJsonLine } from "./fast-parsers.js";
import { compileFormat, parseJsonLine, type AccessLogEntry, type LineParser } from "./format.js";
import { AccessLogSummary } from "./summary.js";

export interface ReaderOptions {
  /** An Envoy format string (meshConfig.accessLogFormat); Istio's default TEXT format otherwise. */
  format?: string;
  /**
   * The input is an istio-proxy container log: pilot-agent and Envoy messages
   * are expected between access-log lines and are not reported as skipped.
   */
  containerLog?: boolean;
}

/** pilot-agent / Envoy log lines: `2025-10-26T05:23:38.971889Z\tinfo\txdsproxy\t...` or `[2025-...][14][warning][config] ...`. */
const PROXY_MESSAGE = /^(?:\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+(?:debug|info|warn|warning|error|critical|fatal)\b|\[\d{4}-\d{2}-\d{2}[ T][\d:.]+\]\[)/;

/**
 * Feeds lines to a summary: text or bytes, in chunks of any size; the same code serves files, stdin, container logs
 * and in-memory lines (the files and streams are read in sources/access-log-files.ts).
 */
export class AccessLogReader {
  readonly summary = new AccessLogSummary();
  private readonly textParser: LineParser;
  readonly format: string | undefined;
  readonly containerLog: boolean;
  /** Istio's default TEXT format: its plain lines are counted without building an entry. */
  private readonly plainText: boolean;
  /** The next line's number, the unfinished last line, and the clusters and hosts seen last (feedText). */
  private line = 1;
  private carry = "";
  private readonly recentClusters: string[] = [];
  private readonly recentHosts: string[] = [];
  private readonly clusters = new RecentBytes();
  private readonly hosts = new RecentBytes();

  constructor(options: ReaderOptions = {}) {
    this.textParser = options.format ? compileFormat(options.format) : scanIstioTextLine;
    this.format = options.format;
    this.containerLog = options.containerLog ?? false;
    this.plainText = !options.format;
  }

  /** Parses one line; returns the entry when it was an access-log line. */
  feed(text: string, line: number): AccessLogEntry | undefined {
    const summary = this.summary;
    summary.lines++;
    if (text.length === 0) return undefined;
    const end = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (end.charCodeAt(0) === 123 /* { */) {
      const entry = scanSuccessfulJsonLine(end) ?? parseJsonLine(end);
      if (entry) {
        summary.addEntry(entry, line, end, true);
        return entry;
      }
    } else {
      const entry = this.textParser(end);
      if (entry) {
        summary.addEntry(entry, line, end, false);
        return entry;
      }
    }
    if (this.containerLog || PROXY_MESSAGE.test(end)) summary.otherLines++;
    else summary.addSkipped(line, end);
    return undefined;
  }

  feedLines(lines: readonly string[], firstLine = 1): AccessLogSummary {
    for (let index = 0; index < lines.length; index++) this.feed(lines[index]!, firstLine + index);
    return this.summary;
  }

  /**
   * Whole lines (bytes[0, end) ends with a line break), DECODE_SIZE bytes at a time. Plain ASCII in Istio's
   * TEXT format is read as bytes (feedAsciiBytes); anything else is decoded first: V8 makes a string of a
   * megabyte outside its heap, several times slower than strings of 64 KiB.
   */
  feedBytes(bytes: Buffer, end: number, onEntry?: (entry: AccessLogEntry, line: number) => void): void {
    const inPlace = this.plainText && onEntry === undefined;
    let start = 0;
    while (start < end) {
      let stop = end;
      if (end - start > DECODE_SIZE) {
        const newline = bytes.lastIndexOf(10, start + DECODE_SIZE - 1);
        stop = newline >= start ? newline + 1 : bytes.indexOf(10, start + DECODE_SIZE) + 1;
      }
      if (inPlace && this.carry.length === 0 && isAscii(bytes.subarray(start, stop))) this.feedAsciiBytes(bytes, start, stop);
      else this.feedText(decodeLines(bytes, start, stop), onEntry);
      start = stop;
    }
  }

  /** Whole ASCII lines bytes[start, stop): plain TEXT lines are counted from their bytes, the others decoded one by one for `feed`. */
  private feedAsciiBytes(bytes: Buffer, start: number, stop: number): void {
    const summary = this.summary;
    let lineStart = start;
    while (lineStart < stop) {
      const lineEnd = bytes.indexOf(10, lineStart);
      if (scanPlainBytes(bytes, lineStart, lineEnd)) {
        summary.lines++;
        summary.addPlain(plainBytes.code, plainBytes.duration, this.clusters.valueOf(bytes, plainBytes.clusterStart, plainBytes.clusterEnd), this.hosts.valueOf(bytes, plainBytes.hostStart, plainBytes.hostEnd));
      } else {
        this.feed(bytes.toString("latin1", lineStart, lineEnd), this.line);
      }
      this.line++;
      lineStart = lineEnd + 1;
    }
  }

  /** Text of any length: each whole line goes to `feed` (the plain TEXT ones are counted in place); the rest waits for the next text or `finish`. */
  feedText(text: string, onEntry?: (entry: AccessLogEntry, line: number) => void): void {
    const text0 = this.carry.length > 0 ? this.carry + text : text;
    const summary = this.summary;
    const plain = this.plainText && onEntry === undefined;
    let start = 0;
    let newline = text0.indexOf("\n", start);
    while (newline >= 0) {
      const end = newline > start && text0.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      if (plain && end > start && scanPlainIstioText(text0, start, end)) {
        summary.lines++;
        summary.addPlain(plainLine.code, plainLine.duration, this.cluster(text0, plainLine.clusterStart, plainLine.clusterEnd), this.host(text0, plainLine.hostStart, plainLine.hostEnd));
      } else {
        const entry = this.feed(text0.slice(start, newline), this.line);
        if (entry && onEntry) onEntry(entry, this.line);
      }
      this.line++;
      start = newline + 1;
      newline = text0.indexOf("\n", start);
    }
    this.carry = text0.slice(start);
  }

  /** Whether no line has been read yet. */
  get atStart(): boolean {
    return this.line === 1 && this.carry.length === 0;
  }

  /** Ends the input: `tail` (the text after the last line break) and any text left waiting make the last line. */
  finish(tail: string, onEntry?: (entry: AccessLogEntry, line: number) => void): AccessLogSummary {
    const carry = this.carry + tail;
    this.carry = "";
    if (carry.length > 0) {
      const entry = this.feed(carry, this.line);
      if (entry && onEntry) onEntry(entry, this.line);
    }
    return this.summary;
  }

  /**
   * The cluster at text[start, end) ("" for "-"). One of the last RECENT_VALUES clusters seen when it is
   * the same: nothing is sliced, and the summary finds its group by a string it has hashed already.
   */
  private cluster(text: string, start: number, end: number): string {
    return recentValue(this.recentClusters, text, start, end);
  }

  private host(text: string, start: number, end: number): string {
    return recentValue(this.recentHosts, text, start, end);
  }
}

const RECENT_VALUES = 8;

/** text[start, end) ("" for "-"), as the string kept in `recent` when it is there; else sliced and kept in place of the oldest. */
function recentValue(recent: string[], text: string, start: number, end: number): string {
  const length = end - start;
  for (let index = 0; index < recent.length; index++) {
    const value = recent[index]!;
    if (value.length === length && text.startsWith(value, start)) return value === "-" ? "" : value;
  }
  const value = text.slice(start, end);
  if (recent.length === RECENT_VALUES) recent.pop();
  recent.unshift(value);
  return value === "-" ? "" : value;
}

/** recentValue for bytes: the last RECENT_VALUES values seen, matched by their bytes, so a value seen before is not decoded again. */
class RecentBytes {
  private readonly bytes: Buffer[] = [];
  private readonly values: string[] = [];

  /** bytes[start, end) as text ("" for "-"): ASCII, so latin1. */
  valueOf(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    for (let index = 0; index < this.bytes.length; index++) {
      const kept = this.bytes[index]!;
      if (kept.length === length && sameBytes(kept, bytes, start)) return this.values[index]!;
    }
    const value = bytes.toString("latin1", start, end);
    if (this.bytes.length === RECENT_VALUES) {
      this.bytes.pop();
      this.values.pop();
    }
    this.bytes.unshift(Buffer.from(bytes.subarray(start, end)));
    this.values.unshift(value === "-" ? "" : value);
    return value === "-" ? "" : value;
  }
}

function sameBytes(kept: Buffer, bytes: Buffer, start: number): boolean {
  for (let index = 0; index < kept.length; index++) if (kept[index] !== bytes[start + index]) return false;
  return true;
}

const DECODE_SIZE = 1 << 16;

/** bytes[start, end) as text: plain ASCII (almost every access log) decodes much faster as latin1, with the same result. */
function decodeLines(bytes: Buffer, start: number, end: number): string {
  return isAscii(bytes.subarray(start, end)) ? bytes.toString("latin1", start, end) : bytes.toString("utf8", start, end);
}

export function summarizeLines(lines: readonly string[], options: ReaderOptions & { firstLine?: number } = {}): AccessLogSummary {
  return new AccessLogReader(options).feedLines(lines, options.firstLine ?? 1);
}
