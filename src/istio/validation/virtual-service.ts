/**
 * What Istio's validation rejects or warns about in a VirtualService
 * (https://istio.io/latest/docs/reference/config/networking/virtual-service/).
 * Unreachable and ineffective rules (IST0130/IST0131) are istio/virtualservice-unreachable-rule.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { checkExportTo, durationProblem, type FieldPath, fqdnProblem, ipSubnetProblem, isDnsLabel, isIpAddress, labelsProblems, Messages, percentageProblem, portProblem, type Spec, subsetNameProblem, wildcardDomainProblem } from "./common.js";
import { headerValueProblem } from "./header-value.js";
import { regexProblem } from "./regexp.js";

const RETRY_ON = new Set([
  "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers", "envoy-ratelimited",
  "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
]);
const GRPC_STATUS = new Set(["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]);

const present = (value: unknown): boolean => value !== undefined && value !== null;
const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0;
const str = (value: unknown): string => (typeof value === "string" ? value : "");

export function validateVirtualService(spec: Spec, namespace: string): Messages {
  const out = new Messages();
  const hosts = arrayOf<unknown>(spec.hosts).filter((host): host is string => typeof host === "string");
  const gateways = arrayOf<unknown>(spec.gateways).filter((gateway): gateway is string => typeof gateway === "string");
  const http = arrayOf<unknown>(spec.http);
  const tls = arrayOf<unknown>(spec.tls);
  const tcp = arrayOf<unknown>(spec.tcp);
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) out.error(["spec", "gateways"], "delegate virtual service must have no gateways specified");
    if (tls.length > 0) out.error(["spec", "tls"], "delegate virtual service must have no tls route specified");
    if (tcp.length > 0) out.error(["spec", "tcp"], "delegate virtual service must have no tcp route specified");
  }
  const appliesToGateway = gateways.length > 0 && !gateways.includes("mesh");
  const appliesToMesh = !appliesToGateway;
  if (gateways.length > 0) gatewayNames(out, gateways, ["spec", "gateways"]);
  if (!appliesToGateway) jwtClaimRoutesOnMesh(out, http, gateways);

  let allHostsValid = true;
  const sni = tls.some((route) => arrayOf<Spec>(recordOf(route)?.match).some((match) => nonEmpty(recordOf(match)?.sniHosts)));
  hosts.forEach((host, index) => {
    const problem = appliesToGateway ? gatewayBoundHostProblem(host, sni) : wildcardDomainProblem(host);
    if (problem) {
      if (!isIpAddress(host)) {
        out.error(["spec", "hosts", index], problem);
        allHostsValid = false;
      }
    } else if (appliesToMesh && host === "*") {
      out.error(["spec", "hosts", index], "wildcard host * is not allowed for virtual services bound to the mesh gateway");
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostMatches(hosts[i]!, hosts[j]!)) out.error(["spec", "hosts", j], `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
      }
    }
  }
  if (http.length === 0 && tcp.length === 0 && tls.length === 0) out.error(["spec"], "http, tcp or tls must be provided in virtual service");
  http.forEach((route, index) => {
    const record = recordOf(route);
    if (!record) out.error(["spec", "http", index], "http route may not be null");
    else httpRoute(out, record, ["spec", "http", index], delegate);
  });
  tls.forEach((route, index) => {
    const record = recordOf(route);
    // Istio reads a VirtualService that does not name the mesh gateway as bound to gateways here.
    if (record) tlsRoute(out, record, ["spec", "tls", index], !gateways.includes("mesh"), hosts);
  });
  tcp.forEach((route, index) => {
    const record = recordOf(route);
    if (record) tcpRoute(out, record, ["spec", "tcp", index]);
  });
  checkExportTo(out, spec, namespace);
  return out;
}

/** Istio's host.Name.Matches: equal, or one a wildcard that covers the other. */
function hostMatches(a: string, b: string): boolean {
  if (a === b) return true;
  const covers = (wild: string, other: string) => wild.startsWith("*") && (wild === "*" || other.endsWith(wild.slice(1)) || (other.startsWith("*") && other.slice(1).endsWith(wild.slice(1))));
  return covers(a, b) || covers(b, a);
}

