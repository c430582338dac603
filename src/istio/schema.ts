/**
 * A small structural schema of the Istio APIs: enough to catch wrong types,
 * misspelt fields and bad enum values before `kubectl apply` does (or worse,
 * before a field is silently dropped). Not every field is listed: an object
 * typed `open` accepts anything below it.
 */
export type Schema =
  | { type: "string"; values?: readonly string[] }
  | { type: "integer" }
  | { type: "number" }
  | { type: "boolean" }
  | { type: "duration" }
  | { type: "array"; items: Schema }
  | { type: "map"; values: Schema }
  | { type: "object"; fields: Record<string, Schema>; required?: readonly string[] }
  | { type: "open" }
  | { type: "intOrString" };

const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const duration: Schema = { type: "duration" };
const open: Schema = { type: "open" };
const strings: Schema = { type: "array", items: str };
const labels: Schema = { type: "map", values: str };
const oneOf = (...values: string[]): Schema => ({ type: "string", values });
const obj = (fields: Record<string, Schema>, required: string[] = []): Schema => ({ type: "object", fields, required });
const list = (items: Schema): Schema => ({ type: "array", items });

const portSelector = obj({ number: int, name: str });
const stringMatch = obj({ exact: str, prefix: str, regex: str });
const destination = obj({ host: str, subset: str, port: portSelector }, ["host"]);
const headerOps = obj({ set: labels, add: labels, remove: strings });
const headers = obj({ request: headerOps, response: headerOps });
const percent = obj({ value: { type: "number" } });

const httpMatch = obj({
  name: str,
  uri: stringMatch,
  scheme: stringMatch,
  method: stringMatch,
  authority: stringMatch,
  headers: { type: "map", values: stringMatch },
  port: int,
  sourceLabels: labels,
  gateways: strings,
  queryParams: { type: "map", values: stringMatch },
  ignoreUriCase: bool,
  withoutHeaders: { type: "map", values: stringMatch },
  sourceNamespace: str,
  statPrefix: str,
});

const httpRoute = obj({
  name: str,
  match: list(httpMatch),
  route: list(obj({ destination, weight: int, headers })),
  redirect: open,
  directResponse: open,
  delegate: obj({ name: str, namespace: str }),
  rewrite: obj({ uri: str, authority: str, uriRegexRewrite: open }),
  timeout: duration,
  retries: obj({ attempts: int, perTryTimeout: duration, retryOn: str, retryRemoteLocalities: bool }),
  fault: obj({ delay: obj({ fixedDelay: duration, percentage: percent, percent: int }), abort: obj({ httpStatus: int, grpcStatus: str, percentage: percent, percent: int }) }),
  mirror: destination,
  mirrors: list(obj({ destination, percentage: percent })),
  mirrorPercentage: percent,
  mirror_percent: int,
  mirrorPercent: int,
  corsPolicy: open,
  headers,
});

const l4Match = obj({ destinationSubnets: strings, port: int, sourceLabels: labels, gateways: strings, sourceNamespace: str, sniHosts: strings, sourceSubnet: str });
const l4Route = list(obj({ destination, weight: int }));

const tlsSettings = obj({
  mode: oneOf("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"),
  clientCertificate: str,
  privateKey: str,
  caCertificates: str,
  credentialName: str,
  subjectAltNames: strings,
  sni: str,
  insecureSkipVerify: bool,
  caCrl: str,
});

const trafficPolicyFields = {
  loadBalancer: open,
  connectionPool: open,
  outlierDetection: open,
  tls: tlsSettings,
  tunnel: open,
  proxyProtocol: open,
  retryBudget: open,
};
const trafficPolicy = obj({ ...trafficPolicyFields, portLevelSettings: list(obj({ port: portSelector, ...trafficPolicyFields })) });

const serverTls = obj({
  httpsRedirect: bool,
  mode: oneOf("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"),
  serverCertificate: str,
  privateKey: str,
  caCertificates: str,
  credentialName: str,
  credentialNames: strings,
  subjectAltNames: strings,
  verifyCertificateSpki: strings,
  verifyCertificateHash: strings,
  minProtocolVersion: str,
  maxProtocolVersion: str,
  cipherSuites: strings,
  tlsCertificates: open,
  caCrl: str,
});

