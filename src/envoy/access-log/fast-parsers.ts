/**
 * Hand-written scanners for the two formats nearly every mesh uses (Istio's
 * default TEXT format and its JSON encoding). They return exactly what the
 * generic parsers return, several times faster; anything unusual falls back
 * to the generic parsers.
 */
import { emptyEntry, parseIstioTextLine, type AccessLogEntry } from "./format.js";

function text(value: string): string {
  return value === "-" ? "" : value;
}

function integer(value: string): number | undefined {
  if (value === "-" || value === "") return undefined;
  let result = 0;
  for (let index = 0; index < value.length; index++) {
    const digit = value.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    result = result * 10 + digit;
  }
  return result;
}

/** Where the TEXT scanner is in the line it reads (one line at a time, so one cursor serves). */
let at = 0;

/** The text up to the next space, or undefined when there is none; moves past the space. */
function toSpace(line: string): string | undefined {
  const next = line.indexOf(" ", at);
  if (next < 0) return undefined;
  const value = line.slice(at, next);
  at = next + 1;
  return value;
}

/** A quoted value ending at `terminator` (`" ` or `" "`), or undefined; moves to the next field. */
function quotedTo(line: string, terminator: string): string | undefined {
  if (line.charCodeAt(at) !== 34 /* " */) return undefined;
  const next = line.indexOf(terminator, at + 1);
  if (next < 0) return undefined;
  const value = line.slice(at + 1, next);
  at = next + 2;
  return value;
}

/** Istio's default TEXT format; see ISTIO_TEXT_FORMAT. Any field that is not where the format puts it: the generic parser decides. */
export function scanIstioTextLine(line: string): AccessLogEntry | undefined {
  if (line.charCodeAt(0) !== 91 /* [ */) return undefined;
  let end = line.indexOf('] "', 1);
  if (end < 0) return undefined;
  const startTime = line.slice(1, end);
  at = end + 3;
  const method = toSpace(line);
  if (method === undefined) return parseIstioTextLine(line);
  const path = toSpace(line);
  if (path === undefined) return parseIstioTextLine(line);
  end = line.indexOf('" ', at);
  if (end < 0) return parseIstioTextLine(line);
  const protocol = line.slice(at, end);
  at = end + 2;
  const code = toSpace(line);
  if (code === undefined) return parseIstioTextLine(line);
  const flags = toSpace(line);
  if (flags === undefined) return parseIstioTextLine(line);
  const details = toSpace(line);
  if (details === undefined) return parseIstioTextLine(line);
  const termination = toSpace(line);
  if (termination === undefined) return parseIstioTextLine(line);
  const failure = quotedTo(line, '" ');
  if (failure === undefined) return parseIstioTextLine(line);
  const received = toSpace(line);
  if (received === undefined) return parseIstioTextLine(line);
  const sent = toSpace(line);
  if (sent === undefined) return parseIstioTextLine(line);
  const duration = toSpace(line);
  if (duration === undefined) return parseIstioTextLine(line);
  const serviceTime = toSpace(line);
  if (serviceTime === undefined) return parseIstioTextLine(line);
  const forwardedFor = quotedTo(line, '" "');
  if (forwardedFor === undefined) return parseIstioTextLine(line);
  const userAgent = quotedTo(line, '" "');
  if (userAgent === undefined) return parseIstioTextLine(line);
  const requestId = quotedTo(line, '" "');
  if (requestId === undefined) return parseIstioTextLine(line);
  const authority = quotedTo(line, '" "');
  if (authority === undefined) return parseIstioTextLine(line);
  const upstreamHost = quotedTo(line, '" ');
  if (upstreamHost === undefined) return parseIstioTextLine(line);
  const cluster = toSpace(line);
  if (cluster === undefined) return parseIstioTextLine(line);
  const upstreamLocal = toSpace(line);
  if (upstreamLocal === undefined) return parseIstioTextLine(line);
  const downstreamLocal = toSpace(line);
  if (downstreamLocal === undefined) return parseIstioTextLine(line);
  const downstreamRemote = toSpace(line);
  if (downstreamRemote === undefined) return parseIstioTextLine(line);
  const serverName = toSpace(line);
  if (serverName === undefined || line.indexOf(" ", at) >= 0) return parseIstioTextLine(line);
  const route = line.slice(at);
  const status = integer(code);
  const bytesReceived = integer(received);
  const bytesSent = integer(sent);
  const milliseconds = integer(duration);
  if (Number.isNaN(status) || Number.isNaN(bytesReceived) || Number.isNaN(bytesSent) || Number.isNaN(milliseconds)) return parseIstioTextLine(line);
  return {
    startTime,
    method: text(method),
    path: text(path),
    protocol: text(protocol),
    responseCode: status ?? 0,
    responseFlags: text(flags),
    responseCodeDetails: text(details),
    connectionTerminationDetails: text(termination),
    upstreamTransportFailureReason: text(failure),
    bytesReceived: bytesReceived ?? 0,
    bytesSent: bytesSent ?? 0,
    duration: milliseconds,
    upstreamServiceTime: text(serviceTime),
    xForwardedFor: text(forwardedFor),
    userAgent: text(userAgent),
    requestId: text(requestId),
    authority: text(authority),
    upstreamHost: text(upstreamHost),
    upstreamCluster: text(cluster),
    upstreamLocalAddress: text(upstreamLocal),
    downstreamLocalAddress: text(downstreamLocal),
    downstreamRemoteAddress: text(downstreamRemote),
    requestedServerName: text(serverName),
    routeName: text(route),
  };
}