/** Istio's ValidateWildcardDomainForVirtualServiceBoundToGateway: with SNI, the `outbound_.<port>_._.<host>` names AUTO_PASSTHROUGH generates are allowed. */
function gatewayBoundHostProblem(host: string, sni: boolean): string | undefined {
  if (!sni || !host.startsWith("outbound_")) return wildcardDomainProblem(host);
  if (host.length > 255) return `domain name "${host}" too long (max 255)`;
  const parts = host.split("_");
  const format = "outbound_.<PORT>_._.<HOSTNAME>";
  if (parts.length < 4) return `domain name ${host} invalid, should follow '${format}' format`;
  const trim = (value: string) => value.replace(/^\.+|\.+$/g, "");
  const [direction, port, name] = [parts[0]!, trim(parts[1]!), trim(parts[3]!)];
  if (direction !== "outbound") return `domain name "${host}" invalid (label "${direction}" invalid)`;
  if (!/[0-9]/.test(port)) return `domain name "${host}" invalid (label "${port}" invalid). should follow ${format} format`;
  if (!/[a-zA-Z]/.test(name)) return `domain name "${host}" invalid (label "${name}" invalid). should follow ${format} format`;
  return undefined;
}

/** Istio's host.Name.SubsetOf. */
function hostSubsetOf(name: string, other: string): boolean {
  const [nameWild, otherWild] = [name.startsWith("*"), other.startsWith("*")];
  if (nameWild) return otherWild && name.length >= other.length && name.slice(1).endsWith(other.slice(1));
  return otherWild ? name.endsWith(other.slice(1)) : name === other;
}

/** Routing on JWT claims (`@request.auth.claims.*` headers) happens only at gateways. */
function jwtClaimRoutesOnMesh(out: Messages, http: unknown[], gateways: string[]): void {
  http.forEach((route, index) => {
    arrayOf<unknown>(recordOf(route)?.match).forEach((entry, matchIndex) => {
      for (const field of ["headers", "withoutHeaders"]) {
        for (const key of Object.keys(recordOf(recordOf(entry)?.[field]) ?? {})) {
          if (isJwtClaimHeader(key)) out.error(["spec", "http", index, "match", matchIndex, field, key], `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(" ")}]`);
        }
      }
    });
  });
}

function isJwtClaimHeader(name: string): boolean {
  if (!name.toLowerCase().startsWith("@request.auth.claims")) return false;
  const rest = name.slice("@request.auth.claims".length);
  return (rest.startsWith(".") && rest.length > 1) || (rest.startsWith("[") && rest.endsWith("]") && rest.length > 2);
}

/** Gateway names up to the first without a `/`, as Istio reads them; warnings are dropped where Istio drops them (HTTP and TCP matches). */
function gatewayNames(out: Messages, names: string[], path: FieldPath, warn = true): void {
  for (const [index, name] of names.entries()) {
    const slash = name.indexOf("/");
    if (slash < 0) {
      if (name.includes(".") && warn) {
        const parts = name.split(".");
        out.warning([...path, index], `using legacy gatewayName format "${name}"; prefer the <namespace>/<name> format: "${parts[1]}/${parts[0]}"`);
      }
      const problem = fqdnProblem(name);
      if (problem) out.error([...path, index], problem);
      return;
    }
    const [namespace, gateway] = [name.slice(0, slash), name.slice(slash + 1)];
    if (namespace === "" || gateway === "") out.error([...path, index], "config namespace and gateway name cannot be empty");
    if (!isDnsLabel(namespace)) out.error([...path, index], `invalid value for namespace: "${namespace}"`);
    if (!isDnsLabel(gateway)) out.error([...path, index], `invalid value for gateway name: "${gateway}"`);
  }
}

