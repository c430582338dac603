/**
 * Access-log formats: Istio's default TEXT format, its JSON encoding, and any
 * Envoy format string (meshConfig.accessLogFormat) compiled into a line parser.
 */

/** Istio's default TEXT format (meshConfig.accessLogEncoding TEXT, Istio 1.9 onwards). */
export const ISTIO_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" ' +
  '"%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% ' +
  "%DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n";

/** One request (or TCP connection) as the proxy logged it. Absent values are "" (Envoy prints `-`). */
export interface AccessLogEntry {
  startTime: string;
  method: string;
  path: string;
  protocol: string;
  responseCode: number;
  responseFlags: string;
  responseCodeDetails: string;
  connectionTerminationDetails: string;
  upstreamTransportFailureReason: string;
  bytesReceived: number;
  bytesSent: number;
  /** Milliseconds; undefined when not logged. */
  duration: number | undefined;
  upstreamServiceTime: string;
  xForwardedFor: string;
  userAgent: string;
  requestId: string;
  authority: string;
  upstreamHost: string;
  upstreamCluster: string;
  upstreamLocalAddress: string;
  downstreamLocalAddress: string;
  downstreamRemoteAddress: string;
  requestedServerName: string;
  routeName: string;
}

type EntryField = keyof AccessLogEntry;
const NUMERIC_FIELDS = new Set<EntryField>(["responseCode", "bytesReceived", "bytesSent", "duration"]);

/** Envoy command operators (with their argument) -> entry fields. */
const OPERATOR_FIELDS: Record<string, EntryField> = {
  START_TIME: "startTime",
  "REQ(:METHOD)": "method",
  "REQ(X-ENVOY-ORIGINAL-PATH?:PATH)": "path",
  "REQ(:PATH)": "path",
  "REQ_WITHOUT_QUERY(X-ENVOY-ORIGINAL-PATH?:PATH)": "path",
  "REQ_WITHOUT_QUERY(:PATH)": "path",
  PROTOCOL: "protocol",
  RESPONSE_CODE: "responseCode",
  RESPONSE_FLAGS: "responseFlags",
  RESPONSE_FLAGS_LONG: "responseFlags",
  RESPONSE_CODE_DETAILS: "responseCodeDetails",
  CONNECTION_TERMINATION_DETAILS: "connectionTerminationDetails",
  UPSTREAM_TRANSPORT_FAILURE_REASON: "upstreamTransportFailureReason",
  BYTES_RECEIVED: "bytesReceived",
  BYTES_SENT: "bytesSent",
  DURATION: "duration",
  "RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)": "upstreamServiceTime",
  "REQ(X-FORWARDED-FOR)": "xForwardedFor",
  "REQ(USER-AGENT)": "userAgent",
  "REQ(X-REQUEST-ID)": "requestId",
  "REQ(:AUTHORITY)": "authority",
  UPSTREAM_HOST: "upstreamHost",
  UPSTREAM_CLUSTER: "upstreamCluster",
  UPSTREAM_CLUSTER_RAW: "upstreamCluster",
  UPSTREAM_LOCAL_ADDRESS: "upstreamLocalAddress",
  DOWNSTREAM_LOCAL_ADDRESS: "downstreamLocalAddress",
  DOWNSTREAM_REMOTE_ADDRESS: "downstreamRemoteAddress",
  REQUESTED_SERVER_NAME: "requestedServerName",
  ROUTE_NAME: "routeName",
};

/** Keys of Istio's JSON encoding (and common custom label names) -> entry fields. */
export const JSON_KEY_FIELDS: Record<string, EntryField> = {
  start_time: "startTime",
  method: "method",
  path: "path",
  protocol: "protocol",
  response_code: "responseCode",
  response_flags: "responseFlags",
  response_code_details: "responseCodeDetails",
  connection_termination_details: "connectionTerminationDetails",
  upstream_transport_failure_reason: "upstreamTransportFailureReason",
  bytes_received: "bytesReceived",
  bytes_sent: "bytesSent",
  duration: "duration",
  upstream_service_time: "upstreamServiceTime",
  x_forwarded_for: "xForwardedFor",
  user_agent: "userAgent",
  request_id: "requestId",
  authority: "authority",
  upstream_host: "upstreamHost",
  upstream_cluster: "upstreamCluster",
  upstream_local_address: "upstreamLocalAddress",
  downstream_local_address: "downstreamLocalAddress",
  downstream_remote_address: "downstreamRemoteAddress",
  requested_server_name: "requestedServerName",
  route_name: "routeName",
};

export function emptyEntry(): AccessLogEntry {
  return {
    startTime: "",
    method: "",
    path: "",
    protocol: "",
    responseCode: 0,
    responseFlags: "",
    responseCodeDetails: "",
    connectionTerminationDetails: "",
    upstreamTransportFailureReason: "",
    bytesReceived: 0,
    bytesSent: 0,
    duration: undefined,
    upstreamServiceTime: "",
    xForwardedFor: "",
    userAgent: "",
    requestId: "",
    authority: "",
    upstreamHost: "",
    upstreamCluster: "",
    upstreamLocalAddress: "",
    downstreamLocalAddress: "",
    downstreamRemoteAddress: "",
    requestedServerName: "",
    routeName: "",
  };
}

