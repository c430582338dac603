import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { enablesNonLocalMtls, hasTlsSettings, hostNamespace, istioDestinationRules, MESH_WIDE_HOST, namespaceWideHost, ruleHost, topLevelTlsMode } from "../../istio/destination-rules.js";
import { autoMtlsEnabled } from "../../istio/kiali-mtls.js";
import { nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";
import { analyzeCommand, fieldEvidence, yamlOf } from "./finding.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** The rules whose ISTIO_MUTUAL `rule` replaces for its host, as Kiali's traffic policy checker pairs them. */
function overriddenBy(rule: KubeObject, rules: readonly KubeObject[], index: number, mutual: MutualIndex): KubeObject[] {
  const host = ruleHost(rule);
  const namespace = hostNamespace(host);
  const out: KubeObject[] = [];
  // Only ISTIO_MUTUAL rules for `*.local`, the namespace-wide host or this host can be paired: visit those, in order.
  const candidates = [...new Set([...(mutual.byHost.get(MESH_WIDE_HOST) ?? []), ...(namespace !== undefined ? mutual.byHost.get(namespaceWideHost(namespace)) ?? [] : []), ...(mutual.byRuleHost.get(host) ?? [])])].sort((a, b) => a - b);
  candidates.forEach((otherIndex) => {
    const other = rules[otherIndex]!;
    if (other === rule) return;
    const otherHost = String(recordOf(other.spec)?.host ?? "");
    if (enablesNonLocalMtls(other)) {
      // `*.local` covers cluster-local names only (Kiali pairs it with every host, external ones included).
      if (otherHost === MESH_WIDE_HOST ? host.endsWith(".local") : namespace !== undefined && otherHost === namespaceWideHost(namespace)) out.push(other);
      return;
    }
    if (topLevelTlsMode(other) !== "ISTIO_MUTUAL") return;
    if (namespace !== undefined && otherHost === namespaceWideHost(namespace)) out.push(other);
    else if (ruleHost(other) === host) {
      // Same host, same namespace: istiod merges the two and keeps the first top-level trafficPolicy, so the
      // other's TLS is lost only when this rule comes first with a policy of its own.
      const merged = namespaceOf(other) === namespaceOf(rule);
      if (!merged || (index < otherIndex && recordOf(rule.spec)?.trafficPolicy !== undefined)) out.push(other);
    }
  });
  return out;
}

/** The positions of the ISTIO_MUTUAL rules (every rule `overriddenBy` can pair), by their host as written and as resolved. */
interface MutualIndex {
  byHost: Map<string, number[]>;
  byRuleHost: Map<string, number[]>;
}

function mutualIndex(rules: readonly KubeObject[]): MutualIndex {
  const index: MutualIndex = { byHost: new Map(), byRuleHost: new Map() };
  const add = (map: Map<string, number[]>, key: string, position: number) => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(position);
  };
  rules.forEach((rule, position) => {
    if (topLevelTlsMode(rule) !== "ISTIO_MUTUAL") return;
    add(index.byHost, String(recordOf(rule.spec)?.host ?? ""), position);
    add(index.byRuleHost, ruleHost(rule), position);
  });
  return index;
}

