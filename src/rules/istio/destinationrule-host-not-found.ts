import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { toFqdn } from "../../istio/hosts.js";
import { kialiHostName, kialiNamespaces, kialiRuleHost } from "../../istio/kiali-hosts.js";
import { namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { registryOf } from "../../istio/registry.js";
import { closest } from "../../istio/suggest.js";

export const destinationRuleHostNotFound = defineRule({
  id: "istio/destinationrule-host-not-found",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "DestinationRule host matches no service",
  docs: {
    cause: "The DestinationRule's host is neither a Kubernetes Service nor a ServiceEntry host, so its traffic policy and subsets apply to nothing (usually a typo, or a short name resolved in the wrong namespace).",
    fix: "Use the Service's name (same namespace) or its FQDN `name.namespace.svc.cluster.local`, or add a ServiceEntry for an external host.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get svc -A | grep <host>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0174/", "https://kiali.io/docs/features/validations/#kia0202---this-host-has-no-matching-entry-in-the-service-registry"],
  },
  equivalents: ["IST0174", "KIA0202"],
  inputs: ["istio", "services", "mesh-config"],
  reads: ["DestinationRule", "EndpointSlice", "Endpoints", "Namespace", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "host-not-found": "{rule} is for host {host}, which matches no Service or ServiceEntry",
  },
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    const namespaces = kialiNamespaces(view, ["DestinationRule", "Service", "ServiceEntry"]);
    for (const dr of view.kind("DestinationRule")) {
      const host = recordOf(dr.spec)?.host;
      if (typeof host !== "string" || host === "") continue;
      const fqdn = toFqdn(host, namespaceOf(dr));
      if (fqdn.startsWith("*")) continue;
      if (registry.existsAnywhere(fqdn)) continue;
      // Kiali places `reviews.bookinfo` at reviews in bookinfo (KIA0202 only when that is no service either); Istio takes it as written.
      const placed = kialiRuleHost(dr, namespaces);
      const kialiFinds = placed?.complete === true && registry.existsAnywhere(kialiHostName(placed));
      const suggestion = kialiFinds ? kialiHostName(placed) : closest(fqdn, registry.all().map((entry) => entry.host));
      reportIstio(this, ctx, {
        object: dr,
        code: "IST0174",
        args: [host],
        path: ["spec", "host"],
        ...(kialiFinds ? { equivalents: [] } : {}),
        message: "host-not-found",
        data: { rule: refOf(dr), host },
        cause: kialiFinds
          ? `Istio completes only names without a dot, so it takes ${host} as a full name that nothing in the mesh has, and this DestinationRule's policy and subsets apply to no traffic; Kiali reads it as ${suggestion}, which exists.`
          : `Nothing in the mesh is called ${fqdn}, so this DestinationRule's policy and subsets apply to no traffic${suggestion ? `; ${suggestion} is close` : ""}.`,
        fix: {
          description: suggestion ? `Set host to ${suggestion}.` : "Set host to an existing Service, or add a ServiceEntry for it.",
          yaml: { before: yamlOf({ spec: { host } }), after: yamlOf({ spec: { host: suggestion ?? "<service>.<namespace>.svc.cluster.local" } }), target: refOf(dr) },
          commands: [kubectl("edit", dr), "kubectl get svc,serviceentries -A"],
        },
        verify: [analyzeCommand(dr)],
      });
    }
  },
});