function httpRoute(out: Messages, route: Spec, path: FieldPath, delegateService: boolean): void {
  const redirect = recordOf(route.redirect);
  const directResponse = recordOf(route.directResponse);
  const destinations = arrayOf<unknown>(route.route);
  const root = !delegateService && present(route.delegate);
  if (root) {
    if (redirect) out.error([...path, "redirect"], `root HTTP route ${str(route.name)} must not specify redirect`);
    if (present(route.route)) out.error([...path, "route"], `root HTTP route ${str(route.name)} must not specify route`);
  } else {
    if (delegateService && present(route.delegate)) out.error([...path, "delegate"], "delegate HTTP route cannot contain delegate");
    if (redirect) {
      if (destinations.length > 0) out.error([...path, "route"], "HTTP route cannot contain both route and redirect");
      if (present(route.fault)) out.error([...path, "fault"], "HTTP route cannot contain both fault and redirect");
      if (present(route.rewrite)) out.error([...path, "rewrite"], "HTTP route rule cannot contain both rewrite and redirect");
      if (directResponse) out.error([...path, "directResponse"], "HTTP route rule cannot contain both direct_response and redirect");
    } else if (directResponse) {
      if (destinations.length > 0) out.error([...path, "route"], "HTTP route cannot contain both route and direct_response");
      if (present(route.fault)) out.error([...path, "fault"], "HTTP route cannot contain both fault and direct_response");
      if (present(route.rewrite)) out.error([...path, "rewrite"], "HTTP route rule cannot contain both rewrite and direct_response");
    } else if (destinations.length === 0) {
      out.error(path, "HTTP route, redirect or direct_response is required");
    }
    if (present(route.mirror) && nonEmpty(route.mirrors)) out.error([...path, "mirrors"], "HTTP route cannot contain both mirror and mirrors");
  }
  httpMatches(out, route, path);
  headerOperations(out, recordOf(route.headers), [...path, "headers"]);
  corsPolicy(out, recordOf(route.corsPolicy), [...path, "corsPolicy"]);
  fault(out, recordOf(route.fault), [...path, "fault"]);
  const mirrorPercent = route.mirrorPercent ?? route.mirror_percent;
  if (present(mirrorPercent)) {
    if (typeof mirrorPercent === "number" && mirrorPercent > 100) out.error([...path, "mirrorPercent"], `mirror_percent must have a max value of 100 (it has ${mirrorPercent})`);
  }
  const mirrorPercentage = recordOf(route.mirrorPercentage)?.value;
  if (typeof mirrorPercentage === "number") {
    if (mirrorPercentage > 100) out.error([...path, "mirrorPercentage"], `mirror_percentage must have a max value of 100 (it has ${mirrorPercentage})`);
    if (mirrorPercentage < 0) out.error([...path, "mirrorPercentage"], `mirror_percentage must have a min value of 0 (it has ${mirrorPercentage})`);
  }
  destination(out, recordOf(route.mirror), [...path, "mirror"]);
  arrayOf<unknown>(route.mirrors).forEach((mirror, index) => {
    const record = recordOf(mirror);
    const at = [...path, "mirrors", index];
    if (!record) return out.error(at, "mirror cannot be null");
    if (!recordOf(record.destination)) return out.error(at, "destination is required for mirrors");
    destination(out, recordOf(record.destination), [...at, "destination"]);
    const value = recordOf(record.percentage)?.value;
    if (typeof value === "number" && (value > 100 || value < 0)) out.error([...at, "percentage"], `mirror percentage must have a ${value > 100 ? "max value of 100" : "min value of 0"} (it has ${value})`);
  });
  if (redirect) redirectProblems(out, redirect, arrayOf<Spec>(route.match), [...path, "redirect"]);
  if (directResponse) {
    const body = recordOf(directResponse.body);
    const size = typeof body?.string === "string" ? Buffer.byteLength(body.string) : typeof body?.bytes === "string" ? Math.floor((body.bytes.length * 3) / 4) : 0;
    if (size > 1024 * 1024) out.error([...path, "directResponse", "body"], "large direct_responses may impact control plane performance, must be less than 1MB");
    const status = directResponse.status;
    const code = typeof status === "number" ? status : 0;
    if (code < 200 || code > 600) out.error([...path, "directResponse", "status"], `HTTP status ${code} is not in range 200-599`);
  }
  retries(out, recordOf(route.retries), [...path, "retries"]);
  rewrite(out, recordOf(route.rewrite), [...path, "rewrite"]);
  authorityRewrite(out, recordOf(route.rewrite), recordOf(route.headers), [...path, "headers"]);
  routeDestinations(out, destinations, [...path, "route"], true);
  const timeout = durationProblem(route.timeout);
  if (timeout) out.error([...path, "timeout"], timeout);
}