const workloadSelector = obj({ matchLabels: labels });

/** Spec schemas by `group/Kind`. */
export const SPEC_SCHEMAS: Record<string, Schema> = {
  "networking.istio.io/VirtualService": obj({
    hosts: strings,
    gateways: strings,
    http: list(httpRoute),
    tls: list(obj({ match: list(l4Match), route: l4Route })),
    tcp: list(obj({ match: list(l4Match), route: l4Route })),
    exportTo: strings,
  }),
  "networking.istio.io/DestinationRule": obj(
    {
      host: str,
      trafficPolicy,
      subsets: list(obj({ name: str, labels, trafficPolicy }, ["name"])),
      exportTo: strings,
      workloadSelector,
    },
    ["host"],
  ),
  "networking.istio.io/Gateway": obj({
    selector: labels,
    servers: list(obj({ port: obj({ number: int, name: str, protocol: str, targetPort: int }, ["number"]), bind: str, hosts: strings, tls: serverTls, name: str, defaultEndpoint: str }, ["hosts"])),
  }),
  "networking.istio.io/ServiceEntry": obj(
    {
      hosts: strings,
      addresses: strings,
      ports: list(obj({ number: int, protocol: str, name: str, targetPort: int }, ["number"])),
      location: oneOf("MESH_EXTERNAL", "MESH_INTERNAL"),
      resolution: oneOf("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"),
      endpoints: list(obj({ address: str, ports: { type: "map", values: int }, labels, network: str, locality: str, weight: int, serviceAccount: str })),
      workloadSelector: obj({ labels }),
      exportTo: strings,
      subjectAltNames: strings,
    },
    ["hosts"],
  ),
  "networking.istio.io/Sidecar": obj({
    workloadSelector: obj({ labels }),
    ingress: list(open),
    egress: list(obj({ port: open, bind: str, captureMode: str, hosts: strings }, ["hosts"])),
    outboundTrafficPolicy: obj({ mode: oneOf("REGISTRY_ONLY", "ALLOW_ANY"), egressProxy: open }),
    inboundConnectionPool: open,
  }),
  "networking.istio.io/EnvoyFilter": { type: "open" },
  "networking.istio.io/WorkloadEntry": { type: "open" },
  "networking.istio.io/WorkloadGroup": { type: "open" },
  "networking.istio.io/ProxyConfig": { type: "open" },
  "security.istio.io/PeerAuthentication": obj({
    selector: workloadSelector,
    mtls: obj({ mode: oneOf("UNSET", "DISABLE", "PERMISSIVE", "STRICT") }),
    portLevelMtls: { type: "map", values: obj({ mode: oneOf("UNSET", "DISABLE", "PERMISSIVE", "STRICT") }) },
  }),
  "security.istio.io/AuthorizationPolicy": obj({
    selector: workloadSelector,
    targetRef: open,
    targetRefs: list(open),
    rules: list(obj({ from: list(open), to: list(open), when: list(open) })),
    action: oneOf("ALLOW", "DENY", "AUDIT", "CUSTOM"),
    provider: obj({ name: str }),
  }),
  "security.istio.io/RequestAuthentication": obj({ selector: workloadSelector, targetRef: open, targetRefs: list(open), jwtRules: list(open) }),
  "telemetry.istio.io/Telemetry": obj({ selector: workloadSelector, targetRef: open, targetRefs: list(open), tracing: list(open), metrics: list(open), accessLogging: list(open) }),
  "extensions.istio.io/WasmPlugin": { type: "open" },
};

/** API versions each Istio group serves. */
export const GROUP_VERSIONS: Record<string, readonly string[]> = {
  "networking.istio.io": ["v1", "v1beta1", "v1alpha3"],
  "security.istio.io": ["v1", "v1beta1"],
  "telemetry.istio.io": ["v1", "v1alpha1"],
  "extensions.istio.io": ["v1alpha1"],
  "install.istio.io": ["v1alpha1"],
  "config.istio.io": ["v1alpha2"],
};

