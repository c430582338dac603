/** Host names as Istio resolves and compares them. */

export const DEFAULT_DOMAIN = "cluster.local";

/**
 * Resolves a short host the way Istio does: a name without dots is a Service
 * in the given namespace (`reviews` -> `reviews.default.svc.cluster.local`);
 * names with dots and `*` are taken as written.
 */
export function toFqdn(host: string, namespace: string, domain = DEFAULT_DOMAIN): string {
  if (host === "*" || host.includes(".")) return host;
  if (host.startsWith("*")) return host;
  return `${host}.${namespace}.svc.${domain}`;
}

/** `name.namespace.svc.cluster.local` for a Kubernetes Service. */
export function serviceFqdn(name: string, namespace: string, domain = DEFAULT_DOMAIN): string {
  return `${name}.${namespace}.svc.${domain}`;
}

/**
 * The Service a half-qualified name (`reviews.bookinfo`) means to a reader, which Istio does not expand:
 * it takes a name with a dot as written. Undefined for any other name.
 */
export function halfQualifiedServiceFqdn(host: string, domain = DEFAULT_DOMAIN): string | undefined {
  return host.split(".").length === 2 ? `${host}.svc.${domain}` : undefined;
}

/** Whether `pattern` (which may start with `*`) covers `host`. `*` covers everything. */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  if (pattern === host) return true;
  if (pattern.startsWith("*")) {
    const suffix = pattern.slice(1);
    if (host.startsWith("*")) return host.slice(1).endsWith(suffix);
    return host.endsWith(suffix);
  }
  return false;
}

/** Whether two host patterns can match a common name. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** Strips a `namespace/` prefix from a Gateway or Sidecar host (`ns/host`, `./host`, `*\/host`). */
export function splitNamespacedHost(value: string): { namespace?: string; host: string } {
  const slash = value.indexOf("/");
  if (slash < 0) return { host: value };
  return { namespace: value.slice(0, slash), host: value.slice(slash + 1) };
}