function stringMatchProblem(match: unknown, where: string): string | undefined {
  const record = recordOf(match);
  if (!record) return undefined;
  // A URI may match an empty prefix (Envoy allows it there only).
  if ("prefix" in record && str(record.prefix) === "" && where !== "uri") return `"${where}": prefix string match should not be empty`;
  if ("regex" in record) {
    const regex = str(record.regex);
    if (regex === "") return `"${where}": regex string match should not be empty`;
    return regexProblem(regex, where);
  }
  return undefined;
}

const HEADER_NAME = /^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/;
const PSEUDO_HEADERS = new Set([":method", ":scheme", ":authority", ":path", ":status"]);

/** A header a route matches on: a token, a pseudo header, or a JWT claim (`@request.auth.claims.group`). */
function headerNameProblem(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  const lower = name.toLowerCase();
  if (lower.startsWith("@request.auth.claims")) {
    const rest = name.slice("@request.auth.claims".length);
    if ((rest.startsWith(".") && rest.length > 1) || (rest.startsWith("[") && rest.endsWith("]") && rest.length > 2)) return undefined;
  }
  if (PSEUDO_HEADERS.has(name)) return undefined;
  return HEADER_NAME.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

function httpMatches(out: Messages, route: Spec, path: FieldPath): void {
  arrayOf<unknown>(route.match).forEach((entry, index) => {
    const match = recordOf(entry);
    if (!match) return;
    const at = [...path, "match", index];
    for (const [field, where] of [["headers", "headers"], ["withoutHeaders", "withoutHeaders"]] as const) {
      for (const [name, value] of Object.entries(recordOf(match[field]) ?? {})) {
        if (value === null && field === "headers") out.error([...at, field, name], `header match ${name} cannot be null`);
        const problem = headerNameProblem(name);
        if (problem) out.error([...at, field, name], problem);
        if (field === "withoutHeaders" && recordOf(value)?.regex === "*") continue;
        const matchProblem = stringMatchProblem(value, where);
        if (matchProblem) out.error([...at, field, name], matchProblem);
      }
    }
    for (const field of ["uri", "scheme", "method", "authority"]) {
      const problem = stringMatchProblem(match[field], field);
      if (problem) out.error([...at, field], problem);
    }
    for (const [name, value] of Object.entries(recordOf(match.queryParams) ?? {})) {
      const problem = stringMatchProblem(value, "queryParams");
      if (problem) out.error([...at, "queryParams", name], problem);
    }
    if (present(match.port) && match.port !== 0) {
      const problem = portProblem(match.port);
      if (problem) out.error([...at, "port"], problem);
    }
    for (const problem of labelsProblems(match.sourceLabels)) out.error([...at, "sourceLabels"], problem);
    gatewayNames(out, arrayOf<unknown>(match.gateways).filter((gateway): gateway is string => typeof gateway === "string"), [...at, "gateways"], false);
    const sourceNamespace = str(match.sourceNamespace);
    if (sourceNamespace !== "" && !isDnsLabel(sourceNamespace)) out.error([...at, "sourceNamespace"], `sourceNamespace match ${sourceNamespace} is invalid`);
  });
}

function headerOperations(out: Messages, headers: Spec | undefined, path: FieldPath): void {
  if (!headers) return;
  for (const direction of ["request", "response"]) {
    const ops = recordOf(headers[direction]);
    if (!ops) continue;
    for (const op of ["set", "add"]) {
      for (const [name, value] of Object.entries(recordOf(ops[op]) ?? {})) {
        // The request may rewrite :authority/Host (checked once below); nothing else internal.
        const problem = direction === "request" && isAuthorityHeader(name) ? undefined : operationNameProblem(name);
        if (problem) out.error([...path, direction, op, name], problem);
        const valueProblem = typeof value === "string" ? headerValueProblem(value) : undefined;
        if (valueProblem) out.error([...path, direction, op, name], valueProblem);
      }
    }
    arrayOf<unknown>(ops.remove).forEach((name, index) => {
      const problem = typeof name === "string" ? operationNameProblem(name) : undefined;
      if (problem) out.error([...path, direction, "remove", index], problem);
    });
  }
}

const isAuthorityHeader = (name: string): boolean => name.toLowerCase() === ":authority" || name.toLowerCase() === "host";

/** The authority is rewritten in one place only: rewrite.authority, or one request header set or added. */
function authorityRewrite(out: Messages, rewrite: Spec | undefined, headers: Spec | undefined, path: FieldPath): void {
  let current = str(rewrite?.authority);
  const request = recordOf(headers?.request);
  for (const op of ["set", "add"]) {
    for (const [name, value] of Object.entries(recordOf(request?.[op]) ?? {})) {
      if (!isAuthorityHeader(name)) continue;
      if (current !== "") return out.error([...path, "request", op, name], `authority header cannot be set multiple times: have ${JSON.stringify(current)}, attempting to set ${JSON.stringify(str(value))}`);
      current = str(value);
    }
  }
}

const CORS_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "*"]);

