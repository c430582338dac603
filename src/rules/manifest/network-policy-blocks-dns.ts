import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { declaredNamespaceLabels as namespaceLabels, sameNamespace } from "../../k8s/namespaces.js";
import { clusterDnsTargets, policiesIsolating, policyAllowing, policyIsolates, type PolicyTarget } from "../../k8s/network-policy.js";
import { inNamespace, selectsAll } from "../../k8s/lookup.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { workloadsOf } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";

const meta: RuleMeta = {
  id: "manifest/network-policy-blocks-dns",
  category: "network-policy-conflict",
  severity: "error",
  equivalents: [],
  docs: {
    verify: [
      "kubectl exec <pod> -n <namespace> -- nslookup kubernetes.default.svc.cluster.local",
      "kubectl get networkpolicy -n <namespace> -o yaml",
      "kubectl logs <pod> -n <namespace> -c istio-proxy | grep -i xds",
    ],
  },
};

const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

function meshed(view: Parameters<typeof workloadsOf>[0], workload: Workload): boolean {
  if (workload.annotations["sidecar.istio.io/inject"] === "false" || workload.labels["sidecar.istio.io/inject"] === "false") return false;
  if (workload.labels["sidecar.istio.io/inject"] === "true" || workload.annotations["sidecar.istio.io/inject"] === "true") return true;
  const labels = namespaceLabels(view, workload.namespace);
  return labels?.["istio-injection"] === "enabled" || (labels?.["istio.io/rev"] !== undefined && labels["istio-injection"] !== "disabled");
}

/** Whether one of the policies lets pods of the namespace reach cluster DNS over UDP or TCP. */
function allowsDns(policies: KubeObject[], namespace: string | undefined, dns: PolicyTarget[]): boolean {
  return dns.some((target) => policyAllowing(policies, "Egress", namespace, target.pods, target.port) !== undefined);
}

export const networkPolicyBlocksDnsRule = defineRule({
  ...meta,
  title: "An egress NetworkPolicy cuts pods off DNS",
  docs: {
    cause:
      "A NetworkPolicy with policyTypes Egress selects the pods, and no egress rule of any policy selecting them allows port 53 to the cluster DNS. Every name lookup times out: the app fails at start-up connecting to its database (`dial tcp: lookup db on 10.96.0.10:53: i/o timeout`, `Temporary failure in name resolution`). (Meshed pods, which also need istiod, are covered by sidecar/network-policy-blocks-mesh.)",
    fix: "Add an egress rule allowing UDP and TCP 53 to kube-dns in kube-system.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  },
  inputs: ["network-policies", "workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["network-policies"],
  scopes: ["lint", "diagnose"],
  messages: {
    "dns-blocked": "NetworkPolicy {policy} blocks DNS (port 53) egress for {affected}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const reported = new Set<KubeObject>();
    const workloads = workloadsOf(view);
    const dns = clusterDnsTargets(view);
    const report = (policy: KubeObject, affected: string) => {
      if (reported.has(policy)) return;
      reported.add(policy);
      const egress = Array.isArray(policy.spec?.egress) ? policy.spec.egress : [];
      reportObject(ctx, meta, policy, {
        field: policy.spec?.egress !== undefined ? ["spec", "egress"] : ["spec", "policyTypes"],
        message: "dns-blocked",
        data: { policy: policy.metadata.name ?? "", affected },
        cause: "With Egress in policyTypes only the listed egress rules are allowed, and none reaches port 53 on kube-dns: every lookup times out and the app cannot resolve its dependencies at start-up.",
        confidence: 0.85,
        fix: () => objectChangeFix(view, policy, { spec: { egress } }, { spec: { egress: [...egress, DNS_RULE] } }, "Allow DNS to kube-dns (UDP and TCP 53)."),
      });
    };
    for (const workload of workloads) {
      const policies = policiesIsolating(view, { namespace: workload.namespace, labels: workload.labels }, "Egress");
      if (policies.length === 0) continue;
      // Meshed pods need istiod as well as DNS: sidecar/network-policy-blocks-mesh reports those.
      if (meshed(view, workload)) continue;
      if (!allowsDns(policies, workload.namespace, dns)) for (const policy of policies) report(policy, `${workload.kind} ${workload.name}`);
    }
    // A namespace-wide deny with no workload in the inputs still cuts every pod of the namespace off DNS.
    for (const policy of view.kind("NetworkPolicy")) {
      if (reported.has(policy) || !policyIsolates(policy, "Egress") || !selectsAll(policy.spec?.podSelector)) continue;
      const others = inNamespace(view, "NetworkPolicy", policy.metadata.namespace).filter((p) => policyIsolates(p, "Egress"));
      const selectedWorkloads = workloads.filter((w) => sameNamespace(w.namespace, policy.metadata.namespace));
      if (selectedWorkloads.length > 0) continue;
      const labels = namespaceLabels(view, policy.metadata.namespace);
      if (labels?.["istio-injection"] === "enabled" || labels?.["istio.io/rev"] !== undefined) continue;
      if (!allowsDns(others, policy.metadata.namespace, dns)) report(policy, `every pod in namespace ${policy.metadata.namespace ?? "(current)"}`);
    }
  },
});
