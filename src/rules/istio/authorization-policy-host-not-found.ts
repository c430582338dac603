import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { operationValues } from "../../istio/authorization.js";
import { hostCovers } from "../../istio/hosts.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { registryOf } from "../../istio/registry.js";
import { closest } from "../../istio/suggest.js";

/**
 * Kiali's KIA0104: an operation's host written as a service name (`reviews`, `reviews.bookinfo`)
 * that no Service, ServiceEntry or VirtualService has. Other hosts are Host header values
 * (`api.example.com`, `*.example.com`) and are not looked up, as in Kiali.
 */
export const authorizationPolicyHostNotFound = defineRule({
  id: "istio/authorization-policy-host-not-found",
  category: "rbac-or-authn-denied",
  severity: "warning",
  title: "AuthorizationPolicy operation names a service host that does not exist",
  docs: {
    cause:
      "`to.operation.hosts` is compared with the request's Host header. A short service name (`reviews`) or `service.namespace` that no Service, ServiceEntry or VirtualService defines is a Host no client sends: an ALLOW rule allows nothing through that operation, a DENY rule denies nothing. Usually a typo or a service in another namespace.",
    fix: "Name an existing service (`name` in the policy's namespace, `name.namespace`, or its FQDN), or remove the host.",
    verify: ["kubectl get svc -A", "istioctl x authz check <pod> -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation", "https://kiali.io/docs/features/validations/#kia0104---this-host-has-no-matching-entry-in-the-service-registry"],
  },
  equivalents: ["KIA0104"],
  inputs: ["istio", "services", "manifests", "mesh-config"],
  reads: ["*"],
  requires: ["istio", "services"],
  scopes: ["lint", "diagnose"],
  messages: {
    "host-not-found": "{policy} {field} \"{value}\" names {host}, which no Service, ServiceEntry or VirtualService defines",
  },
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    const namespaces = new Set<string>();
    for (const ns of view.kind("Namespace")) namespaces.add(nameOf(ns));
    for (const loaded of view.objects) if (namespaceOf(loaded.object)) namespaces.add(namespaceOf(loaded.object));
    const virtualHosts = view.kind("VirtualService").flatMap((vs) => arrayOf(recordOf(vs.spec)?.hosts).filter((host): host is string => typeof host === "string").map((host) => ({ host, namespace: appliedNamespace(namespaceOf(vs) || undefined) })));
    for (const policy of view.kind("AuthorizationPolicy")) {
      const namespace = appliedNamespace(namespaceOf(policy) || undefined);
      for (const { value, path } of [...operationValues(policy, "hosts"), ...operationValues(policy, "notHosts")]) {
        const host = value.trim().toLowerCase().replace(/:\d+$/, "");
        const fqdn = serviceHostOf(host, namespace, namespaces, registry.domain);
        if (!fqdn) continue;
        const viaVirtualService = virtualHosts.some((vs) => hostCovers(vs.host.includes(".") || vs.host === "*" ? vs.host : `${vs.host}.${vs.namespace}.svc.${registry.domain}`, fqdn) || vs.host === host);
        if (registry.lookup(fqdn, namespace).length > 0 || viaVirtualService) continue;
        const field = path[path.length - 2] as string;
        const suggestion = closest(fqdn, registry.all().filter((entry) => entry.object.kind === "Service").map((entry) => entry.host));
        reportIstio(this, ctx, {
          object: policy,
          istioMessage: "This host has no matching entry in the service registry",
          path,
          message: "host-not-found",
          data: { policy: refOf(policy), field, value, host: fqdn },
          cause: `The host is read as service ${fqdn}${suggestion ? ` (${suggestion} exists)` : ""}; no request to the policy's workloads carries it as Host, so this operation never matches.`,
          fix: { description: suggestion ? `Use ${suggestion.split(".").slice(0, 2).join(".")}, or the host clients send.` : "Name an existing service, or the Host header clients send.", commands: [kubectl("edit", policy), "kubectl get svc -A"] },
          verify: [analyzeCommand(policy)],
        });
      }
    }
  },
});

/** The service FQDN a policy host names, as Kiali reads it: `name` or `name.<known namespace>`; undefined for Host header values. */
function serviceHostOf(host: string, namespace: string, namespaces: ReadonlySet<string>, domain: string): string | undefined {
  if (host === "" || host.startsWith("*") || host.endsWith("*")) return undefined;
  const parts = host.split(".");
  if (parts.length === 1) return `${host}.${namespace}.svc.${domain}`;
  if (parts.length === 2 && (parts[1] === namespace || namespaces.has(parts[1]!))) return `${parts[0]}.${parts[1]}.svc.${domain}`;
  return undefined;
}