function corsPolicy(out: Messages, policy: Spec | undefined, path: FieldPath): void {
  if (!policy) return;
  arrayOf<unknown>(policy.allowOrigins).forEach((origin, index) => {
    const match = recordOf(origin) ?? {};
    const value = str(match.exact ?? match.prefix ?? match.regex);
    if (value === "") return out.error([...path, "allowOrigins", index], `'${value}' is not a valid match type for CORS allow origins`);
    const problem = "regex" in match ? regexProblem(value, "corsPolicy.allowOrigins") : undefined;
    if (problem) out.error([...path, "allowOrigins", index], problem);
  });
  arrayOf<unknown>(policy.allowMethods).forEach((method, index) => {
    if (!CORS_METHODS.has(str(method))) out.error([...path, "allowMethods", index], `${JSON.stringify(str(method))} is not a supported HTTP method`);
  });
  for (const field of ["allowHeaders", "exposeHeaders"]) {
    arrayOf<unknown>(policy[field]).forEach((name, index) => {
      const header = str(name);
      if (header === "") out.error([...path, field, index], "header name cannot be empty");
      else if (header !== "*" && !HEADER_NAME.test(header)) out.error([...path, field, index], `header name ${header} is not a valid header name`);
    });
  }
  if (typeof policy.maxAge === "string") {
    const problem = durationProblem(policy.maxAge);
    if (problem) out.error([...path, "maxAge"], problem);
    const seconds = /^(-?\d+)(?:\.(\d+))?s$/.exec(policy.maxAge);
    if (seconds?.[2] && Number(seconds[2]) > 0) out.error([...path, "maxAge"], "max_age duration is accurate only to seconds precision");
  }
}

function operationNameProblem(name: string): string | undefined {
  if (name === "") return "header name cannot be empty";
  if (name.toLowerCase() === "host") return `invalid header "${name}": cannot set Host header`;
  if (name.startsWith(":")) return `invalid header "${name}": header cannot have ":" prefix`;
  return undefined;
}

function fault(out: Messages, value: Spec | undefined, path: FieldPath): void {
  if (!value) return;
  const abort = recordOf(value.abort);
  const delay = recordOf(value.delay);
  if (!abort && !delay) out.error(path, "HTTP fault injection must have an abort and/or a delay");
  if (abort) {
    const percentage = percentageProblem(abort.percentage);
    if (percentage) out.error([...path, "abort", "percentage"], percentage);
    if (present(abort.grpcStatus)) {
      if (!GRPC_STATUS.has(str(abort.grpcStatus))) out.error([...path, "abort", "grpcStatus"], `gRPC status "${str(abort.grpcStatus)}" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md`);
    } else if (present(abort.http2Error)) {
      out.error([...path, "abort", "http2Error"], "HTTP/2 abort fault injection not supported yet");
    } else if (present(abort.httpStatus)) {
      const status = abort.httpStatus;
      const code = typeof status === "number" ? status : 0;
      if (code < 200 || code > 600) out.error([...path, "abort", "httpStatus"], `HTTP status ${code} is not in range 200-599`);
    } else {
      out.warning([...path, "abort"], "abort configured, but error type not set");
    }
  }
  if (delay) {
    const percentage = percentageProblem(delay.percentage);
    if (percentage) out.error([...path, "delay", "percentage"], percentage);
    const fixed = durationProblem(delay.fixedDelay);
    if (fixed) out.error([...path, "delay", "fixedDelay"], fixed);
    if (present(delay.exponentialDelay)) out.error([...path, "delay", "exponentialDelay"], "exponentialDelay not supported yet");
  }
}