export type LineParser = (line: string) => AccessLogEntry | undefined;

export class FormatError extends Error {}

interface Token {
  literal?: string;
  operator?: string;
}

/** Splits an Envoy format string into literals and `%OPERATOR(arg):len%` operators. */
function tokenize(format: string): Token[] {
  const tokens: Token[] = [];
  let literal = "";
  let index = 0;
  while (index < format.length) {
    const char = format[index]!;
    if (char !== "%") {
      literal += char;
      index++;
      continue;
    }
    if (format[index + 1] === "%") {
      literal += "%";
      index += 2;
      continue;
    }
    const nameMatch = /^[A-Z_][A-Z0-9_]*/.exec(format.slice(index + 1));
    if (!nameMatch) {
      literal += char;
      index++;
      continue;
    }
    let cursor = index + 1 + nameMatch[0].length;
    let operator = nameMatch[0];
    if (format[cursor] === "(") {
      const close = format.indexOf(")", cursor);
      if (close < 0) throw new FormatError(`unclosed "(" in format operator %${operator} at character ${index + 1}`);
      const argument = format.slice(cursor, close + 1);
      if (operator !== "START_TIME") operator += argument;
      cursor = close + 1;
    }
    if (format[cursor] === ":") {
      const length = /^:\d+/.exec(format.slice(cursor));
      if (length) cursor += length[0].length;
    }
    if (format[cursor] !== "%") throw new FormatError(`format operator %${nameMatch[0]} at character ${index + 1} is not closed with "%"`);
    if (literal) tokens.push({ literal });
    literal = "";
    tokens.push({ operator });
    index = cursor + 1;
  }
  if (literal) tokens.push({ literal });
  return tokens;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Compiles a format string into a parser. Each operator captures up to the
 * next literal character; the last one takes the rest of the line.
 */
export function compileFormat(format: string): LineParser {
  const trimmed = format.replace(/\r?\n$/, "");
  const tokens = tokenize(trimmed);
  let pattern = "^";
  const fields: Array<EntryField | undefined> = [];
  tokens.forEach((token, position) => {
    if (token.literal !== undefined) {
      pattern += escapeRegex(token.literal);
      return;
    }
    const next = tokens[position + 1];
    const stop = next?.literal?.[0];
    pattern += stop === undefined ? "(.*)" : `([^${escapeRegex(stop)}]*)`;
    fields.push(OPERATOR_FIELDS[token.operator!]);
  });
  const regex = new RegExp(pattern + "$");
  const count = fields.length;
  return (line: string) => {
    const match = regex.exec(line);
    if (!match) return undefined;
    const entry = emptyEntry();
    for (let group = 0; group < count; group++) {
      const name = fields[group];
      if (name === undefined) continue;
      const value = match[group + 1]!;
      if (NUMERIC_FIELDS.has(name)) {
        if (value !== "-" && value !== "") (entry as unknown as Record<string, number>)[name] = Number(value);
      } else if (value !== "-") {
        (entry as unknown as Record<string, string>)[name] = value;
      }
    }
    return entry;
  };
}

/** One line of Istio's JSON encoding (or any JSON with its keys); undefined when it is not such a line. */
export function parseJsonLine(line: string): AccessLogEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  if (!("response_code" in record) && !("response_flags" in record) && !("upstream_cluster" in record)) return undefined;
  return {
    startTime: stringValue(record.start_time),
    method: stringValue(record.method),
    path: stringValue(record.path),
    protocol: stringValue(record.protocol),
    responseCode: numberValue(record.response_code) ?? 0,
    responseFlags: stringValue(record.response_flags),
    responseCodeDetails: stringValue(record.response_code_details),
    connectionTerminationDetails: stringValue(record.connection_termination_details),
    upstreamTransportFailureReason: stringValue(record.upstream_transport_failure_reason),
    bytesReceived: numberValue(record.bytes_received) ?? 0,
    bytesSent: numberValue(record.bytes_sent) ?? 0,
    duration: numberValue(record.duration),
    upstreamServiceTime: stringValue(record.upstream_service_time),
    xForwardedFor: stringValue(record.x_forwarded_for),
    userAgent: stringValue(record.user_agent),
    requestId: stringValue(record.request_id),
    authority: stringValue(record.authority),
    upstreamHost: stringValue(record.upstream_host),
    upstreamCluster: stringValue(record.upstream_cluster),
    upstreamLocalAddress: stringValue(record.upstream_local_address),
    downstreamLocalAddress: stringValue(record.downstream_local_address),
    downstreamRemoteAddress: stringValue(record.downstream_remote_address),
    requestedServerName: stringValue(record.requested_server_name),
    routeName: stringValue(record.route_name),
  };
}

function stringValue(value: unknown): string {
  if (value === null || value === undefined || value === "-") return "";
  return typeof value === "string" ? value : String(value);
}

function numberValue(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value === "" || value === "-") return undefined;
  const number = Number(value);
  return Number.isNaN(number) ? undefined : number;
}

let istioTextParser: LineParser | undefined;

/** A line in Istio's default TEXT format; the format is compiled on the first line, not when the module loads. */
export const parseIstioTextLine: LineParser = (line) => (istioTextParser ??= compileFormat(ISTIO_TEXT_FORMAT))(line);
