import { defineRule } from "../../contract/rule.js";
import { specEvidence } from "./evidence.js";
import { applyFix } from "../workload-fixes.js";
import { injectionDecision } from "../../istio/injection-decision.js";
import { proxySymptoms } from "../../istio/istiod.js";
import { blockedSummary, controlPlaneEgress } from "../../istio/control-plane-egress.js";
import type { NetworkPolicySpec } from "../../k8s/network-policy.js";
import { allowControlPlanePolicy } from "./control-plane-policy.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { formatSelector, labelSelectorMatches } from "../../k8s/selectors.js";
import { meshSubjects } from "../../istio/mesh-subjects.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const networkPolicyBlocksMesh = defineRule({
  id: "sidecar/network-policy-blocks-mesh",
  category: "network-policy-conflict",
  severity: "warning",
  title: "A NetworkPolicy would cut meshed pods off from istiod or DNS",
  docs: {
    cause:
      "A NetworkPolicy that isolates egress (policyTypes Egress, e.g. a default deny-all) also blocks the sidecar's connection to istiod on 15012 and DNS on 53 " +
      "unless a rule allows them. Pods that are healthy now lose their configuration at the next restart or rollout.",
    fix: "Add a NetworkPolicy that allows egress to istiod (istio-system, TCP 15012) and kube-dns (UDP/TCP 53) for the meshed pods, or replace NetworkPolicies with Istio AuthorizationPolicies.",
    verify: ["kubectl get networkpolicy -n <ns>", "kubectl rollout restart deployment/<name> -n <ns> && kubectl get pods -n <ns>   # READY 2/2"],
    references: ["https://istio.io/latest/docs/ops/deployment/application-requirements/"],
  },
  equivalents: [],
  inputs: ["network-policies", "workloads", "pods", "logs", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "MutatingWebhookConfiguration", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["network-policies"],
  scopes: ["diagnose", "lint"],
  messages: {
    "isolates-mesh-egress": "NetworkPolicy {policy} isolates the egress of meshed pods without allowing {what}",
  },
  analyze({ view, report }) {
    const reported = new Set<string>();
    const subjects = meshSubjects(view);
    for (const subject of subjects) {
      const meshed = subject.pod ? hasSidecar(subject.pod) : injectionDecision(view, subject.namespace, subject, subject.spec.hostNetwork === true).injected;
      if (!meshed) continue;
      // A pod already failing for this reason is reported by sidecar/istiod-unreachable.
      if (subject.pod) {
        const symptoms = proxySymptoms(view, subject.pod);
        if (symptoms.stuck || symptoms.hits.length > 0) continue;
      }
      const egress = controlPlaneEgress(view, { namespace: subject.namespace, labels: subject.labels });
      if (egress.blocked.length === 0) continue;
      const policy = egress.blocked[0]!.isolating[0]!;
      const key = `${subject.namespace}/${policy.metadata.name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const spec = (policy.spec ?? {}) as NetworkPolicySpec;
      const selected = subjects.filter((other) => other.namespace === subject.namespace && labelSelectorMatches(spec.podSelector, other.labels, { absent: "everything" }));
      const what = blockedSummary(egress.blocked);
      report({
        confidence: 0.75,
        object: policy, fieldPath: ["spec", "policyTypes"],
        message: "isolates-mesh-egress",
        data: { policy: String(policy.metadata.name), what },
        evidence: [
          specEvidence(view, policy, ["spec", "podSelector"], `NetworkPolicy ${policy.metadata.name}: podSelector ${formatSelector(spec.podSelector, { absent: "(all)", empty: "{} (all pods)" })}, policyTypes ${(spec.policyTypes ?? []).join(",") || "(defaulted)"}, ${spec.egress?.length ?? 0} egress rule(s)`),
          { source: "network-policy", text: `selects meshed ${subject.pod ? "pod" : subject.owner.kind} ${subject.pod?.metadata.name ?? subject.owner.name}${selected.length > 1 ? ` and ${selected.length - 1} more` : ""}; egress to ${what}: denied` },
        ],
        cause: "Sidecars need istiod (15012) and DNS (53). This policy denies them, so the proxies it selects cannot get configuration or certificates once they restart: READY 1/2.",
        fix: () => applyFix(
          "Allow the sidecar's control-plane traffic next to the existing policy (NetworkPolicies add up).",
          `NetworkPolicy ${subject.namespace}/allow-istio-control-plane`,
          allowControlPlanePolicy(subject.namespace, spec.podSelector?.matchLabels ?? {}),
        ),
        verify: [`kubectl get networkpolicy${namespaceFlag(subject.namespace)}`, `kubectl rollout restart ${subject.owner.kind.toLowerCase()}/${subject.owner.name}${namespaceFlag(subject.namespace)}`, `kubectl get pods${namespaceFlag(subject.namespace)}   # READY 2/2`],
      });
    }
  },
});
