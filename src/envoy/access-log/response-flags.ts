import type { Category } from "../../model/categories.js";

/** Envoy response flags (`%RESPONSE_FLAGS%`), their long names and what they mean. */
export interface ResponseFlag {
  code: string;
  longName: string;
  meaning: string;
  /** The status Envoy usually returns with it, when there is one. */
  status?: number;
  /** The ktriage category a request with this flag points at, when one fits. */
  category?: Category;
}

export const RESPONSE_FLAGS: readonly ResponseFlag[] = [
  { code: "UH", longName: "NoHealthyUpstream", status: 503, category: "no-healthy-upstream", meaning: "no healthy upstream hosts in the upstream cluster" },
  { code: "UF", longName: "UpstreamConnectionFailure", status: 503, category: "upstream-connection-failure", meaning: "upstream connection failure" },
  { code: "UO", longName: "UpstreamOverflow", status: 503, meaning: "upstream overflow (circuit breaking)" },
  { code: "NR", longName: "NoRouteFound", status: 404, category: "no-route", meaning: "no route configured for the request, or no matching filter chain for a downstream connection" },
  { code: "URX", longName: "UpstreamRetryLimitExceeded", category: "upstream-connection-failure", meaning: "rejected because the upstream retry limit (HTTP) or maximum connect attempts (TCP) was reached" },
  { code: "NC", longName: "NoClusterFound", category: "missing-cluster", meaning: "upstream cluster not found" },
  { code: "DT", longName: "DurationTimeout", meaning: "request or connection exceeded max_connection_duration or max_downstream_connection_duration" },
  { code: "DC", longName: "DownstreamConnectionTermination", category: "downstream-disconnect", meaning: "downstream connection termination" },
  { code: "LH", longName: "FailedLocalHealthCheck", status: 503, meaning: "local service failed health check request" },
  { code: "UT", longName: "UpstreamRequestTimeout", status: 504, category: "upstream-timeout", meaning: "upstream request timeout" },
  { code: "LR", longName: "LocalReset", status: 503, meaning: "connection local reset (local codec-level reset sent on the stream)" },
  { code: "UR", longName: "UpstreamRemoteReset", status: 503, category: "upstream-connection-failure", meaning: "upstream remote reset (remote codec-level reset received)" },
  { code: "UC", longName: "UpstreamConnectionTermination", status: 503, category: "upstream-connection-failure", meaning: "upstream connection termination (stream locally reset due to connection termination)" },
  { code: "DI", longName: "DelayInjected", meaning: "request processing was delayed by fault injection" },
  { code: "FI", longName: "FaultInjected", meaning: "request was aborted with a response code by fault injection" },
  { code: "RL", longName: "RateLimited", status: 429, meaning: "request was rate limited locally by the HTTP rate limit filter" },
  { code: "UAEX", longName: "UnauthorizedExternalService", category: "rbac-or-authn-denied", meaning: "request was denied by the external authorization service" },
  { code: "RLSE", longName: "RateLimitServiceError", meaning: "request rejected because of an error in the rate limit service" },
  { code: "IH", longName: "InvalidEnvoyRequestHeaders", status: 400, meaning: "request set an invalid value for a strictly-checked x-envoy-* header" },
  { code: "SI", longName: "StreamIdleTimeout", status: 408, meaning: "stream idle timeout" },
  { code: "DPE", longName: "DownstreamProtocolError", meaning: "downstream request had an HTTP protocol error" },
  { code: "UPE", longName: "UpstreamProtocolError", meaning: "upstream response had an HTTP protocol error" },
  { code: "UMSDR", longName: "UpstreamMaxStreamDurationReached", meaning: "upstream request reached max stream duration" },
  { code: "OM", longName: "OverloadManagerTerminated", meaning: "Overload Manager terminated the request" },
  { code: "DF", longName: "DnsResolutionFailed", meaning: "request terminated due to DNS resolution failure" },
  { code: "RFCF", longName: "ResponseFromCacheFilter", meaning: "response was served from an Envoy cache filter" },
  { code: "NFCF", longName: "NoFilterConfigFound", meaning: "filter config was not received within the permitted warming deadline (ECDS)" },
  { code: "DO", longName: "DropOverload", status: 503, meaning: "request dropped by the cluster's drop_overload configuration" },
  { code: "DR", longName: "DownstreamRemoteReset", category: "downstream-disconnect", meaning: "downstream remote codec-level reset was received on the stream (e.g. HTTP/2 RST_STREAM from the client)" },
  { code: "UDO", longName: "UnconditionalDropOverload", status: 503, meaning: "all traffic dropped because drop_overload is set to 100%" },
];

const BY_CODE = new Map(RESPONSE_FLAGS.map((flag) => [flag.code, flag]));
const BY_LONG_NAME = new Map(RESPONSE_FLAGS.map((flag) => [flag.longName, flag]));
/** Longest codes first, to split old-style concatenated flags such as `UFURX`. */
const CODES_BY_LENGTH = [...BY_CODE.keys()].sort((a, b) => b.length - a.length);

export function responseFlag(code: string): ResponseFlag | undefined {
  return BY_CODE.get(code) ?? BY_LONG_NAME.get(code);
}

const splitCache = new Map<string, string[]>();

/** `UF,URX`, `UFURX`, `-` or long names (`%RESPONSE_FLAGS_LONG%`) -> short codes. */
export function splitResponseFlags(value: string): string[] {
  if (value === "-" || value === "" || value === "null") return [];
  const cached = splitCache.get(value);
  if (cached) return cached;
  const codes: string[] = [];
  for (const token of value.split(",")) {
    const direct = BY_CODE.get(token) ?? BY_LONG_NAME.get(token);
    if (direct) {
      codes.push(direct.code);
      continue;
    }
    let rest = token;
    while (rest.length > 0) {
      const code = CODES_BY_LENGTH.find((candidate) => rest.startsWith(candidate));
      if (!code) {
        codes.push(rest);
        break;
      }
      codes.push(code);
      rest = rest.slice(code.length);
    }
  }
  if (splitCache.size < 1024) splitCache.set(value, codes);
  return codes;
}
