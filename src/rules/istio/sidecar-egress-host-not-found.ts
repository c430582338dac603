import { defineRule } from "../../contract/rule.js";
import type { Fix } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { isVisible } from "../../istio/export-to.js";
import { knownNamespaces } from "../../k8s/namespaces.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { registryOf, type RegistryEntry, type ServiceRegistry } from "../../istio/registry.js";
import { egressHosts, importedBy, importsHostname, parseEgressHost, type EgressHost } from "../../istio/sidecar-egress.js";
import { closest } from "../../istio/suggest.js";
import { halfQualifiedServiceFqdn } from "../../istio/hosts.js";
import { appliedNamespace } from "../../model/namespace.js";
import { analyzeCommand, fieldEvidence, kubectl } from "./finding.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** The namespace a cluster-local hostname names (`reviews.bookinfo.svc.cluster.local` -> `bookinfo`). */
function clusterLocalNamespace(hostname: string, domain: string): string | undefined {
  const match = new RegExp(`^[^.]+\\.([^.]+)\\.svc\\.${domain.replace(/\./g, "\\.")}$`).exec(hostname);
  return match?.[1];
}

/** Whether the inputs can tell that nothing matches: the namespace the host must live in is among them, or the name's own namespace is. */
function judged(view: ClusterView, host: EgressHost, known: ReadonlySet<string>, domain: string): boolean {
  if (host.namespace !== "*" && known.has(host.namespace)) return true;
  const own = clusterLocalNamespace(host.dnsName, domain);
  if (own !== undefined) return known.has(own);
  return host.namespace === "*" && (view.mode !== "lint" || view.kind("ServiceEntry").length > 0);
}

function replaceFix(sidecar: KubeObject, path: ReadonlyArray<string | number>, value: string, replacement: string, description: string): Fix {
  const namespace = namespaceOf(sidecar);
  const patch = JSON.stringify([{ op: "replace", path: `/${path.join("/")}`, value: replacement }]);
  return {
    description,
    yaml: { before: `- ${value}`, after: `- ${replacement}`, target: `${refOf(sidecar)} ${path.slice(1).join(".")}` },
    change: { kind: "Sidecar", ...(namespace ? { namespace } : {}), name: nameOf(sidecar), type: "json", patch },
    commands: [`kubectl patch sidecar ${nameOf(sidecar)}${namespaceFlag(namespace)} --type json -p '${patch}'`],
  };
}

/** Where the name the host asks for does exist, when not where the host looks for it. */
function elsewhere(registry: ServiceRegistry, host: EgressHost): RegistryEntry[] {
  return registry.all().filter((entry) => importsHostname(host.dnsName, entry.host));
}