/** Where the last key found ends, so the next search starts there. */
let cursor = 0;

/** The value after `"key":` in a compact JSON line: a string, a number, or undefined for null/absent. */
function jsonField(line: string, needle: string, from = 0): string | undefined | null {
  let at = line.indexOf(needle, from);
  // Envoy prints keys in order; search from the previous key and look again from the start if the order differs.
  if (at < 0 && from > 0) at = line.indexOf(needle);
  if (at < 0) return undefined;
  cursor = at + needle.length;
  let start = at + needle.length;
  while (line.charCodeAt(start) === 32) start++;
  const first = line.charCodeAt(start);
  if (first === 34) {
    const end = line.indexOf('"', start + 1);
    if (end < 0) return null;
    const value = line.slice(start + 1, end);
    // Escaped text: let JSON.parse read the line.
    return value.includes("\\") ? null : value;
  }
  if (first === 110 /* n */) return undefined;
  let end = start;
  while (end < line.length) {
    const char = line.charCodeAt(end);
    if (char === 44 || char === 125 || char === 32) break;
    end++;
  }
  return line.slice(start, end);
}

/**
 * The common case of the JSON encoding, read without JSON.parse: a successful
 * request with no response flag. Only the fields the summary groups by are
 * read; any other line (an error, a flag, escapes, BlackHoleCluster) returns
 * undefined so the caller parses it whole and keeps every field as evidence.
 */
export function scanSuccessfulJsonLine(line: string): AccessLogEntry | undefined {
  if (line.charCodeAt(line.length - 1) !== 125) return undefined;
  const duration = jsonField(line, '"duration":');
  const code = jsonField(line, '"response_code":', cursor);
  const flags = jsonField(line, '"response_flags":', cursor);
  if (typeof code !== "string" || (flags !== "-" && flags !== undefined)) return undefined;
  const status = integer(code);
  if (status === undefined || Number.isNaN(status) || status === 0 || status >= 400) return undefined;
  const cluster = jsonField(line, '"upstream_cluster":', cursor);
  const host = jsonField(line, '"upstream_host":', cursor);
  if (duration === null || cluster === null || host === null || cluster === "BlackHoleCluster") return undefined;
  const milliseconds = duration === undefined ? undefined : integer(duration);
  if (milliseconds !== undefined && Number.isNaN(milliseconds)) return undefined;
  const entry = emptyEntry();
  entry.responseCode = status;
  entry.duration = milliseconds;
  entry.upstreamCluster = cluster === undefined || cluster === "-" ? "" : cluster;
  entry.upstreamHost = host === undefined || host === "-" ? "" : host;
  return entry;
}