function redirectProblems(out: Messages, redirect: Spec, matches: Spec[], path: FieldPath): void {
  const uri = str(redirect.uri);
  const prefixRewrite = str(redirect.prefixRewrite);
  if (uri !== "" && prefixRewrite !== "") return out.error(path, "redirect may only specify one of uri or prefix_rewrite");
  if (prefixRewrite !== "" && matches.some((match) => recordOf(match?.uri) && !("prefix" in recordOf(match.uri)!))) return out.error(path, "redirect prefix_rewrite requires all URI matches to use prefix match type");
  if (uri === "" && prefixRewrite === "" && str(redirect.authority) === "" && !present(redirect.port) && !present(redirect.derivePort) && str(redirect.scheme) === "") return out.error(path, "redirect must specify URI, authority, scheme, or port");
  const code = redirect.redirectCode;
  if (typeof code === "number" && code !== 0 && (code < 300 || code > 399)) return out.error([...path, "redirectCode"], `${code} is not a valid redirect code, must be 3xx`);
  const scheme = str(redirect.scheme);
  if (scheme !== "" && scheme !== "http" && scheme !== "https") return out.error([...path, "scheme"], 'invalid redirect scheme, must be "http" or "https"');
  if (typeof redirect.port === "number" && redirect.port > 0) {
    const problem = portProblem(redirect.port);
    if (problem) out.error([...path, "port"], problem);
  }
}

function retries(out: Messages, value: Spec | undefined, path: FieldPath): void {
  if (!value) return;
  const attempts = typeof value.attempts === "number" ? value.attempts : 0;
  if (attempts < 0) out.error([...path, "attempts"], "attempts cannot be negative");
  if (attempts === 0 && (present(value.perTryTimeout) || str(value.retryOn) !== "" || present(value.retryRemoteLocalities))) out.error([...path, "attempts"], "http retry policy configured when attempts are set to 0 (disabled)");
  const perTry = durationProblem(value.perTryTimeout);
  if (perTry) out.error([...path, "perTryTimeout"], perTry);
  for (const policy of str(value.retryOn).split(",").filter((item) => str(value.retryOn) !== "" || item !== "")) {
    const code = Number(policy);
    if (!(Number.isInteger(code) && code >= 100 && code <= 599) && !RETRY_ON.has(policy)) out.error([...path, "retryOn"], `"${policy}" is not a valid retryOn policy`);
  }
  const backoff = durationProblem(value.backoff);
  if (backoff) out.error([...path, "backoff"], backoff);
}

function rewrite(out: Messages, value: Spec | undefined, path: FieldPath): void {
  if (!value) return;
  const uri = str(value.uri);
  const regex = recordOf(value.uriRegexRewrite);
  if (uri !== "" && regex) return out.error(path, "rewrite may only contain one of URI or UriRegexRewrite");
  if (uri === "" && !regex && str(value.authority) === "") return out.error(path, "rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified");
  if (!regex) return;
  if (str(regex.match) === "" || str(regex.rewrite) === "") return out.error([...path, "uriRegexRewrite"], "UriRegexRewrite has errors: UriRegexRewrite requires both Rewrite and Match fields to be specified");
  const problem = regexProblem(str(regex.match), "HTTPRewrite.UriRegexRewrite.Match");
  if (problem) out.error([...path, "uriRegexRewrite", "match"], `UriRegexRewrite has errors: ${problem}`);
}

