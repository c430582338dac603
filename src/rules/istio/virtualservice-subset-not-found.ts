import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl, yamlOf } from "./finding.js";
import { halfQualifiedServiceFqdn, toFqdn } from "../../istio/hosts.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { registryOf } from "../../istio/registry.js";
import { destinationRulesFor, destinationRulesForHost, destinationRulesVisibleFrom, routeDestinations, subsetsOf, type RouteDestination } from "../../istio/virtual-service.js";
import { kialiHost, kialiHostMatches, kialiNamespaces, kialiRuleHost } from "../../istio/kiali-hosts.js";
import { selectInstances, workloadInstances } from "../../istio/workloads.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Labels for a new subset: the version label of the pods behind the host when
 * there is one with that value, else `version: <subset>`.
 */
/**
 * The labels that select a subset's pods, read from the pods the host's Service selects: `version: v1`
 * for subset `v1`, and also for `version-v1` or `catalog-v1`. When no pod carries such a label the
 * labels are a marked placeholder: a guessed label would select no pod.
 */
function subsetLabels(view: ClusterView, host: string, subset: string): Record<string, string> {
  const entry = registryOf(view).entries(host)[0];
  if (entry?.selector) {
    const pods = selectInstances(workloadInstances(view, entry.namespace), entry.selector);
    for (const key of ["version", "app.kubernetes.io/version"]) {
      const exact = pods.find((pod) => pod.labels[key] === subset);
      if (exact) return { [key]: subset };
    }
    const preferred = (key: string) => (key === "version" ? 0 : key === "app.kubernetes.io/version" ? 1 : key.includes("istio.io") ? 3 : 2);
    for (const pod of pods) {
      const labels = Object.entries(pod.labels).sort(([a], [b]) => preferred(a) - preferred(b));
      for (const [key, value] of labels) {
        if (key in entry.selector || key === "pod-template-hash" || value === "") continue;
        if (subset === `${key}-${value}` || subset.endsWith(`-${value}`)) return { [key]: value };
      }
    }
  }
  return { "<label key>": `<the label value the pods of subset ${subset} carry>` };
}

/**
 * Whether Kiali reports KIA1107 for the destination: it checks route destinations (not mirrors) against the
 * DestinationRules exported to the VirtualService's namespace, reading both hosts its way (kiali-hosts.ts), so it
 * finds `reviews.bookinfo`'s subset in a rule for reviews in bookinfo, and a rule whose host is `reviews.bookinfo`.
 */
function kialiMissesSubset(view: ClusterView, vs: KubeObject, destination: RouteDestination, namespaces: ReadonlySet<string>): boolean {
  if (destination.mirror) return false;
  const route = kialiHost(destination.host, namespaceOf(vs), namespaces);
  return !destinationRulesVisibleFrom(view, namespaceOf(vs)).some((dr) => {
    const ruleHost = kialiRuleHost(dr, namespaces);
    return ruleHost !== undefined && subsetsOf(dr).some((subset) => subset.name === destination.subset) && kialiHostMatches(route, ruleHost);
  });
}

