import type { KubeObject } from "../model/kube.js";
import { DEFAULT_DOMAIN, hostCovers, toFqdn } from "./hosts.js";
import { arrayOf, namespaceOf, recordOf } from "../k8s/objects.js";

/** The DestinationRules of the Istio API (not other CRDs of that name). */
export function istioDestinationRules(rules: readonly KubeObject[]): KubeObject[] {
  return rules.filter((rule) => (rule.apiVersion ?? "").includes("istio.io"));
}

/** The host a DestinationRule applies to, as istiod resolves it: a short name in the rule's namespace, anything else as written. */
export function ruleHost(rule: KubeObject): string {
  const host = recordOf(rule.spec)?.host;
  return typeof host === "string" ? toFqdn(host, namespaceOf(rule)) : "";
}

/** The top-level TLS mode; a tls block without a mode is DISABLE, the enum's zero value. */
export function topLevelTlsMode(rule: KubeObject): string | undefined {
  const tls = recordOf(recordOf(recordOf(rule.spec)?.trafficPolicy)?.tls);
  if (!tls) return undefined;
  return typeof tls.mode === "string" ? tls.mode : "DISABLE";
}

/** Whether the rule sets TLS at the top level or for some port (what Kiali counts as TLS settings). */
export function hasTlsSettings(rule: KubeObject): boolean {
  const policy = recordOf(recordOf(rule.spec)?.trafficPolicy);
  if (!policy) return false;
  if (recordOf(policy.tls)) return true;
  return arrayOf(policy.portLevelSettings).some((port) => recordOf(recordOf(port)?.tls) !== undefined);
}

export const MESH_WIDE_HOST = "*.local";
export const namespaceWideHost = (namespace: string, domain = DEFAULT_DOMAIN): string => `*.${namespace}.svc.${domain}`;

/**
 * Istio's documented ways to turn mTLS on beyond one service: ISTIO_MUTUAL for `*.local` (mesh-wide), or for
 * `*.<ns>.svc.cluster.local` in namespace `<ns>` (namespace-wide). Such rules set a default that more specific
 * rules replace (DestinationRules are not inherited).
 */
export function enablesNonLocalMtls(rule: KubeObject, domain = DEFAULT_DOMAIN): boolean {
  const host = recordOf(rule.spec)?.host;
  if (topLevelTlsMode(rule) !== "ISTIO_MUTUAL") return false;
  return host === MESH_WIDE_HOST || host === namespaceWideHost(namespaceOf(rule), domain);
}

/** The namespace a cluster-local hostname names (`reviews.bookinfo.svc.cluster.local` -> `bookinfo`). */
export function hostNamespace(host: string, domain = DEFAULT_DOMAIN): string | undefined {
  const suffix = `.svc.${domain}`;
  if (!host.endsWith(suffix)) return undefined;
  const parts = host.slice(0, -suffix.length).split(".");
  return parts.length === 2 ? parts[1] : undefined;
}

/** The subset names of a rule; none means the rule applies to the host as a whole. */
export function subsetNames(rule: KubeObject): string[] {
  return arrayOf(recordOf(rule.spec)?.subsets)
    .map((subset) => recordOf(subset)?.name)
    .filter((name): name is string => typeof name === "string");
}

/** Whether two resolved DestinationRule hosts can select the same service (a wildcard covering the other). */
export function ruleHostsOverlap(a: string, b: string): boolean {
  return a !== "" && b !== "" && (hostCovers(a, b) || hostCovers(b, a));
}