/** Kinds per group (kinds not in SPEC_SCHEMAS are known but not checked). */
export const GROUP_KINDS: Record<string, readonly string[]> = {
  "networking.istio.io": ["VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "EnvoyFilter", "WorkloadEntry", "WorkloadGroup", "ProxyConfig"],
  "security.istio.io": ["PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"],
  "telemetry.istio.io": ["Telemetry"],
  "extensions.istio.io": ["WasmPlugin"],
  "install.istio.io": ["IstioOperator"],
  "config.istio.io": [],
};

export interface SchemaProblem {
  path: (string | number)[];
  message: string;
  /** A field name that is probably what was meant. */
  suggestion?: string;
  severity: "error" | "warning";
}

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|\u00b5s|ns))+$/;

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "mapping";
  return typeof value;
}

/** Checks a value against a schema and returns every problem with its field path. */
export function validate(value: unknown, schema: Schema, path: (string | number)[], out: SchemaProblem[], closest: (name: string, candidates: string[]) => string | undefined): void {
  if (value === undefined || value === null) return;
  switch (schema.type) {
    case "open":
      return;
    case "string":
      if (typeof value !== "string") {
        out.push({ path, message: `expected a string, got ${typeName(value)} ${JSON.stringify(value).slice(0, 40)}`, severity: "error" });
      } else if (schema.values && !schema.values.includes(value)) {
        const suggestion = closest(value, [...schema.values]) ?? schema.values.find((item) => item.toLowerCase() === value.toLowerCase());
        out.push({ path, message: `"${value}" is not one of ${schema.values.join(", ")}`, ...(suggestion ? { suggestion } : {}), severity: "error" });
      }
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) out.push({ path, message: `expected an integer, got ${typeName(value)} ${JSON.stringify(value).slice(0, 40)}`, severity: "error" });
      return;
    case "number":
      if (typeof value !== "number") out.push({ path, message: `expected a number, got ${typeName(value)} ${JSON.stringify(value).slice(0, 40)}`, severity: "error" });
      return;
    case "boolean":
      if (typeof value !== "boolean") out.push({ path, message: `expected true or false, got ${typeName(value)} ${JSON.stringify(value).slice(0, 40)}`, severity: "error" });
      return;
    case "intOrString":
      if (typeof value !== "number" && typeof value !== "string") out.push({ path, message: `expected a number or string, got ${typeName(value)}`, severity: "error" });
      return;
    case "duration":
      if (typeof value !== "string" || !DURATION.test(value)) out.push({ path, message: `expected a duration such as "5s" or "250ms", got ${JSON.stringify(value)}`, severity: "error" });
      return;
    case "array":
      if (!Array.isArray(value)) {
        out.push({ path, message: `expected a list, got ${typeName(value)} ${JSON.stringify(value).slice(0, 40)}`, severity: "error" });
        return;
      }
      value.forEach((item, index) => validate(item, schema.items, [...path, index], out, closest));
      return;
    case "map":
      if (typeof value !== "object" || Array.isArray(value)) {
        out.push({ path, message: `expected a mapping, got ${typeName(value)}`, severity: "error" });
        return;
      }
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) validate(item, schema.values, [...path, key], out, closest);
      return;
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) {
        out.push({ path, message: `expected a mapping, got ${typeName(value)} ${JSON.stringify(value).slice(0, 40)}`, severity: "error" });
        return;
      }
      const record = value as Record<string, unknown>;
      for (const field of schema.required ?? []) {
        if (record[field] === undefined || record[field] === null || record[field] === "") out.push({ path: [...path, field], message: `required field ${field} is missing`, severity: "error" });
      }
      for (const [key, item] of Object.entries(record)) {
        const fieldSchema = schema.fields[key];
        if (!fieldSchema) {
          const suggestion = closest(key, Object.keys(schema.fields));
          out.push({ path: [...path, key], message: `unknown field "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`, ...(suggestion ? { suggestion } : {}), severity: "error" });
          continue;
        }
        validate(item, fieldSchema, [...path, key], out, closest);
      }
    }
  }
}
