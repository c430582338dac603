/**
 * Access-log files and streams read into an AccessLogReader (src/envoy/access-log/reader.ts), which
 * parses what it is given: files in 1 MiB reads, large files by a thread per idle core
 * (access-log-threads.ts), streams chunk by chunk.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { AccessLogReader, type ReaderOptions } from "../envoy/access-log/reader.js";
import type { AccessLogEntry } from "../envoy/access-log/format.js";
import type { AccessLogSummary } from "../envoy/access-log/summary.js";
import { lineAlignedRanges, summarizeRangeInThread, threadsFor, type FileRange } from "./access-log-threads.js";

export type OnEntry = (entry: AccessLogEntry, line: number) => void;

const READ_SIZE = 1 << 20;

/**
 * Reads a file (or `range` of it) in 1 MiB reads into one buffer (a line longer than the buffer grows it),
 * the same lines readAccessLogStream reads. Synchronous: nothing else runs while a file is summarised.
 */
export function readAccessLogFile(reader: AccessLogReader, path: string, onEntry?: OnEntry, range?: FileRange): AccessLogSummary {
  let buffer = Buffer.allocUnsafe(READ_SIZE);
  let filled = 0;
  let position = range?.start ?? 0;
  const end = range?.end ?? Number.POSITIVE_INFINITY;
  const fd = openSync(path, "r");
  try {
    for (;;) {
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const read = readSync(fd, buffer, filled, Math.min(buffer.length - filled, end - position), position);
      if (read === 0) break;
      position += read;
      filled += read;
      const lastNewline = buffer.lastIndexOf(10, filled - 1);
      if (lastNewline < 0) continue;
      reader.feedBytes(buffer, lastNewline + 1, onEntry);
      buffer.copy(buffer, 0, lastNewline + 1, filled);
      filled -= lastNewline + 1;
    }
  } finally {
    closeSync(fd);
  }
  return reader.finish(buffer.toString("utf8", 0, filled), onEntry);
}

/**
 * readAccessLogFile's summary of a whole file, read by a thread per core when the file is large
 * (access-log-threads.ts): this thread reads the first part while the others read the rest.
 */
export async function readAccessLogFileInParallel(reader: AccessLogReader, path: string): Promise<AccessLogSummary> {
  const stats = statSync(path);
  const threads = stats.isFile() && reader.atStart ? threadsFor(stats.size) : 1;
  if (threads === 1) return readAccessLogFile(reader, path);
  const [first, ...rest] = lineAlignedRanges(path, stats.size, threads);
  if (first === undefined) return readAccessLogFile(reader, path);
  const others = rest.map((range) => summarizeRangeInThread({ path, range, format: reader.format, containerLog: reader.containerLog }));
  readAccessLogFile(reader, path, undefined, first);
  for (const other of await Promise.all(others)) reader.summary.addFollowing(other);
  return reader.summary;
}

/** Reads a stream chunk by chunk; memory stays bounded by the chunk size and the summary. */
export async function readAccessLogStream(reader: AccessLogReader, stream: Readable, onEntry?: OnEntry): Promise<AccessLogSummary> {
  const decoder = new StringDecoder("utf8");
  let carryBytes: Buffer | undefined;
  for await (const chunk of stream) {
    if (typeof chunk === "string") {
      reader.feedText(chunk, onEntry);
      continue;
    }
    // Whole lines only, so no character is split; the tail waits for the next chunk.
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
    reader.feedBytes(bytes, lastNewline + 1, onEntry);
    if (lastNewline + 1 < bytes.length) carryBytes = bytes.subarray(lastNewline + 1);
  }
  return reader.finish(carryBytes ? decoder.write(carryBytes) + decoder.end() : decoder.end(), onEntry);
}

/** The summary of an access-log file, read by a thread per idle core when it is large. */
export async function summarizeFile(path: string, options: ReaderOptions = {}): Promise<AccessLogSummary> {
  return readAccessLogFileInParallel(new AccessLogReader(options), path);
}