/** What scanPlainIstioText read from the last line it accepted: offsets into the text it was given. */
export const plainLine = { code: 0, duration: undefined as number | undefined, hostStart: 0, hostEnd: 0, clusterStart: 0, clusterEnd: 0 };

/** Moves `at` past the next space before `end`; false when there is none. */
function skipSpace(text: string, end: number): boolean {
  const next = text.indexOf(" ", at);
  if (next < 0 || next >= end) return false;
  at = next + 1;
  return true;
}

/** Moves `at` past a quoted value ending at `terminator` before `end` (as quotedTo); false when it is not there. */
function skipQuoted(text: string, end: number, terminator: string): boolean {
  if (at >= end || text.charCodeAt(at) !== 34 /* " */) return false;
  const next = text.indexOf(terminator, at + 1);
  if (next < 0 || next + terminator.length > end) return false;
  at = next + 2;
  return true;
}

/** `integer` of text[start, end): undefined for "" and "-", NaN when not digits. */
function integerAt(text: string, start: number, end: number): number | undefined {
  if (start === end || (end - start === 1 && text.charCodeAt(start) === 45 /* - */)) return undefined;
  let result = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    result = result * 10 + digit;
  }
  return result;
}

/**
 * The line of Istio's TEXT format most logs are made of, read in place (text[start, end), no line
 * break): a request answered 1xx-3xx, with no response flag, to a cluster other than BlackHoleCluster.
 * True when scanIstioTextLine would return an entry for the line with exactly the values left in
 * `plainLine` and no response flag; false for any other line, which the caller reads whole. Nothing
 * is sliced but the cluster and host the summary groups by (and those by the caller, when new).
 */
export function scanPlainIstioText(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) !== 91 /* [ */) return false;
  const time = text.indexOf('] "', start + 1);
  if (time < 0 || time + 3 > end) return false;
  at = time + 3;
  if (!skipSpace(text, end) || !skipSpace(text, end)) return false; // method, path
  const protocolEnd = text.indexOf('" ', at);
  if (protocolEnd < 0 || protocolEnd + 2 > end) return false;
  at = protocolEnd + 2;
  const codeStart = at;
  if (!skipSpace(text, end)) return false;
  const code = integerAt(text, codeStart, at - 1);
  if (code === undefined || !(code > 0 && code < 400)) return false;
  // Response flags: exactly "-".
  if (text.charCodeAt(at) !== 45 || text.charCodeAt(at + 1) !== 32 || at + 1 >= end) return false;
  at += 2;
  if (!skipSpace(text, end) || !skipSpace(text, end)) return false; // details, termination
  if (!skipQuoted(text, end, '" ')) return false; // transport failure
  for (let field = 0; field < 2; field++) {
    const fieldStart = at;
    if (!skipSpace(text, end) || Number.isNaN(integerAt(text, fieldStart, at - 1))) return false; // bytes received, sent
  }
  const durationStart = at;
  if (!skipSpace(text, end)) return false;
  const duration = integerAt(text, durationStart, at - 1);
  if (Number.isNaN(duration)) return false;
  if (!skipSpace(text, end)) return false; // upstream service time
  for (let field = 0; field < 4; field++) if (!skipQuoted(text, end, '" "')) return false; // forwarded-for, user agent, request id, authority
  const hostStart = at + 1;
  if (!skipQuoted(text, end, '" ')) return false;
  const hostEnd = at - 2;
  const clusterStart = at;
  if (!skipSpace(text, end)) return false;
  const clusterEnd = at - 1;
  for (let field = 0; field < 4; field++) if (!skipSpace(text, end)) return false; // upstream local, downstream local and remote, SNI
  const space = text.indexOf(" ", at);
  if (space >= 0 && space < end) return false; // the route name is the last field
  if (clusterEnd - clusterStart === 16 && text.startsWith("BlackHoleCluster", clusterStart)) return false;
  plainLine.code = code;
  plainLine.duration = duration;
  plainLine.hostStart = hostStart;
  plainLine.hostEnd = hostEnd;
  plainLine.clusterStart = clusterStart;
  plainLine.clusterEnd = clusterEnd;
  return true;
}
