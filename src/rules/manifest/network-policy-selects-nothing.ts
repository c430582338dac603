import { defineRule } from "../../contract/rule.js";
import { closest, formatSelector, selectsAll } from "../../k8s/lookup.js";
import { reportObject, type RuleMeta } from "./report.js";
import { podSourcesIn, selectedBy } from "../../k8s/services.js";
import { isObject, objects } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/network-policy-selects-nothing",
  category: "network-policy-conflict",
  severity: "info",
  equivalents: ["kube-linter:dangling-networkpolicy", "kube-linter:dangling-networkpolicypeer-podselector", "kube-score:networkpolicy-targets-pod", "popeye:POP-1200", "popeye:POP-1202"],
  docs: { verify: ["kubectl get pods -n <namespace> -l <selector>", "kubectl describe networkpolicy <name> -n <namespace>"] },
};

export const networkPolicySelectsNothingRule = defineRule({
  ...meta,
  title: "A NetworkPolicy (or one of its peers) selects no pod",
  docs: {
    cause:
      "The policy's podSelector, or a podSelector in one of its from/to peers, matches no pod template in the namespace. The policy then protects nothing, or its allow rule admits nobody, usually because of a label typo, and the traffic it was written for is not shaped as intended.",
    fix: "Use the labels the workloads' pod templates really carry.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  },
  inputs: ["network-policies", "workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["network-policies"],
  scopes: ["lint"],
  messages: {
    "selects-nothing": "NetworkPolicy {policy} selects {selector}, which no pod template {where} carries",
    "peer-selects-nothing": "NetworkPolicy {policy} {direction} rule {ruleIndex} {verb} pods labelled {selector}, but no pod template carries them",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const policy of view.kind("NetworkPolicy")) {
      const namespace = policy.metadata.namespace;
      const workloadsHere = podSourcesIn(view, namespace).length > 0;
      const selector = policy.spec?.podSelector;
      if (isObject(selector) && !selectsAll(selector) && selectedBy(view, namespace, selector).length === 0) {
        reportObject(ctx, meta, policy, {
          field: ["spec", "podSelector"],
          message: "selects-nothing",
          data: { policy: policy.metadata.name ?? "", selector: formatSelector(selector), where: workloadsHere ? "in the namespace" : "in the inputs" },
          cause: `A policy that selects no pod has no effect: the pods it was meant to isolate stay open.${workloadsHere ? "" : " (The inputs hold no workload of this namespace; lint them together, or with --snapshot, to be sure.)"}`,
          confidence: workloadsHere ? 0.6 : 0.35,
        });
      }
      // Peers are only judged against a namespace whose workloads are in the inputs.
      if (!workloadsHere) continue;
      for (const direction of ["ingress", "egress"] as const) {
        objects(policy.spec?.[direction]).forEach((rule, ruleIndex) => {
          objects(rule[direction === "ingress" ? "from" : "to"]).forEach((peer, peerIndex) => {
            if (!isObject(peer.podSelector) || isObject(peer.namespaceSelector) || selectsAll(peer.podSelector)) return;
            if (selectedBy(view, namespace, peer.podSelector).length > 0) return;
            // Peers may live in another manifest set: speak only when a workload carries the same label key with another value (a typo).
            const wanted = Object.entries(isObject(peer.podSelector.matchLabels) ? peer.podSelector.matchLabels : {});
            const sources = podSourcesIn(view, namespace);
            const nearMiss = wanted.some(([key, value]) => closest(String(value), sources.map((source) => source.labels[key]).filter((v): v is string => v !== undefined)) !== undefined);
            if (!nearMiss) return;
            reportObject(ctx, meta, policy, {
              field: ["spec", direction, ruleIndex, direction === "ingress" ? "from" : "to", peerIndex, "podSelector"],
              message: "peer-selects-nothing",
              data: { policy: policy.metadata.name ?? "", direction, ruleIndex, verb: direction === "ingress" ? "admits" : "allows", selector: formatSelector(peer.podSelector) },
              cause: `The ${direction} rule names peers that do not exist, so the traffic it was written to allow is still denied.`,
              confidence: 0.55,
            });
          });
        });
      }
    }
  },
});
