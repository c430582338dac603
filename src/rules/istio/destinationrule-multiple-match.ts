import { defineRule, type Report } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { enablesNonLocalMtls, hostNamespace, istioDestinationRules, ruleHost, ruleHostsOverlap, subsetNames } from "../../istio/destination-rules.js";
import { arrayOf, namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { analyzeCommand, fieldEvidence, kubectl } from "./finding.js";

const KIALI = ["KIA0201"];

function selectorKey(rule: KubeObject): string {
  const selector = recordOf(recordOf(rule.spec)?.workloadSelector);
  if (!selector) return "";
  return JSON.stringify(Object.entries(stringMapOf(selector.matchLabels)).sort());
}

function exportToKey(rule: KubeObject): string {
  return JSON.stringify(arrayOf(recordOf(rule.spec)?.exportTo).map(String).sort());
}

const hasPolicy = (rule: KubeObject) => recordOf(recordOf(rule.spec)?.trafficPolicy) !== undefined;

export const destinationRuleMultipleMatch = defineRule({
  id: "istio/destinationrule-multiple-match",
  category: "routing-conflict",
  severity: "warning",
  title: "Several DestinationRules configure the same host",
  docs: {
    cause:
      "istiod merges DestinationRules of one namespace for the same host: subsets are concatenated, but a subset name already defined is ignored, and only the first top-level trafficPolicy is kept (the first rule created wins). Rules of different namespaces are not merged: a client's own namespace's rule replaces the service's. A wildcard rule is not inherited by a host that has a rule of its own. Where two rules collide, one definition is silently dropped.",
    fix: "Keep one DestinationRule per host and namespace: move the subsets and traffic policy of the second into the first, rename a duplicate subset, or give the wildcard's settings to the specific rule too.",
    verify: ["kubectl get destinationrules -A", "istioctl proxy-config cluster deploy/<client> -n <namespace> --fqdn <host>"],
    references: ["https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-large-virtual-services-and-destination-rules-into-multiple-resources", "https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration", "https://kiali.io/docs/features/validations/#kia0201---more-than-one-destinationrules-for-the-same-host-subset-combination"],
  },
  equivalents: KIALI,
  inputs: ["istio"],
  reads: ["DestinationRule"],
  scopes: ["lint", "diagnose"],
  messages: {
    "duplicate-subset": '{rule} defines subset "{subset}" of {host} again: istiod merges it into {other}, which defines it first, and ignores this one',
    "policy-ignored": "{rule} sets a trafficPolicy for {host} that istiod ignores: it merges the rule into {other}, whose trafficPolicy comes first",
    "merged": "{rule} and {other} both configure {host}: istiod merges them without losing anything",
    "shadowed": "{rule} ({wildcard}) does not apply to {host}: istiod uses {other} alone for it",
    "other-namespace": "{rule} and {other} both configure {host} from different namespaces: istiod does not merge them, and clients in namespace {namespace} get {rule} alone",
  },
  analyze({ view, report }) {
    const rules = istioDestinationRules(view.kind("DestinationRule")).filter((rule) => !enablesNonLocalMtls(rule) && ruleHost(rule) !== "");
    if (rules.length < 2) return;
    const evidenceOf = (rule: KubeObject) => fieldEvidence(view, rule, ["spec", "host"], `${refOf(rule)} host ${String(recordOf(rule.spec)?.host)}, subsets ${subsetNames(rule).join(", ") || "(none)"}${hasPolicy(rule) ? ", with a trafficPolicy" : ""}`);
    const guidance = (rule: KubeObject, other: KubeObject, description: string) => ({ description, commands: [kubectl("edit", rule), kubectl("get", other, "-o yaml")] });
    // Only rules whose hosts can overlap pair up: the same host, or a wildcard covering the other. Indexing the
    // earlier rules by host and keeping the wildcards apart visits those pairs alone, in the same order.
    const hosts = rules.map(ruleHost);
    const byHost = new Map<string, number[]>();
    const wildcards: number[] = [];
    const remember = (index: number) => {
      if (hosts[index]!.startsWith("*")) wildcards.push(index);
      let list = byHost.get(hosts[index]!);
      if (!list) byHost.set(hosts[index]!, (list = []));
      list.push(index);
    };
    remember(0);
    for (let j = 1; j < rules.length; j++) {
      const second = rules[j]!;
      const earlier = hosts[j]!.startsWith("*") ? [...Array(j).keys()] : [...new Set([...(byHost.get(hosts[j]!) ?? []), ...wildcards])].sort((a, b) => a - b);
      remember(j);
      for (const i of earlier) {
        const first = rules[i]!;
        const [firstHost, secondHost] = [hosts[i]!, hosts[j]!];
        if (!ruleHostsOverlap(firstHost, secondHost) || selectorKey(first) !== selectorKey(second)) continue;
        const [firstSubsets, secondSubsets] = [subsetNames(first), subsetNames(second)];
        const shared = secondSubsets.filter((name) => firstSubsets.includes(name));
        const kialiCollides = firstSubsets.length === 0 || secondSubsets.length === 0 || shared.length > 0;
        const base = (rule: KubeObject, other: KubeObject): Pick<Report, "object" | "fieldPath" | "evidence" | "verify"> => ({ object: rule, fieldPath: ["spec", "host"], evidence: [evidenceOf(rule), evidenceOf(other)], verify: [analyzeCommand(rule)] });
        if (firstHost !== secondHost) {
          if (!kialiCollides) continue;
          const [wildcard, specific] = firstHost.startsWith("*") && (!secondHost.startsWith("*") || firstHost.length < secondHost.length) ? [first, second] : [second, first];
          report({
            ...base(wildcard, specific),
            message: "shadowed",
            data: { rule: refOf(wildcard), wildcard: ruleHost(wildcard), host: ruleHost(specific), other: refOf(specific) },
            cause: `DestinationRules are not inherited: for ${ruleHost(specific)} istiod picks the most specific rule, ${refOf(specific)}, and none of the subsets or traffic policy of ${refOf(wildcard)} reach it.`,
            fix: () => guidance(specific, wildcard, `Copy the settings ${ruleHost(specific)} needs from ${refOf(wildcard)} into ${refOf(specific)}.`),
          });
          continue;
        }
        if (namespaceOf(first) !== namespaceOf(second)) {
          if (!kialiCollides) continue;
          const own = hostNamespace(firstHost);
          const [rule, other] = namespaceOf(second) !== own ? [second, first] : [first, second];
          report({
            ...base(rule, other),
            message: "other-namespace",
            data: { rule: refOf(rule), other: refOf(other), host: firstHost, namespace: namespaceOf(rule) || "(none)" },
            cause: `istiod looks for a client's DestinationRule in the client's namespace first, then in the service's, then in the root namespace, and uses the first namespace that has one: clients in ${namespaceOf(rule) || "(none)"} never see the subsets or policy of ${refOf(other)}.`,
            fix: () => guidance(rule, other, `Keep one DestinationRule for ${firstHost} (in its Service's namespace), or make ${refOf(rule)} define everything its namespace's clients need.`),
          });
          continue;
        }
        if (exportToKey(first) !== exportToKey(second)) continue;
        for (const subset of shared) {
          report({
            ...base(second, first),
            fieldPath: ["spec", "subsets", secondSubsets.indexOf(subset), "name"],
            message: "duplicate-subset",
            data: { rule: refOf(second), subset, host: firstHost, other: refOf(first) },
            cause: `istiod merges DestinationRules of one namespace for the same host and keeps the first definition of each subset name (the rule created first; here the one listed first): the labels and policy of this "${subset}" are not used.`,
            fix: () => guidance(second, first, `Remove subset "${subset}" from ${refOf(second)}, or rename it and route to the new name.`),
          });
        }
        if (hasPolicy(first) && hasPolicy(second)) {
          report({
            ...base(second, first),
            fieldPath: ["spec", "trafficPolicy"],
            message: "policy-ignored",
            data: { rule: refOf(second), host: firstHost, other: refOf(first) },
            equivalents: kialiCollides ? KIALI : [],
            cause: `When istiod merges DestinationRules for one host it adopts a top-level trafficPolicy only if the merged rule has none yet; ${refOf(first)} already has one, so this rule's policy (TLS, load balancing, connection pool, outlier detection) is not applied.`,
            fix: () => guidance(first, second, `Move the trafficPolicy of ${refOf(second)} into ${refOf(first)}.`),
          });
        } else if (shared.length === 0 && kialiCollides) {
          report({
            ...base(second, first),
            message: "merged",
            severity: "info",
            data: { rule: refOf(second), other: refOf(first), host: firstHost },
            cause: `istiod merges the subsets of the two rules and the one trafficPolicy between them, so traffic is configured as written; Kiali reports the pair because one of them has no subsets.`,
            fix: () => guidance(second, first, `Merge ${refOf(second)} into ${refOf(first)} so ${firstHost} is configured in one place.`),
          });
        }
      }
    }
  },
});