export const destinationRuleMtlsOverridden = defineRule({
  id: "istio/destinationrule-mtls-overridden",
  category: "mtls-mode-conflict",
  severity: "warning",
  title: "DestinationRule without TLS replaces a mesh-wide or namespace-wide mTLS rule",
  docs: {
    cause:
      "DestinationRules are not inherited: for a host, istiod uses the most specific rule alone. A rule for a service that sets no `tls` (top level or per port) replaces the ISTIO_MUTUAL of the mesh-wide (`*.local`) or namespace-wide (`*.<ns>.svc.cluster.local`) rule for that service. With auto mTLS (MeshConfig enableAutoMtls, on by default) the sidecar still sends mTLS to endpoints that have a sidecar; with it off the traffic is plaintext, which a STRICT server refuses.",
    fix: "Set `trafficPolicy.tls.mode: ISTIO_MUTUAL` in the specific DestinationRule (or rely on auto mTLS and drop the wide rule).",
    verify: ["istioctl proxy-config cluster deploy/<client> -n <namespace> --fqdn <host> -o json | grep -A3 transportSocket", "istioctl x describe pod <server-pod> -n <namespace>"],
    references: ["https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration", "https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#auto-mutual-tls", "https://kiali.io/docs/features/validations/#kia0204---mtls-settings-of-a-non-local-destination-rule-are-overridden"],
  },
  equivalents: ["KIA0204"],
  inputs: ["istio", "mesh-config"],
  reads: ["DestinationRule"],
  scopes: ["lint", "diagnose"],
  messages: {
    "auto-mtls": "{rule} sets no TLS for {host}, replacing the ISTIO_MUTUAL of {other}; auto mTLS still sends mTLS to its sidecar endpoints",
    "plaintext": "{rule} sets no TLS for {host}, replacing the ISTIO_MUTUAL of {other}; auto mTLS is off, so clients send it plaintext",
  },
  analyze({ view, report }) {
    const rules = istioDestinationRules(view.kind("DestinationRule"));
    if (rules.length < 2) return;
    const autoMtls = autoMtlsEnabled(view);
    const mutual = mutualIndex(rules);
    rules.forEach((rule, index) => {
      if (hasTlsSettings(rule) || enablesNonLocalMtls(rule)) return;
      const wide = overriddenBy(rule, rules, index, mutual);
      if (wide.length === 0) return;
      const other = wide[0]!;
      const host = ruleHost(rule);
      const namespace = namespaceOf(rule);
      const hasPolicy = recordOf(rule.spec)?.trafficPolicy !== undefined;
      const patch = JSON.stringify({ spec: { trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } } });
      report({
        message: autoMtls ? "auto-mtls" : "plaintext",
        data: { rule: refOf(rule), host, other: wide.map((entry) => `${refOf(entry)} (${String(recordOf(entry.spec)?.host)})`).join(", ") },
        severity: autoMtls ? "info" : "warning",
        object: rule,
        fieldPath: hasPolicy ? ["spec", "trafficPolicy"] : ["spec", "host"],
        cause: `istiod gives ${host} the settings of ${refOf(rule)} only; the ISTIO_MUTUAL of ${refOf(other)} is not merged into it. ${autoMtls ? "Auto mTLS picks ISTIO_MUTUAL for endpoints with a sidecar, so traffic stays encrypted, but endpoints without one get plaintext and the rule's intent is not written down." : "MeshConfig enableAutoMtls is false, so nothing else turns mTLS on: requests leave in plaintext, and a server with STRICT PeerAuthentication resets them."}`,
        evidence: [fieldEvidence(view, rule, ["spec"], `${refOf(rule)} host ${String(recordOf(rule.spec)?.host)}: ${hasPolicy ? "trafficPolicy without tls" : "no trafficPolicy"}`), ...wide.map((entry) => fieldEvidence(view, entry, ["spec", "trafficPolicy", "tls", "mode"], `${refOf(entry)} host ${String(recordOf(entry.spec)?.host)}: tls.mode ISTIO_MUTUAL`))],
        fix: {
          description: `Set tls.mode ISTIO_MUTUAL in ${refOf(rule)}.`,
          yaml: { before: hasPolicy ? yamlOf({ spec: { trafficPolicy: recordOf(rule.spec)?.trafficPolicy } }) : "", after: yamlOf({ spec: { trafficPolicy: { ...(recordOf(recordOf(rule.spec)?.trafficPolicy) ?? {}), tls: { mode: "ISTIO_MUTUAL" } } } }), target: refOf(rule) },
          change: { kind: "DestinationRule", ...(namespace ? { namespace } : {}), name: nameOf(rule), type: "merge", patch },
          commands: [`kubectl patch destinationrule ${nameOf(rule)}${namespaceFlag(namespace)} --type merge -p '${patch}'`],
        },
        verify: [analyzeCommand(rule), `istioctl proxy-config cluster deploy/<client>${namespaceFlag(namespace)} --fqdn ${host} -o json`],
      });
    });
  },
});
