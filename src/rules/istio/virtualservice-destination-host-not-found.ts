import { defineRule } from "../../contract/rule.js";
import { specExportTo } from "../../istio/export-to.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { namespaceOf, refOf } from "../../k8s/objects.js";
import { registryOf, resolveHostFor } from "../../istio/registry.js";
import { closest } from "../../istio/suggest.js";
import { routeDestinations } from "../../istio/virtual-service.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const virtualServiceDestinationHostNotFound = defineRule({
  id: "istio/virtualservice-destination-host-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "VirtualService routes to a host the mesh does not know",
  docs: {
    cause:
      "A route or mirror destination names a host that is neither a Kubernetes Service nor a ServiceEntry host visible from the VirtualService's namespace (a typo, a Service in another namespace written as a short name, or a Service whose exportTo hides it). Envoy gets a route to a cluster with no endpoints and answers 503 NR/UH.",
    fix: "Point the destination at an existing Service (short name in the same namespace, or the FQDN `name.namespace.svc.cluster.local` across namespaces), create the missing Service or ServiceEntry, or widen its exportTo.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get svc -A | grep <host>", "istioctl proxy-config routes deploy/<client> -o json | grep <host>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/"],
  },
  equivalents: ["IST0101", "KIA1101"],
  inputs: ["istio", "services", "mesh-config"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "VirtualService", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "host-not-found": "{resource} routes to host \"{host}\", which no Service or ServiceEntry in {where} provides",
    "empty-destination": "{resource} routes to an empty destination, which no Service or ServiceEntry in {where} provides",
  },
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    const meshDefault = view.meshConfig?.defaultVirtualServiceExportTo;
    for (const vs of view.kind("VirtualService")) {
      const namespace = namespaceOf(vs);
      const exportTo = specExportTo(vs.spec, meshDefault);
      for (const destination of routeDestinations(vs)) {
        if (resolveHostFor(registry, destination.host, namespace, exportTo).length > 0) continue;
        const hidden = registry.existsAnywhere(destination.host.includes(".") ? destination.host : `${destination.host}.${namespace}.svc.${registry.domain}`);
        const sameNamespace = registry.all().filter((entry) => entry.namespace === namespace && entry.object.kind === "Service").map((entry) => entry.object.metadata.name ?? "");
        const suggestion = destination.host ? closest(destination.host.split(".")[0]!, sameNamespace) : undefined;
        const hostPath = [...destination.path, "host"];
        const before = { host: destination.host || undefined, ...(destination.subset ? { subset: destination.subset } : {}) };
        const after = { ...before, host: suggestion ?? "<existing-service>" };
        const where = exportTo && exportTo.length > 0 ? `the namespaces it is exported to (${exportTo.join(", ")})` : `namespace ${namespace || "(none)"}`;
        reportIstio(this, ctx, {
          object: vs,
          code: "IST0101",
          args: ["host", destination.host],
          path: destination.host ? hostPath : destination.path,
          message: destination.host ? "host-not-found" : "empty-destination",
          data: { resource: refOf(vs), host: destination.host, where },
          cause: hidden
            ? `"${destination.host}" exists, but its exportTo (or the Service's networking.istio.io/exportTo annotation) does not make it visible in ${where}, so the route has no backend there.`
            : `No Service or ServiceEntry named "${destination.host}" is visible from ${where}${suggestion ? `; the Service "${suggestion}" has a similar name` : ""}. Requests matching this route fail with 503 (no route/no healthy upstream).`,
          fix: {
            description: suggestion ? `Correct the destination host to "${suggestion}".` : hidden ? "Export the destination to this namespace, or route to a host visible here." : "Route to an existing Service, or create the Service or ServiceEntry for this host.",
            yaml: { before: yamlOf({ destination: before }), after: yamlOf({ destination: after }), target: refOf(vs) },
            commands: [kubectl("edit", vs), "kubectl get svc,serviceentries -A"],
          },
          evidence: hidden
            ? registry.all().filter((entry) => entry.host === destination.host || entry.host.startsWith(`${destination.host}.`)).slice(0, 1).map((entry) => fieldEvidence(view, entry.object, [], `${refOf(entry.object)} exportTo: ${(entry.exportTo ?? ["*"]).join(",")}`))
            : [],
          verify: [analyzeCommand(vs), `kubectl get svc${namespaceFlag(namespace)} ${suggestion ?? destination.host.split(".")[0] ?? ""}`],
        });
      }
    }
  },
});
