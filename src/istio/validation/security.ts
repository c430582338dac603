/**
 * What Istio's validation rejects in the security kinds: AuthorizationPolicy, PeerAuthentication
 * and RequestAuthentication (https://istio.io/latest/docs/reference/config/security/). Their
 * warnings (a selector without labels, a DENY rule of HTTP attributes only) are
 * istio/schema-warning's.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { durationProblem, type FieldPath, isCidr, isIpAddress, Messages, policyTargets, type Spec, workloadSelector } from "./common.js";

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const strings = (value: unknown): string[] => arrayOf<unknown>(value).map((entry) => (typeof entry === "string" ? entry : String(entry ?? "")));
const present = (value: unknown): boolean => value !== undefined && value !== null;

const SOURCE_FIELDS = ["principals", "requestPrincipals", "namespaces", "ipBlocks", "remoteIpBlocks", "serviceAccounts", "trustDomains"];
const OPERATION_FIELDS = ["ports", "methods", "paths", "hosts"];
const CUSTOM_UNSUPPORTED_SOURCES = ["namespaces", "serviceAccounts", "trustDomains", "principals", "requestPrincipals"];
const CUSTOM_UNSUPPORTED_KEYS = ["source.namespace", "source.serviceAccount", "source.trustDomain", "source.principal"];
const withNot = (fields: string[]): string[] => fields.flatMap((field) => [field, `not${field[0]!.toUpperCase()}${field.slice(1)}`]);
const title = (field: string): string => field[0]!.toUpperCase() + field.slice(1);

export function validateAuthorizationPolicy(spec: Spec, name: string, namespace: string): Messages {
  const out = new Messages();
  policyTargets(out, spec);
  workloadSelector(out, spec.selector, ["spec", "selector"]);
  const action = str(spec.action) || "ALLOW";
  const rules = arrayOf<unknown>(spec.rules);
  const provider = recordOf(spec.provider);
  const prefix = `invalid policy ${name}.${namespace}: `;
  const error = (path: FieldPath, message: string) => out.error(path, prefix + message);
  if (action === "CUSTOM") {
    if (rules.length === 0) error(["spec", "rules"], "CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request");
    else if (str(provider?.name) === "") error(["spec", "provider", "name"], "`provider.name` must not be empty");
    rules.forEach((rule, index) => {
      for (const from of arrayOf<Spec>(recordOf(rule)?.from)) {
        const source = recordOf(recordOf(from)?.source);
        for (const field of withNot(CUSTOM_UNSUPPORTED_SOURCES)) if (source && arrayOf(source[field]).length > 0) error(["spec", "rules", index, "from"], `From.${title(field)} is currently not supported with CUSTOM action`);
      }
      for (const when of arrayOf<unknown>(recordOf(rule)?.when)) {
        const key = str(recordOf(when)?.key);
        if (!recordOf(when)) error(["spec", "rules", index, "when"], "when field cannot be nil");
        else if (CUSTOM_UNSUPPORTED_KEYS.includes(key) || key.startsWith("request.auth.")) error(["spec", "rules", index, "when"], `${key} is currently not supported with CUSTOM action`);
      }
    });
  }
  if (provider && action !== "CUSTOM") error(["spec", "provider"], `\`provider\` must not be with non CUSTOM action, found ${action}`);
  if (action === "DENY" && rules.length === 0) error(["spec", "rules"], "DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request");
  rules.forEach((entry, index) => {
    const path = ["spec", "rules", index];
    const rule = recordOf(entry);
    if (!rule) return error(path, `\`rule\` must not be nil, found at rule ${index}`);
    arrayOf<unknown>(rule.from).forEach((from, fromIndex) => {
      const at = [...path, "from", fromIndex];
      if (!recordOf(from)) return error(at, `\`from\` must not be nil, found at rule ${index}`);
      const source = recordOf(recordOf(from)!.source);
      if (!source) return error(at, `\`from.source\` must not be nil, found at rule ${index}`);
      for (const problem of sourceProblems(source, index)) error([...at, "source"], problem);
    });
    arrayOf<unknown>(rule.to).forEach((to, toIndex) => {
      const at = [...path, "to", toIndex];
      if (!recordOf(to)) return error(at, `\`to\` must not be nil, found at rule ${index}`);
      const operation = recordOf(recordOf(to)!.operation);
      if (!operation) return error(at, `\`to.operation\` must not be nil, found at rule ${index}`);
      for (const problem of operationProblems(operation, index)) error([...at, "operation"], problem);
    });
    arrayOf<unknown>(rule.when).forEach((when, whenIndex) => {
      const at = [...path, "when", whenIndex];
      const condition = recordOf(when) ?? {};
      const key = str(condition.key);
      if (key === "") return error(at, "`key` must not be empty");
      const values = strings(condition.values);
      const notValues = strings(condition.notValues);
      if (values.length === 0 && notValues.length === 0) return error(at, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
      const valueProblem = attributeProblem(key, values);
      if (valueProblem) error(at, `invalid \`value\` for \`key\` ${key}: ${valueProblem}`);
      const notValueProblem = attributeProblem(key, notValues);
      if (notValueProblem) error(at, `invalid \`notValue\` for \`key\` ${key}: ${notValueProblem}`);
    });
  });
  return out;
}

function sourceProblems(source: Spec, rule: number): string[] {
  const out: string[] = [];
  const count = (...fields: string[]) => fields.reduce((total, field) => total + arrayOf(source[field]).length, 0);
  if (count("principals", "notPrincipals", "namespaces", "notNamespaces") > 0 && count("serviceAccounts", "notServiceAccounts") > 0) out.push(`cannot set serviceAccounts with namespaces or principals, found at rule ${rule}`);
  if (count(...withNot(SOURCE_FIELDS)) === 0) out.push(`\`from.source\` must not be empty, found at rule ${rule}`);
  for (const field of withNot(["ipBlocks", "remoteIpBlocks"])) out.push(...ipProblems(strings(source[field])));
  for (const field of withNot(["principals", "requestPrincipals", "namespaces", "ipBlocks", "remoteIpBlocks"])) {
    const problem = emptyValueProblem(title(field), strings(source[field]));
    if (problem) out.push(problem);
  }
  for (const field of withNot(["serviceAccounts"])) {
    const problem = serviceAccountProblem(title(field), strings(source[field]));
    if (problem) out.push(problem);
  }
  for (const field of withNot(["trustDomains"])) {
    const problem = trustDomainProblem(title(field), strings(source[field]));
    if (problem) out.push(problem);
  }
  return out;
}

function operationProblems(operation: Spec, rule: number): string[] {
  const out: string[] = [];
  if (withNot(OPERATION_FIELDS).every((field) => arrayOf(operation[field]).length === 0)) out.push(`\`to.operation\` must not be empty, found at rule ${rule}`);
  for (const field of withNot(["ports"])) out.push(...portProblems(strings(operation[field])));
  for (const field of withNot(OPERATION_FIELDS)) {
    const problem = emptyValueProblem(title(field), strings(operation[field]));
    if (problem) out.push(problem);
  }
  for (const field of withNot(["paths"])) {
    const problem = pathTemplateProblem(title(field), strings(operation[field]));
    if (problem) out.push(problem);
  }
  return out;
}

function emptyValueProblem(key: string, values: string[]): string | undefined {
  return values.includes("") ? `empty value not allowed, found in ${key}` : undefined;
}

function wildcardValueProblem(key: string, values: string[]): string | undefined {
  const empty = emptyValueProblem(key, values);
  if (empty) return empty;
  for (const value of values) {
    const count = value.split("*").length - 1;
    if (count > 1) return `at most one wildcard is allowed, found in ${key}: "${value}"`;
    if (count === 1 && value !== "*" && !value.startsWith("*") && !value.endsWith("*")) return `wildcard is only allowed at the start or end, found in ${key}: "${value}"`;
  }
  return undefined;
}

function trustDomainProblem(key: string, values: string[]): string | undefined {
  return wildcardValueProblem(key, values) ?? (values.some((value) => value.includes("/")) ? `trust domain must not contain '/', found in ${key}` : undefined);
}

function serviceAccountProblem(key: string, values: string[]): string | undefined {
  if (values.length > 16) return "may not have more than 16 values";
  for (const value of values) {
    if (value === "") return `empty value not allowed, found in ${key}`;
    if (value.includes("*")) return `wildcard not allowed, found in ${key}`;
    const slashes = value.split("/").length - 1;
    if (slashes > 1) return `expected format 'serviceAccount' or 'namespace/serviceAccount', found "${value}" in ${key}`;
    if (value.length > 320) return `value cannot exceed 320 characters, found "${value}" in ${key}`;
    if (slashes === 1 && (value.startsWith("/") || value.endsWith("/"))) return `expected format 'serviceAccount' or 'namespace/serviceAccount', found "${value}" in ${key}`;
  }
  return undefined;
}

const PATH_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

function pathTemplateProblem(key: string, paths: string[]): string | undefined {
  for (const original of paths) {
    const template = original.includes("{*}") || original.includes("{**}");
    const path = original.replace(/^\/+|\/+$/g, "");
    let matchAny = false;
    for (const glob of path.split("/")) {
      if (glob === "{*}" && !matchAny) continue;
      if (glob === "{**}" && !matchAny) {
        matchAny = true;
        continue;
      }
      if ((glob === "{**}" || glob === "{*}") && matchAny) return `invalid or unsupported path ${path}, found in ${key}. {**} is not the last operator`;
      if (/[{}]/.test(glob)) return `invalid or unsupported path ${path}, found in ${key}. Contains '{' or '}' beyond a supported path template`;
      if (template && !PATH_LITERAL.test(glob)) return `invalid or unsupported path ${path}, found in ${key}. Contains segment ${glob} with invalid string literal`;
    }
  }
  return undefined;
}

function ipProblems(values: string[]): string[] {
  return values.flatMap((value) => {
    if (value.includes("/")) return isCidr(value) ? [] : [`bad CIDR range (${value})`];
    return isIpAddress(value) ? [] : [`bad IP address (${value})`];
  });
}

function portProblems(values: string[]): string[] {
  return values.filter((value) => !/^\d+$/.test(value) || Number(value) > 65535).map((value) => `bad port (${value})`);
}

function mapKeyProblem(key: string): string | undefined {
  const open = key.indexOf("[");
  return key.endsWith("]") && open > 0 && open < key.length - 2 ? undefined : `bad key (${key}): should have format a[b]`;
}

/** Istio's `security.ValidateAttribute`: the condition keys an AuthorizationPolicy knows, and their values. */
function attributeProblem(key: string, values: string[]): string | undefined {
  const empty = emptyValueProblem(key, values);
  if (empty) return empty;
  if (key.startsWith("request.headers") || key.startsWith("request.auth.claims") || key.startsWith("experimental.envoy.filters.")) return mapKeyProblem(key);
  if (["source.ip", "remote.ip", "destination.ip"].includes(key)) return ipProblems(values)[0];
  if (key === "source.serviceAccount") return serviceAccountProblem(key, values);
  if (key === "source.trustDomain") return wildcardValueProblem(key, values);
  if (key === "destination.port") return portProblems(values)[0];
  if (["source.namespace", "source.principal", "request.auth.principal", "request.auth.audiences", "request.auth.presenter", "connection.sni"].includes(key)) return undefined;
  if (key === "destination.namespace") return `attribute ${key} is replaced by the metadata.namespace`;
  if (key.startsWith("destination.labels")) return `attribute ${key} is replaced by the workload selector`;
  if (key === "destination.name" || key === "destination.user") return `deprecated attribute ${key}: only supported in v1alpha1`;
  return `unknown attribute: ${key}`;
}