export const virtualServiceSubsetNotFound = defineRule({
  id: "istio/virtualservice-subset-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "VirtualService routes to a subset no DestinationRule defines",
  docs: {
    cause:
      "A route names `subset: X` for a host, but no DestinationRule visible from the VirtualService's namespace defines subset X for that host. Envoy has no cluster `outbound|port|X|host` and every request on that route gets 503 NR (route to a missing cluster).",
    fix: "Add the subset to the host's DestinationRule (with labels that select the pods of that version), create the DestinationRule, or route to a subset that exists.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get destinationrules -A -o yaml | grep -A3 subsets", "istioctl proxy-config cluster deploy/<client> --fqdn <host> --subset <subset>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/", "https://kiali.io/docs/features/validations/#kia1107---subset-not-found"],
  },
  equivalents: ["IST0101", "KIA1107"],
  inputs: ["istio", "pods", "workloads", "services", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DestinationRule", "EndpointSlice", "Endpoints", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "VirtualService", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "host-not-expanded": "{resource} routes to {host}, which Istio does not expand to {expanded}: {rule}'s subset \"{subset}\" does not apply",
    "subset-not-defined": "{resource} routes to subset \"{subset}\" of {host}, which {rule} does not define (it defines {defined})",
    "no-destination-rule": "{resource} routes to subset \"{subset}\" of {host}, which no DestinationRule defines",
    "rule-host-not-expanded": "{resource} routes to subset \"{subset}\" of {host}, which {rule} defines for {ruleHost}: Istio does not expand that name to {expanded}, so the subset does not apply",
  },
  analyze(ctx) {
    const { view } = ctx;
    const namespaces = kialiNamespaces(view, ["Service", "ServiceEntry", "DestinationRule", "VirtualService", "Deployment", "StatefulSet", "Pod"]);
    for (const vs of view.kind("VirtualService")) {
      const namespace = namespaceOf(vs);
      const missingByHost = new Map<string, Set<string>>();
      for (const destination of routeDestinations(vs)) {
        if (!destination.subset || !destination.host) continue;
        const fqdn = toFqdn(destination.host, namespace);
        const rules = destinationRulesFor(view, fqdn, namespace);
        if (rules.some((dr) => subsetsOf(dr).some((subset) => subset.name === destination.subset))) continue;
        // `reviews.bookinfo`: Istio does not expand a name with a dot, so the route names no service; Kiali reads it as
        // reviews in bookinfo and finds the subset. Only Istio's code applies, and the fix is the host.
        const halfQualified = halfQualifiedServiceFqdn(destination.host);
        const missingSubset = {
          object: vs,
          code: "IST0101",
          args: ["host+subset in destinationrule", `${destination.host}+${destination.subset}`],
          equivalents: kialiMissesSubset(view, vs, destination, namespaces) ? ["KIA1107"] : [],
        };
        const intended = halfQualified ? destinationRulesFor(view, halfQualified, namespace).find((dr) => subsetsOf(dr).some((subset) => subset.name === destination.subset)) : undefined;
        if (halfQualified && intended) {
          reportIstio(this, ctx, {
            ...missingSubset,
            path: [...destination.path, "host"],
            message: "host-not-expanded",
            data: { resource: refOf(vs), host: destination.host, expanded: halfQualified, rule: refOf(intended), subset: destination.subset },
            cause: `Istio completes only names without a dot (reviews -> reviews.<namespace>.svc.cluster.local); ${destination.host} is taken as a full name that no service has, so the route and its subset match nothing.`,
            fix: { description: `Write the host as ${halfQualified} (or the short name from its own namespace).`, yaml: { before: yamlOf({ destination: { host: destination.host, subset: destination.subset } }), after: yamlOf({ destination: { host: halfQualified, subset: destination.subset } }), target: refOf(vs) }, commands: [kubectl("edit", vs)] },
            evidence: [fieldEvidence(view, intended, ["spec", "subsets"], `${refOf(intended)} defines subset "${destination.subset}" for ${halfQualified}`)],
            verify: [analyzeCommand(vs)],
          });
          continue;
        }
        // A DestinationRule for `reviews.bookinfo` configures no service in Istio either, while Kiali places it at reviews in bookinfo.
        const unexpandedRule = destinationRulesVisibleFrom(view, namespace).find((dr) => {
          const host = recordOf(dr.spec)?.host;
          return typeof host === "string" && halfQualifiedServiceFqdn(host) === fqdn && subsetsOf(dr).some((subset) => subset.name === destination.subset);
        });
        if (unexpandedRule) {
          const ruleHost = String(recordOf(unexpandedRule.spec)?.host);
          const patch = JSON.stringify({ spec: { host: fqdn } });
          reportIstio(this, ctx, {
            ...missingSubset,
            path: [...destination.path, "subset"],
            message: "rule-host-not-expanded",
            data: { resource: refOf(vs), subset: destination.subset, host: destination.host, rule: refOf(unexpandedRule), ruleHost, expanded: fqdn },
            cause: `Istio completes only names without a dot; ${refOf(unexpandedRule)} is for ${ruleHost}, taken as a full name that no service has, so its subsets apply to nothing and Envoy has no cluster for this route (503 NR).`,
            fix: {
              description: `Write the host of ${refOf(unexpandedRule)} as ${fqdn}.`,
              yaml: { before: yamlOf({ spec: { host: ruleHost } }), after: yamlOf({ spec: { host: fqdn } }), target: refOf(unexpandedRule) },
              change: { kind: "DestinationRule", ...(namespaceOf(unexpandedRule) ? { namespace: namespaceOf(unexpandedRule) } : {}), name: nameOf(unexpandedRule), type: "merge" as const, patch },
              commands: [`kubectl patch destinationrule ${nameOf(unexpandedRule)}${namespaceFlag(namespaceOf(unexpandedRule))} --type merge -p '${patch}'`],
            },
            evidence: [fieldEvidence(view, unexpandedRule, ["spec", "host"], `${refOf(unexpandedRule)} host ${ruleHost} defines subset "${destination.subset}"`)],
            verify: [analyzeCommand(vs)],
          });
          continue;
        }
        const hidden = destinationRulesForHost(view, fqdn).filter((dr) => !rules.includes(dr) && subsetsOf(dr).some((subset) => subset.name === destination.subset));
        let set = missingByHost.get(fqdn);
        if (!set) missingByHost.set(fqdn, (set = new Set()));
        set.add(destination.subset);
        const existing = rules[0];
        const defined = rules.flatMap((dr) => subsetsOf(dr).map((subset) => subset.name));
        reportIstio(this, ctx, {
          ...missingSubset,
          path: [...destination.path, "subset"],
          message: existing ? "subset-not-defined" : "no-destination-rule",
          data: { resource: refOf(vs), subset: destination.subset, host: destination.host, ...(existing ? { rule: refOf(existing), defined: defined.length ? defined.join(", ") : "no subsets" } : {}) },
          cause: hidden.length
            ? `${refOf(hidden[0]!)} defines subset "${destination.subset}" but its exportTo does not include namespace ${namespace || "(none)"}, so the route cannot use it.`
            : `Without a subset "${destination.subset}" for ${fqdn}, Envoy has no cluster for this route and answers 503 NR for every request it matches.`,
          fix: existing ? addSubsetFix(view, existing, fqdn, destination.subset) : newRuleFix(view, vs, destination.host, fqdn),
          evidence: [
            ...(existing ? [fieldEvidence(view, existing, ["spec", "subsets"], `${refOf(existing)} subsets: ${defined.join(", ") || "(none)"}`)] : []),
            ...hidden.map((dr) => fieldEvidence(view, dr, ["spec", "exportTo"], `${refOf(dr)} defines "${destination.subset}" but exportTo is ${JSON.stringify(recordOf(dr.spec)?.exportTo)}`)),
          ],
          verify: [analyzeCommand(vs), `istioctl proxy-config cluster deploy/<client>${namespaceFlag(namespace)} --fqdn ${fqdn} --subset ${destination.subset}`],
        });
      }
    }

    function addSubsetFix(view: ClusterView, dr: KubeObject, fqdn: string, subset: string) {
      const subsets = arrayOf(recordOf(dr.spec)?.subsets);
      const added = [...subsets, { name: subset, labels: subsetLabels(view, fqdn, subset) }];
      const namespace = namespaceOf(dr);
      const patch = JSON.stringify({ spec: { subsets: added } });
      return {
        description: `Add subset "${subset}" to ${refOf(dr)}, with labels that select the pods of that version.`,
        yaml: { before: yamlOf({ spec: { host: recordOf(dr.spec)?.host, subsets } }), after: yamlOf({ spec: { host: recordOf(dr.spec)?.host, subsets: added } }), target: refOf(dr) },
        change: { kind: "DestinationRule", ...(namespace ? { namespace } : {}), name: nameOf(dr), type: "merge" as const, patch },
        commands: [`kubectl patch destinationrule ${nameOf(dr)}${namespaceFlag(namespace)} --type merge -p '${patch}'`, `kubectl get pods${namespaceFlag(namespace)} -L version`],
      };
    }

    function newRuleFix(view: ClusterView, vs: KubeObject, host: string, fqdn: string) {
      const used = [...new Set(routeDestinations(vs).filter((d) => d.subset && toFqdn(d.host, namespaceOf(vs)) === fqdn).map((d) => d.subset!))];
      const manifest = {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: host.split(".")[0], ...(namespaceOf(vs) ? { namespace: namespaceOf(vs) } : {}) },
        spec: { host, subsets: used.map((name) => ({ name, labels: subsetLabels(view, fqdn, name) })) },
      };
      return {
        description: `Create a DestinationRule for ${host} with the subsets ${refOf(vs)} uses (${used.join(", ")}).`,
        yaml: { before: "", after: yamlOf(manifest), target: `DestinationRule ${namespaceOf(vs) ? `${namespaceOf(vs)}/` : ""}${nameOf({ kind: "DestinationRule", metadata: manifest.metadata })}` },
        change: { kind: "DestinationRule", ...(namespaceOf(vs) ? { namespace: namespaceOf(vs) } : {}), name: String(manifest.metadata.name), type: "create" as const, patch: JSON.stringify(manifest) },
        commands: ["kubectl apply -f destinationrule.yaml   # the YAML above", `kubectl get pods${namespaceFlag(namespaceOf(vs))} -L version`],
      };
    }
  },
});