export const sidecarEgressHostNotFound = defineRule({
  id: "istio/sidecar-egress-host-not-found",
  category: "routing-reference-not-found",
  severity: "warning",
  title: "Sidecar egress host imports no service",
  docs: {
    cause:
      "A Sidecar's egress hosts (`namespace/dnsName`) list what its proxies may reach: istiod imports the Services, ServiceEntry hosts and VirtualServices of that namespace (any namespace for `*`, the Sidecar's own for `.`) whose hostname matches the name as written. A host that matches nothing imports nothing: the proxies get no cluster for it, so calls to it go to the passthrough cluster without mTLS or routing (ALLOW_ANY) or fail with 502 (REGISTRY_ONLY). Usually the service lives in another namespace than the prefix says, or the name is not the full hostname.",
    fix: "Write the host as `<namespace of the service>/<its FQDN>` (for a Kubernetes Service `name.namespace.svc.cluster.local`), or `*/` when it may live anywhere; remove it if the service is gone.",
    verify: ["istioctl proxy-config cluster deploy/<workload> -n <namespace> --fqdn <host>", "kubectl get svc,serviceentry -A"],
    references: ["https://istio.io/latest/docs/reference/config/networking/sidecar/#IstioEgressListener", "https://kiali.io/docs/features/validations/#kia1004---this-host-has-no-matching-entry-in-the-service-registry"],
  },
  equivalents: ["KIA1004"],
  inputs: ["istio", "services", "mesh-config", "manifests"],
  reads: ["*"],
  requires: ["istio"],
  scopes: ["lint", "diagnose"],
  messages: {
    "not-found": '{sidecar} egress host "{host}" imports nothing: no Service, ServiceEntry or VirtualService {scope} has the hostname {dnsName}',
    "other-namespace": '{sidecar} egress host "{host}" imports nothing: {dnsName} is defined in namespace {actual}, not {namespace}',
    "not-exported": '{sidecar} egress host "{host}" imports nothing: {dnsName} in namespace {actual} is not exported to namespace {sidecarNamespace}',
    "half-qualified": '{sidecar} egress host "{host}" imports nothing: istiod compares the name as written, and the Service\'s hostname is {fqdn}',
  },
  analyze({ view, report }) {
    const sidecars = view.kind("Sidecar");
    if (sidecars.length === 0) return;
    const registry = registryOf(view);
    const known = knownNamespaces(view);
    for (const sidecar of sidecars) {
      const sidecarNamespace = namespaceOf(sidecar);
      for (const { value, path } of egressHosts(sidecar)) {
        const host = parseEgressHost(value, sidecarNamespace);
        // `ns/*`, `*/*`, `./*` import whole namespaces, and `~` entries exclude: nothing to look up (as in Kiali).
        if (!host || host.excluded || host.dnsName === "*" || !host.dnsName.includes(".")) continue;
        if (importedBy(view, registry, host, sidecarNamespace).length > 0) continue;
        const candidates = elsewhere(registry, host);
        const visible = candidates.filter((entry) => isVisible(entry.exportTo, entry.namespace, sidecarNamespace));
        if (candidates.length === 0 && !judged(view, host, known, registry.domain)) continue;
        const base = { object: sidecar, fieldPath: path, evidence: [fieldEvidence(view, sidecar, path, `${refOf(sidecar)} ${path.slice(1).join(".")} is "${value}"`)], verify: [analyzeCommand(sidecar), `istioctl proxy-config cluster deploy/<workload>${namespaceFlag(sidecarNamespace)} --fqdn ${host.dnsName}`] };
        const sidecarRef = refOf(sidecar);
        const scope = host.namespace === "*" ? "in any namespace" : `in namespace ${host.namespace}`;
        if (visible.length > 0) {
          const actual = visible[0]!;
          const replacement = `${appliedNamespace(actual.object.metadata.namespace)}/${host.dnsName}`;
          report({
            ...base,
            message: "other-namespace",
            data: { sidecar: sidecarRef, host: value, dnsName: host.dnsName, actual: actual.namespace, namespace: host.namespace },
            cause: `istiod imports ${host.dnsName} only from namespace ${host.namespace}; ${actual.object.kind} ${actual.namespace}/${nameOf(actual.object)} defines it in ${actual.namespace}, so the proxies this Sidecar selects get no cluster for it.`,
            evidence: [...base.evidence, fieldEvidence(view, actual.object, [], `${actual.object.kind} ${actual.namespace}/${nameOf(actual.object)} has the hostname ${actual.host}`)],
            fix: () => replaceFix(sidecar, path, value, replacement, `Import ${host.dnsName} from namespace ${actual.namespace}.`),
          });
          continue;
        }
        if (candidates.length > 0) {
          const actual = candidates[0]!;
          report({
            ...base,
            message: "not-exported",
            data: { sidecar: sidecarRef, host: value, dnsName: host.dnsName, actual: actual.namespace, sidecarNamespace: sidecarNamespace || "(none)" },
            cause: `${actual.object.kind} ${actual.namespace}/${nameOf(actual.object)} has the hostname, but its exportTo (${(actual.exportTo ?? []).join(", ")}) hides it from namespace ${sidecarNamespace || "(none)"}; istiod only imports what is exported to the Sidecar's namespace.`,
            evidence: [...base.evidence, fieldEvidence(view, actual.object, [], `${actual.object.kind} ${actual.namespace}/${nameOf(actual.object)} exportTo ${JSON.stringify(actual.exportTo ?? [])}`)],
            fix: { description: `Export ${host.dnsName} to namespace ${sidecarNamespace || "(none)"}, or remove the host from the Sidecar.`, commands: [kubectl("edit", actual.object)] },
          });
          continue;
        }
        const expanded = halfQualifiedServiceFqdn(host.dnsName, registry.domain);
        const halfQualified = expanded ? registry.entries(expanded).find((entry) => entry.object.kind === "Service") : undefined;
        if (halfQualified) {
          const replacement = `${host.namespace === halfQualified.namespace ? value.split("/")[0] : halfQualified.namespace}/${halfQualified.host}`;
          report({
            ...base,
            message: "half-qualified",
            data: { sidecar: sidecarRef, host: value, fqdn: halfQualified.host },
            cause: `Egress hosts are matched against hostnames without expanding them; "${host.dnsName}" is the DNS search-path form of ${halfQualified.host}, which istiod does not recognise here.`,
            fix: () => replaceFix(sidecar, path, value, replacement, `Write the Service's full hostname, ${halfQualified.host}.`),
          });
          continue;
        }
        const inScope = registry.all().filter((entry) => host.namespace === "*" || entry.namespace === host.namespace).map((entry) => entry.host);
        const suggestion = closest(host.dnsName, inScope);
        report({
          ...base,
          message: "not-found",
          data: { sidecar: sidecarRef, host: value, scope, dnsName: host.dnsName },
          cause: `Nothing ${scope} has the hostname ${host.dnsName}${suggestion ? ` (${suggestion} does)` : ""}: the proxies get no cluster for it, and calls to it bypass the mesh's routing and mTLS (ALLOW_ANY) or fail (REGISTRY_ONLY).`,
          fix: suggestion
            ? replaceFix(sidecar, path, value, `${value.split("/")[0]}/${suggestion}`, `Import ${suggestion}, the existing host closest to ${host.dnsName}.`)
            : { description: `Define ${host.dnsName} (a Service, or a ServiceEntry for an external host) ${scope}, fix the name, or remove it from the Sidecar.`, commands: [kubectl("edit", sidecar), "kubectl get svc,serviceentry -A"] },
        });
      }
    }
  },
});
