/**
 * scanPlainIstioText on bytes: the plain line of Istio's TEXT format (a request answered 1xx-3xx, no
 * response flag, a cluster other than BlackHoleCluster) read in an ASCII buffer without decoding it.
 * It accepts exactly the lines scanPlainIstioText accepts and finds the same offsets; the caller
 * decodes only the cluster and host it groups by, and only when they are new.
 */

const SPACE = 32;
const QUOTE = 34;
const DASH = 45;
const CARRIAGE_RETURN = 13;

/** What scanPlainBytes read from the last line it accepted: byte offsets into the buffer it was given. */
export const plainBytes = { code: 0, duration: undefined as number | undefined, hostStart: 0, hostEnd: 0, clusterStart: 0, clusterEnd: 0 };

/** The offset of the first space in bytes[from, end), or -1. */
function nextSpace(bytes: Uint8Array, from: number, end: number): number {
  for (let index = from; index < end; index++) if (bytes[index] === SPACE) return index;
  return -1;
}

/** The offset of the first `" ` (`" "` when `thenQuote`) that ends before `end`, searched from `from`; -1 when there is none. */
function closingQuote(bytes: Uint8Array, from: number, end: number, thenQuote: boolean): number {
  const last = end - (thenQuote ? 3 : 2);
  for (let index = from; index <= last; index++) {
    if (bytes[index] === QUOTE && bytes[index + 1] === SPACE && (!thenQuote || bytes[index + 2] === QUOTE)) return index;
  }
  return -1;
}

/** bytes[start, end) as a number: undefined for "" and "-", NaN when not digits. */
function integerAt(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (start === end || (end - start === 1 && bytes[start] === DASH)) return undefined;
  let result = 0;
  for (let index = start; index < end; index++) {
    const digit = bytes[index]! - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    result = result * 10 + digit;
  }
  return result;
}

const BLACK_HOLE = Buffer.from("BlackHoleCluster");

function isBlackHole(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== BLACK_HOLE.length) return false;
  for (let index = 0; index < BLACK_HOLE.length; index++) if (bytes[start + index] !== BLACK_HOLE[index]) return false;
  return true;
}

/**
 * The line bytes[start, lineEnd) (lineEnd: its line break). True when it is a plain line (see the file
 * comment), with its values in `plainBytes`; false for any other line, which the caller reads whole.
 */
export function scanPlainBytes(bytes: Uint8Array, start: number, lineEnd: number): boolean {
  if (bytes[start] !== 91 /* [ */) return false;
  const end = bytes[lineEnd - 1] === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
  // The start time, up to `] "`; then the method and the path, up to a space each.
  let at = -1;
  for (let index = start + 1; index + 3 <= end; index++) {
    if (bytes[index] === 93 /* ] */ && bytes[index + 1] === SPACE && bytes[index + 2] === QUOTE) {
      at = index + 3;
      break;
    }
  }
  if (at < 0) return false;
  let space = nextSpace(bytes, at, end);
  if (space < 0 || (space = nextSpace(bytes, space + 1, end)) < 0) return false;
  // The protocol, up to `" `; the response code.
  const protocolEnd = closingQuote(bytes, space + 1, end, false);
  if (protocolEnd < 0) return false;
  const codeStart = protocolEnd + 2;
  space = nextSpace(bytes, codeStart, end);
  if (space < 0) return false;
  const code = integerAt(bytes, codeStart, space);
  if (code === undefined || !(code > 0 && code < 400)) return false;
  // Response flags: exactly "-". Then the details and the termination details.
  at = space + 1;
  if (bytes[at] !== DASH || bytes[at + 1] !== SPACE || at + 1 >= end) return false;
  if ((space = nextSpace(bytes, at + 2, end)) < 0 || (space = nextSpace(bytes, space + 1, end)) < 0) return false;
  // The transport failure, quoted.
  at = space + 1;
  if (at >= end || bytes[at] !== QUOTE) return false;
  const failureEnd = closingQuote(bytes, at + 1, end, false);
  if (failureEnd < 0) return false;
  at = failureEnd + 2;
  // Bytes received and sent, the duration, the upstream service time.
  for (let field = 0; field < 2; field++) {
    space = nextSpace(bytes, at, end);
    if (space < 0 || Number.isNaN(integerAt(bytes, at, space))) return false;
    at = space + 1;
  }
  space = nextSpace(bytes, at, end);
  if (space < 0) return false;
  const duration = integerAt(bytes, at, space);
  if (Number.isNaN(duration) || (space = nextSpace(bytes, space + 1, end)) < 0) return false;
  // Forwarded-for, user agent, request id and authority, quoted; then the upstream host.
  at = space + 1;
  for (let field = 0; field < 4; field++) {
    if (at >= end || bytes[at] !== QUOTE) return false;
    const valueEnd = closingQuote(bytes, at + 1, end, true);
    if (valueEnd < 0) return false;
    at = valueEnd + 2;
  }
  if (at >= end || bytes[at] !== QUOTE) return false;
  const hostStart = at + 1;
  const hostEnd = closingQuote(bytes, hostStart, end, false);
  if (hostEnd < 0) return false;
  // The cluster, the upstream local, downstream local and remote addresses, the SNI; the route name is the last field.
  const clusterStart = hostEnd + 2;
  const clusterEnd = nextSpace(bytes, clusterStart, end);
  if (clusterEnd < 0) return false;
  at = clusterEnd + 1;
  for (let field = 0; field < 4; field++) {
    space = nextSpace(bytes, at, end);
    if (space < 0) return false;
    at = space + 1;
  }
  if (nextSpace(bytes, at, end) >= 0 || isBlackHole(bytes, clusterStart, clusterEnd)) return false;
  plainBytes.code = code;
  plainBytes.duration = duration;
  plainBytes.hostStart = hostStart;
  plainBytes.hostEnd = hostEnd;
  plainBytes.clusterStart = clusterStart;
  plainBytes.clusterEnd = clusterEnd;
  return true;
}
