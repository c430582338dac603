/**
 * The attributes Envoy gives CEL expressions (RBAC, the CEL access-log filter Istio configures
 * from a Telemetry filter), from https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/advanced/attributes,
 * and the attributes a CEL expression refers to.
 */
import type { CelNode } from "../istio/cel.js";

type AttributeType = "string" | "int" | "uint" | "bool" | "timestamp" | "duration" | "map" | "message";

/** Attributes whose fields are listed; the others (metadata, filter state) hold any path. */
export const ENVOY_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, AttributeType>>>> = {
  request: {
    path: "string", url_path: "string", host: "string", scheme: "string", method: "string", headers: "map", headers_bytes: "int", referer: "string",
    useragent: "string", time: "timestamp", id: "string", protocol: "string", query: "string", duration: "duration", size: "int", total_size: "int",
  },
  response: {
    code: "int", code_details: "string", flags: "int", grpc_status: "int", headers: "map", headers_bytes: "int", trailers: "map", size: "int",
    total_size: "int", backend_latency: "duration",
  },
  source: { address: "string", port: "int" },
  destination: { address: "string", port: "int" },
  connection: {
    id: "uint", mtls: "bool", requested_server_name: "string", tls_version: "string", subject_local_certificate: "string",
    subject_peer_certificate: "string", dns_san_local_certificate: "string", dns_san_peer_certificate: "string", uri_san_local_certificate: "string",
    uri_san_peer_certificate: "string", sha256_peer_certificate_digest: "string", peer_certificate: "string", transport_failure_reason: "string",
    termination_details: "string",
  },
  upstream: {
    address: "string", num_endpoints: "uint", port: "int", tls_version: "string", subject_local_certificate: "string", subject_peer_certificate: "string",
    dns_san_local_certificate: "string", dns_san_peer_certificate: "string", uri_san_local_certificate: "string", uri_san_peer_certificate: "string",
    sha256_peer_certificate_digest: "string", peer_certificate: "string", local_address: "string", transport_failure_reason: "string",
    request_attempt_count: "uint", cx_pool_ready_duration: "duration", locality: "message",
  },
  xds: {
    node: "message", cluster_name: "string", cluster_metadata: "message", listener_direction: "int", listener_metadata: "message", route_name: "string",
    route_metadata: "message", virtual_host_name: "string", virtual_host_metadata: "message", upstream_host_metadata: "message",
    upstream_host_locality_metadata: "message", filter_chain_name: "string",
  },
};
/** Attributes that are a map or message themselves. */
const OPEN_ATTRIBUTES = new Set(["metadata", "filter_state", "upstream_filter_state"]);
/** Only Wasm extensions get these. */
const WASM_ATTRIBUTES = new Set(["plugin_name", "plugin_root_id", "plugin_vm_id"]);
/** CEL's type names, which an expression may use as values (`type(x) == string`). */
const CEL_TYPE_NAMES = new Set(["bool", "bytes", "double", "duration", "int", "list", "map", "null_type", "string", "timestamp", "type", "uint", "dyn"]);

/** Names written for an attribute under another name (HTTP's words, Istio's policy keys). */
const MEANT: Readonly<Record<string, string>> = {
  "response.status": "response.code", "response.status_code": "response.code", "response.header": "response.headers", "request.header": "request.headers",
  "request.url": "request.path", "request.uri": "request.path", "request.user_agent": "request.useragent", "request.authority": "request.host",
  "source.ip": "source.address", "destination.ip": "destination.address", "connection.sni": "connection.requested_server_name",
};

export interface AttributeProblem {
  /** The path as written: `response.status`, `status`. */
  path: string;
  /** What is wrong with it. */
  reason: "unknown-attribute" | "unknown-field" | "wasm-only" | "not-a-message";
  /** The known name closest to it, for the fix. */
  candidates: string[];
}

/**
 * The attribute references of an expression that Envoy does not provide: a name that is no
 * attribute, a field a listed attribute does not have, or a field selected on a scalar
 * (`request.path.x`). Names bound by a macro (`l.exists(h, ...)`) are not attributes.
 */
export function unknownAttributes(expression: CelNode): AttributeProblem[] {
  const problems = new Map<string, AttributeProblem>();
  const add = (problem: AttributeProblem) => problems.has(problem.path) || problems.set(problem.path, problem);
  // An explicit stack: an expression is at most 100,000 code points, a node is visited once.
  const stack: Array<{ node: CelNode; bound: ReadonlySet<string> }> = [{ node: expression, bound: new Set() }];
  while (stack.length > 0) {
    const { node, bound } = stack.pop()!;
    const chain = selectionChain(node);
    if (chain && !bound.has(chain[0]!)) {
      checkChain(chain, add);
      continue;
    }
    switch (node.kind) {
      case "select":
        stack.push({ node: node.operand, bound });
        break;
      case "call":
        if (node.target) stack.push({ node: node.target, bound });
        for (const arg of node.args) stack.push({ node: arg, bound });
        break;
      case "list":
        for (const element of node.elements) stack.push({ node: element, bound });
        break;
      case "map":
        for (const [key, value] of node.entries) stack.push({ node: key, bound }, { node: value, bound });
        break;
      case "message":
        for (const [, value] of node.fields) stack.push({ node: value, bound });
        break;
      case "comprehension": {
        stack.push({ node: node.range, bound });
        const inner = new Set(bound).add(node.variable);
        for (const part of node.body) stack.push({ node: part, bound: inner });
        break;
      }
      case "ident":
      case "literal":
        break;
    }
  }
  return [...problems.values()];
}

/** `a.b.c` (selections on an identifier, a leading dot dropped) as [a, b, c]; undefined for anything else. */
function selectionChain(node: CelNode): string[] | undefined {
  const fields: string[] = [];
  let current = node;
  while (current.kind === "select") {
    fields.unshift(current.field);
    current = current.operand;
  }
  if (current.kind !== "ident") return undefined;
  return [current.name.replace(/^\./, ""), ...fields];
}

function checkChain(chain: string[], add: (problem: AttributeProblem) => void): void {
  const meant = MEANT[chain.slice(0, 2).join(".")];
  if (meant) return add({ path: chain.slice(0, 2).join("."), reason: chain[0]! in ENVOY_ATTRIBUTES ? "unknown-field" : "unknown-attribute", candidates: [meant] });
  const [root, field, next] = chain as [string, string | undefined, string | undefined];
  if (CEL_TYPE_NAMES.has(root) && field === undefined) return;
  if (OPEN_ATTRIBUTES.has(root)) return;
  if (WASM_ATTRIBUTES.has(root)) return add({ path: root, reason: "wasm-only", candidates: [] });
  const fields = ENVOY_ATTRIBUTES[root];
  if (!fields) return add({ path: chain.slice(0, 2).join("."), reason: "unknown-attribute", candidates: field === undefined ? [...Object.keys(ENVOY_ATTRIBUTES), ...OPEN_ATTRIBUTES] : Object.entries(ENVOY_ATTRIBUTES).flatMap(([name, of]) => (field in of ? [`${name}.${field}`] : [])) });
  // `request` alone (`has(request.x)` aside) is a map of its fields: nothing to check.
  if (field === undefined) return;
  const type = fields[field];
  if (!type) return add({ path: `${root}.${field}`, reason: "unknown-field", candidates: Object.keys(fields).map((name) => `${root}.${name}`) });
  if (next !== undefined && type !== "map" && type !== "message") add({ path: `${root}.${field}.${next}`, reason: "not-a-message", candidates: [] });
}
