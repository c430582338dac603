/**
 * AuthorizationPolicy fields as Istio matches them
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/):
 * the sources, operations and conditions of each rule with their field paths,
 * the identities (trust domain, namespace, service account) the inputs declare,
 * and string matching with Istio's exact, prefix (`abc*`), suffix (`*abc`) and presence (`*`) forms.
 */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { appliedNamespaceOf, arrayOf, nameOf, recordOf } from "../k8s/objects.js";
import { appliedNamespace } from "../model/namespace.js";
import { workloadInstances } from "./workloads.js";

export type FieldPath = Array<string | number>;

export interface PolicyValue {
  value: string;
  path: FieldPath;
}

/** Every string of `rules[].from[].source.<field>` with its path. */
export function sourceValues(policy: KubeObject, field: string): PolicyValue[] {
  const out: PolicyValue[] = [];
  arrayOf<unknown>(recordOf(policy.spec)?.rules).forEach((rule, ruleIndex) => {
    arrayOf<unknown>(recordOf(rule)?.from).forEach((from, fromIndex) => {
      arrayOf<unknown>(recordOf(recordOf(from)?.source)?.[field]).forEach((value, index) => {
        if (typeof value === "string") out.push({ value, path: ["spec", "rules", ruleIndex, "from", fromIndex, "source", field, index] });
      });
    });
  });
  return out;
}

/** Every string of `rules[].to[].operation.<field>` with its path. */
export function operationValues(policy: KubeObject, field: string): PolicyValue[] {
  const out: PolicyValue[] = [];
  arrayOf<unknown>(recordOf(policy.spec)?.rules).forEach((rule, ruleIndex) => {
    arrayOf<unknown>(recordOf(rule)?.to).forEach((to, toIndex) => {
      arrayOf<unknown>(recordOf(recordOf(to)?.operation)?.[field]).forEach((value, index) => {
        if (typeof value === "string") out.push({ value, path: ["spec", "rules", ruleIndex, "to", toIndex, "operation", field, index] });
      });
    });
  });
  return out;
}

/** The source fields and `when` keys whose value comes from the peer's mTLS certificate. */
const PEER_IDENTITY_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "trustDomains", "notTrustDomains"];
const PEER_IDENTITY_KEYS = new Set(["source.namespace", "source.principal", "source.serviceAccount", "source.trustDomain", "connection.sni"]);

/** Fields of a policy that only match on mutual TLS connections (the peer identity is read from its certificate). */
export function peerIdentityFields(policy: KubeObject): FieldPath[] {
  const out: FieldPath[] = [];
  arrayOf<unknown>(recordOf(policy.spec)?.rules).forEach((rule, ruleIndex) => {
    arrayOf<unknown>(recordOf(rule)?.from).forEach((from, fromIndex) => {
      const source = recordOf(recordOf(from)?.source);
      for (const field of PEER_IDENTITY_FIELDS) if (arrayOf(source?.[field]).length > 0) out.push(["spec", "rules", ruleIndex, "from", fromIndex, "source", field]);
    });
    arrayOf<unknown>(recordOf(rule)?.when).forEach((condition, index) => {
      const key = recordOf(condition)?.key;
      if (typeof key === "string" && PEER_IDENTITY_KEYS.has(key)) out.push(["spec", "rules", ruleIndex, "when", index]);
    });
  });
  return out;
}