export function destination(out: Messages, value: Spec | undefined, path: FieldPath): void {
  if (!value) return;
  const host = str(value.host);
  const problem = host === "*" ? `invalid destination host ${host}` : wildcardDomainProblem(host);
  if (problem) out.error([...path, "host"], problem);
  if (present(value.subset)) {
    const subset = subsetNameProblem(str(value.subset));
    if (subset && str(value.subset) !== "") out.error([...path, "subset"], subset);
  }
  const port = recordOf(value.port);
  if (port && present(port.number)) {
    const portIssue = portProblem(port.number);
    if (portIssue) out.error([...path, "port", "number"], portIssue);
  }
}

function routeDestinations(out: Messages, destinations: unknown[], path: FieldPath, http: boolean): void {
  let total = 0;
  destinations.forEach((entry, index) => {
    const record = recordOf(entry);
    const at = [...path, index];
    if (!record) return out.error(at, "weight may not be nil");
    if (!recordOf(record.destination)) out.error(at, "destination is required");
    if (http) headerOperations(out, recordOf(record.headers), [...at, "headers"]);
    destination(out, recordOf(record.destination), [...at, "destination"]);
    const weight = typeof record.weight === "number" ? record.weight : 0;
    if (weight < 0) out.error([...at, "weight"], `weight ${weight} < 0`);
    total += weight;
  });
  if (destinations.length > 1 && total === 0) out.error(path, "total destination weight = 0");
}

function tlsRoute(out: Messages, route: Spec, path: FieldPath, boundToGateway: boolean, hosts: string[]): void {
  const matches = arrayOf<unknown>(route.match);
  if (matches.length === 0) out.error([...path, "match"], "TLS route must have at least one match condition");
  matches.forEach((entry, index) => {
    const match = recordOf(entry);
    const at = [...path, "match", index];
    if (!match) return out.error(at, "TLS match may not be null");
    const sni = arrayOf<unknown>(match.sniHosts).filter((host): host is string => typeof host === "string");
    if (sni.length === 0) out.error([...at, "sniHosts"], "TLS match must have at least one SNI host");
    sni.forEach((host, hostIndex) => {
      const problem = boundToGateway ? gatewayBoundHostProblem(host, true) : wildcardDomainProblem(host);
      // An IP address is a warning (istio/schema-warning).
      if (problem) {
        if (!isIpAddress(host)) out.error([...at, "sniHosts", hostIndex], problem);
      } else if (!hosts.some((name) => hostSubsetOf(host, name))) {
        out.error([...at, "sniHosts", hostIndex], `SNI host ${JSON.stringify(host)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(", ")}]`);
      }
    });
    l4Match(out, match, at, true);
  });
  if (arrayOf(route.route).length === 0) out.error([...path, "route"], "TLS route is required");
  routeDestinations(out, arrayOf(route.route), [...path, "route"], false);
}

function tcpRoute(out: Messages, route: Spec, path: FieldPath): void {
  arrayOf<unknown>(route.match).forEach((entry, index) => {
    const match = recordOf(entry);
    if (match) l4Match(out, match, [...path, "match", index], false);
  });
  if (arrayOf(route.route).length === 0) out.error([...path, "route"], "TCP route is required");
  routeDestinations(out, arrayOf(route.route), [...path, "route"], false);
}

function l4Match(out: Messages, match: Spec, path: FieldPath, warn: boolean): void {
  arrayOf<unknown>(match.destinationSubnets).forEach((subnet, index) => {
    const problem = ipSubnetProblem(str(subnet));
    if (problem) out.error([...path, "destinationSubnets", index], problem);
  });
  if (present(match.port) && match.port !== 0) {
    const problem = portProblem(match.port);
    if (problem) out.error([...path, "port"], problem);
  }
  for (const problem of labelsProblems(match.sourceLabels)) out.error([...path, "sourceLabels"], problem);
  gatewayNames(out, arrayOf<unknown>(match.gateways).filter((gateway): gateway is string => typeof gateway === "string"), [...path, "gateways"], warn);
}
