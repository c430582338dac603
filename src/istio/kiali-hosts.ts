/**
 * Hostnames as Kiali's validations read them (kiali/kiali kubernetes/host.go GetHost and
 * kubernetes/filters.go FilterByHost), which differ from Istio's on names with one dot:
 * Istio completes only names without a dot, Kiali reads `reviews.bookinfo` as reviews in
 * bookinfo when bookinfo is the object's namespace or one the cluster has.
 */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { nameOf, namespaceOf, recordOf } from "../k8s/objects.js";
import { DEFAULT_DOMAIN } from "./hosts.js";

export interface KialiHost {
  service: string;
  /** Empty for a name Kiali takes as written (a ServiceEntry host, or a name it cannot place). */
  namespace: string;
  /** Kiali's CompleteInput: the service and its namespace are known. */
  complete: boolean;
}

const identityDomain = `svc.${DEFAULT_DOMAIN}`;

/** The host `name` of an object in `namespace`, as Kiali places it among the cluster's `namespaces`. */
export function kialiHost(name: string, namespace: string, namespaces: ReadonlySet<string>): KialiHost {
  const parts = name.split(".");
  if (parts.length === 2 && (parts[1] === namespace || namespaces.has(parts[1]!))) return { service: parts[0]!, namespace: parts[1]!, complete: true };
  if (parts.length === 3 && parts[2] === "svc") return { service: parts[0]!, namespace: parts[1]!, complete: true };
  if (parts.length === 1) return { service: name, namespace, complete: true };
  if (parts.length > 2 && parts.slice(2).join(".") === identityDomain) return { service: parts[0]!, namespace: parts[1]!, complete: true };
  return { service: name, namespace: "", complete: false };
}

/** Kiali's Host.String(): the FQDN of a placed host, else the name as written. */
export function kialiHostName(host: KialiHost): string {
  return host.complete ? `${host.service}.${host.namespace}.${identityDomain}` : host.service;
}

/** Whether a route's host names a rule's host, as Kiali's subset checks compare them (FilterByHost, or the rule's wildcard covering it). */
export function kialiHostMatches(route: KialiHost, rule: KialiHost): boolean {
  const routeName = kialiHostName(route);
  const { service, namespace } = rule;
  if ((routeName === service && route.namespace === namespace) || [`${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.${identityDomain}`].includes(routeName)) return true;
  const wildcard = kialiHostName(rule);
  return wildcard === "*" || (wildcard.startsWith("*.") && routeName.endsWith(wildcard.slice(1)));
}

/** The host of a DestinationRule as Kiali places it, or undefined when it has none. */
export function kialiRuleHost(rule: KubeObject, namespaces: ReadonlySet<string>): KialiHost | undefined {
  const host = recordOf(rule.spec)?.host;
  return typeof host === "string" && host !== "" ? kialiHost(host, namespaceOf(rule), namespaces) : undefined;
}

/** The cluster's namespaces Kiali places hosts in, as far as the Namespace objects and the objects of `kinds` (those the caller reads) show them. */
export function kialiNamespaces(view: ClusterView, kinds: readonly string[]): Set<string> {
  return new Set([...view.kind("Namespace").map(nameOf), ...kinds.flatMap((kind) => view.kind(kind).map(namespaceOf))].filter((name) => name !== ""));
}