/** Istio's string match: `*` is presence, `abc*` a prefix, `*abc` a suffix, anything else exact. */
export function policyStringMatches(pattern: string, value: string): boolean {
  if (pattern === "*") return value !== "";
  if (pattern.length > 1 && pattern.endsWith("*") && !pattern.startsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.length > 1 && pattern.startsWith("*") && !pattern.endsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** HTTP methods (RFC 9110 and PATCH), as Envoy compares the `:method` header: case-sensitively. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"];

export type MethodProblem = { kind: "unknown" } | { kind: "case"; meant: string };

/** Why a `methods` entry matches no HTTP request, or undefined when it can match one. */
export function methodProblem(method: string): MethodProblem | undefined {
  const trimmed = method.trim();
  if (trimmed === "*") return undefined;
  if (HTTP_METHODS.some((known) => policyStringMatches(trimmed, known))) return trimmed === method ? undefined : { kind: "unknown" };
  const upper = trimmed.toUpperCase();
  if (trimmed !== "" && HTTP_METHODS.some((known) => policyStringMatches(upper, known))) return { kind: "case", meant: upper };
  return { kind: "unknown" };
}

/**
 * The trust domain and its aliases (MeshConfig `trustDomain`, `cluster.local` by default, and
 * `trustDomainAliases`); `cluster.local` in a policy always stands for the local trust domain.
 */
export function trustDomains(view: ClusterView): string[] {
  const mesh = view.meshConfig;
  const primary = mesh?.trustDomain || "cluster.local";
  const aliases = (mesh?.trustDomainAliases ?? []).filter((alias) => alias !== "");
  return [...new Set([primary, ...aliases, "cluster.local"])];
}

/** The service accounts each namespace's workloads run as (and the ServiceAccounts declared there). */
export interface ServiceAccountIndex {
  /** namespace -> service account names */
  byNamespace: Map<string, Set<string>>;
}

const indexes = new WeakMap<ClusterView, ServiceAccountIndex>();

export function serviceAccountIndex(view: ClusterView): ServiceAccountIndex {
  const cached = indexes.get(view);
  if (cached) return cached;
  const byNamespace = new Map<string, Set<string>>();
  const add = (namespace: string, name: string) => {
    let set = byNamespace.get(namespace);
    if (!set) byNamespace.set(namespace, (set = new Set()));
    set.add(name);
  };
  for (const instance of workloadInstances(view)) {
    const spec = recordOf(instance.spec) ?? {};
    const name = typeof spec.serviceAccountName === "string" && spec.serviceAccountName !== "" ? spec.serviceAccountName : typeof spec.serviceAccount === "string" && spec.serviceAccount !== "" ? spec.serviceAccount : "default";
    add(appliedNamespace(instance.namespace || undefined), name);
  }
  for (const account of view.kind("ServiceAccount")) add(appliedNamespaceOf(account), nameOf(account));
  const index = { byNamespace };
  indexes.set(view, index);
  return index;
}

/** `<trust domain>/ns/<namespace>/sa/<name>` split, when the principal names a concrete namespace. */
export function parsePrincipal(principal: string): { trustDomain: string; namespace: string; account: string } | undefined {
  const at = principal.indexOf("/ns/");
  if (at < 0) return undefined;
  const parts = principal.slice(at + 4).split("/");
  if (parts.length !== 3 || parts[1] !== "sa" || parts[0] === "" || parts[0]!.includes("*")) return undefined;
  return { trustDomain: principal.slice(0, at), namespace: parts[0]!, account: parts[2]! };
}

export type PrincipalVerdict = "found" | "unknown" | "not-found" | "remote" | "foreign";

/**
 * Whether a principal matches an identity the inputs run, as Kiali judges it (KIA0106-0108):
 * an identity of a workload in this cluster matches; one only another cluster runs is remote;
 * a concrete trust domain that is neither the mesh's nor an alias is foreign. A principal is only
 * judged when the inputs hold the workloads (or ServiceAccounts) of its namespace.
 */
export function principalVerdict(principal: string, local: ServiceAccountIndex, remotes: readonly ServiceAccountIndex[], domains: readonly string[]): PrincipalVerdict {
  if (principal === "*") return "found";
  const identities = (index: ServiceAccountIndex) => {
    const out: string[] = [];
    for (const [namespace, accounts] of index.byNamespace) for (const account of accounts) for (const domain of domains) out.push(`${domain}/ns/${namespace}/sa/${account}`);
    return out;
  };
  if (identities(local).some((identity) => policyStringMatches(principal, identity))) return "found";
  if (remotes.some((remote) => identities(remote).some((identity) => policyStringMatches(principal, identity)))) return "remote";
  const parsed = parsePrincipal(principal);
  if (!parsed) return "unknown";
  if (!principal.includes("*") && !domains.includes(parsed.trustDomain)) return "foreign";
  // Judged when some cluster of the inputs holds the namespace: the mesh shares identities across clusters.
  if (!local.byNamespace.has(parsed.namespace) && !remotes.some((remote) => remote.byNamespace.has(parsed.namespace))) return "unknown";
  return "not-found";
}