export function validatePeerAuthentication(spec: Spec): Messages {
  const out = new Messages();
  const selectorLabels = Object.keys(recordOf(recordOf(spec.selector)?.matchLabels) ?? {});
  const ports = recordOf(spec.portLevelMtls);
  if (selectorLabels.length === 0 && ports && Object.keys(ports).length > 0) out.error(["spec", "portLevelMtls"], "mesh/namespace peer authentication cannot have port level mTLS");
  for (const port of Object.keys(ports ?? {})) {
    const number = Number(port);
    if (!Number.isInteger(number) || number <= 0 || number > 65535) out.error(["spec", "portLevelMtls", port], "port must be in range 1..65535");
  }
  workloadSelector(out, spec.selector, ["spec", "selector"]);
  return out;
}

const HEADER_NAME = /^[-_A-Za-z0-9]+$/;

export function validateRequestAuthentication(spec: Spec): Messages {
  const out = new Messages();
  policyTargets(out, spec);
  workloadSelector(out, spec.selector, ["spec", "selector"]);
  arrayOf<unknown>(spec.jwtRules).forEach((entry, index) => {
    const rule = recordOf(entry);
    if (rule) jwtRule(out, rule, ["spec", "jwtRules", index]);
  });
  return out;
}

function jwtRule(out: Messages, rule: Spec, path: FieldPath): void {
  if (strings(rule.audiences).includes("")) out.error([...path, "audiences"], "audience must be non-empty string");
  const issuer = str(rule.issuer);
  const jwksUri = str(rule.jwksUri);
  if (issuer === "" && jwksUri === "") out.error(path, "issuer or jwksUri must be non-empty string");
  if (jwksUri !== "") {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(jwksUri)?.[1]?.toLowerCase() ?? "";
    if (scheme !== "http" && scheme !== "https") out.error([...path, "jwksUri"], `URI scheme "${scheme}" is not supported`);
  }
  const jwks = str(rule.jwks);
  if (jwks !== "") {
    const problem = jwksProblem(jwks);
    if (problem) out.error([...path, "jwks"], `jwks parse error: ${problem}`);
    else privateJwksKeys(out, jwks, [...path, "jwks"]);
  }
  arrayOf<unknown>(rule.fromHeaders).forEach((header, index) => {
    if (!recordOf(header)) out.error([...path, "fromHeaders", index], "location header name must be non-null");
    else if (str(recordOf(header)!.name) === "") out.error([...path, "fromHeaders", index], "location header name must be non-empty string");
  });
  if (strings(rule.fromParams).includes("")) out.error([...path, "fromParams"], "location query must be non-empty string");
  if (strings(rule.fromCookies).includes("")) out.error([...path, "fromCookies"], "cookie name must be non-empty string");
  arrayOf<unknown>(rule.outputClaimToHeaders).forEach((entry, index) => {
    const at = [...path, "outputClaimToHeaders", index];
    const claim = recordOf(entry);
    if (!claim) return out.error(at, "outputClaimToHeaders must not be null");
    const header = str(claim.header);
    if (str(claim.claim) === "" || header === "") return out.error(at, "outputClaimToHeaders header and claim value must be non-empty string");
    if (!HEADER_NAME.test(header)) out.error([...at, "header"], `header name ${header} is not a valid header name`);
  });
  if (present(rule.timeout)) {
    const problem = durationProblem(rule.timeout);
    if (problem) out.error([...path, "timeout"], problem);
  }
}

/** An inline JWKS: a JSON object with a `keys` list, or a single JSON Web Key with a `kty`. */
function jwksProblem(jwks: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch {
    return "failed to unmarshal JWK set";
  }
  const record = recordOf(parsed);
  if (!record) return "failed to unmarshal JWK set";
  const keys = Array.isArray(record.keys) ? record.keys : [record];
  for (const key of keys) if (typeof recordOf(key)?.kty !== "string") return "failed to parse key: invalid key type";
  return undefined;
}

/** Envoy verifies tokens with public keys only; Istio warns when an inline JWKS holds private material (RSA, EC or OKP with `d`, or a symmetric `oct` key). */
function privateJwksKeys(out: Messages, jwks: string, path: FieldPath): void {
  const record = recordOf(JSON.parse(jwks)) ?? {};
  const keys = Array.isArray(record.keys) ? record.keys : [record];
  keys.forEach((entry, index) => {
    const key = recordOf(entry) ?? {};
    const privateKey = key.kty === "oct" || (["RSA", "EC", "OKP"].includes(String(key.kty)) && key.d !== undefined);
    if (privateKey) out.warning(path, `jwks key at index ${index} contains private key material; only public keys are used for verification`);
  });
}
