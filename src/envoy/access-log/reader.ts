import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { scanIstioTextLine, scanSuccessfulJsonLine } from "./fast-parsers.js";
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

/** Feeds lines to a summary; the same code serves files, stdin, container logs and in-memory lines. */
export class AccessLogReader {
  readonly summary = new AccessLogSummary();
  private readonly textParser: LineParser;
  private readonly containerLog: boolean;

  constructor(options: ReaderOptions = {}) {
    this.textParser = options.format ? compileFormat(options.format) : scanIstioTextLine;
    this.containerLog = options.containerLog ?? false;
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

  /** Reads a stream chunk by chunk; memory stays bounded by the chunk size and the summary. */
  async feedStream(stream: Readable, onEntry?: (entry: AccessLogEntry, line: number) => void): Promise<AccessLogSummary> {
    const decoder = new StringDecoder("utf8");
    let carry = "";
    let carryBytes: Buffer | undefined;
    let line = 1;
    for await (const chunk of stream) {
      let decoded: string;
      if (typeof chunk === "string") {
        decoded = chunk;
      } else {
        // Decode up to the last newline so no character is split; the tail waits for the next chunk.
        let bytes = chunk as Buffer;
        if (carryBytes) {
          bytes = Buffer.concat([carryBytes, bytes]);
          carryBytes = undefined;
        }
        const lastNewline = bytes.lastIndexOf(10);
        if (lastNewline < 0) {
          carryBytes = bytes;
          continue;
        }
        // Plain ASCII (almost every access log) decodes much faster as latin1, with the same result.
        decoded = isAscii(bytes.subarray(0, lastNewline + 1)) ? bytes.toString("latin1", 0, lastNewline + 1) : bytes.toString("utf8", 0, lastNewline + 1);
        if (lastNewline + 1 < bytes.length) carryBytes = bytes.subarray(lastNewline + 1);
      }
      const text = carry.length > 0 ? carry + decoded : decoded;
      let start = 0;
      let newline = text.indexOf("\n", start);
      while (newline >= 0) {
        const entry = this.feed(text.slice(start, newline), line);
        if (entry && onEntry) onEntry(entry, line);
        line++;
        start = newline + 1;
        newline = text.indexOf("\n", start);
      }
      carry = text.slice(start);
    }
    if (carryBytes) carry += decoder.write(carryBytes);
    carry += decoder.end();
    if (carry.length > 0) {
      const entry = this.feed(carry, line);
      if (entry && onEntry) onEntry(entry, line);
    }
    return this.summary;
  }
}

export function summarizeLines(lines: readonly string[], options: ReaderOptions & { firstLine?: number } = {}): AccessLogSummary {
  return new AccessLogReader(options).feedLines(lines, options.firstLine ?? 1);
}

export async function summarizeFile(path: string, options: ReaderOptions = {}): Promise<AccessLogSummary> {
  return new AccessLogReader(options).feedStream(createReadStream(path, { highWaterMark: 1 << 20 }));
}
