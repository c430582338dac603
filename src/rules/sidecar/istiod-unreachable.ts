import { defineRule, type Report } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { istiodEvidence, logEvidence, sidecarVerify, specEvidence, statusEvidence } from "./evidence.js";
import { applyFix } from "../workload-fixes.js";
import { istiodChecks, istiodHealth, proxySymptoms } from "../../istio/istiod.js";
import { blockedSummary, controlPlaneEgress, type ControlPlaneEgress } from "../../istio/control-plane-egress.js";
import type { NetworkPolicySpec } from "../../k8s/network-policy.js";
import { allowControlPlanePolicy } from "./control-plane-policy.js";
import { PROXY_CONTAINER, userPods } from "../../istio/pods.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { formatSelector } from "../../k8s/selectors.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { templateOwnerOf } from "../../k8s/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const istiodUnreachable = defineRule({
  id: "sidecar/istiod-unreachable",
  category: "sidecar-istiod-unreachable",
  severity: "error",
  title: "The sidecar cannot reach istiod, so it never gets its configuration",
  docs: {
    cause:
      "istio-proxy fetches its configuration (xDS) and its certificate from istiod on port 15012 in istio-system, after resolving istiod's name through cluster DNS. " +
      "A NetworkPolicy that isolates the pod's egress without allowing those two, or an istiod that is down, leaves Envoy without config: " +
      "`config not received from XDS server`, `gRPC config stream closed`, READY 1/2, and eventually restarts.",
    fix:
      "Allow exactly what the sidecar needs: egress to istiod pods in istio-system on TCP 15012 and to kube-dns on UDP/TCP 53 (the NetworkPolicy below). " +
      "If istiod itself is down, look at its pods and logs first.",
    verify: ["kubectl get pod <pod> -n <ns>   # READY 2/2", "istioctl proxy-status   # the pod's proxy is SYNCED", "kubectl logs <pod> -n <ns> -c istio-proxy   # no 'gRPC config stream closed'"],
    references: ["https://istio.io/latest/docs/ops/deployment/application-requirements/"],
  },
  equivalents: [],
  inputs: ["pods", "logs", "network-policies", "events", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "policy-blocks-control-plane": "NetworkPolicy {policies} blocks the sidecar's egress to {what}",
    "istiod-down": "istiod is down: the sidecar gets no configuration",
  },
  analyze({ view, report }) {
    for (const pod of userPods(view)) {
      if (!hasSidecar(pod)) continue;
      const finding = diagnose(view, pod);
      if (finding) report(finding);
    }
  },
});

/** The finding for one pod, or nothing when the proxy shows no sign of missing istiod. */
export function diagnose(view: ClusterView, pod: KubeObject): Report | undefined {
  const symptoms = proxySymptoms(view, pod);
  const namespace = appliedNamespace(pod.metadata.namespace);
  const egress = controlPlaneEgress(view, { namespace, labels: pod.metadata.labels ?? {} });
  const blocked = egress.blocked.length > 0;
  const health = istiodHealth(view);
  const istiodDown = health.known && health.ready === 0;
  const connectionHits = symptoms.hits;
  if (!symptoms.stuck && connectionHits.length === 0) return undefined;
  // Without a blocking policy or a down istiod the cause is not known here: sidecar/proxy-not-ready shows the evidence.
  if (!blocked && !istiodDown) return undefined;

  const evidence: Evidence[] = [statusEvidence(pod, PROXY_CONTAINER, "ready", `istio-proxy ready ${symptoms.ready}, restartCount ${symptoms.restarts}${symptoms.runningFor !== undefined ? `, running for ${symptoms.runningFor}s` : ""}`)];
  evidence.push(...connectionHits.map(logEvidence));
  if (blocked) evidence.push(...policyEvidence(view, egress));
  if (istiodDown) evidence.push(...istiodEvidence(health));

  const owner = templateOwnerOf(view, pod);
  const verify = [...sidecarVerify(pod, owner), `istioctl proxy-status ${pod.metadata.name}.${namespace}   # SYNCED`];
  if (blocked) {
    const blocking = egress.istiod.isolating[0] ?? egress.blocked[0]!.isolating[0]!;
    const selector = (blocking.spec as NetworkPolicySpec | undefined)?.podSelector?.matchLabels ?? {};
    const yaml = allowControlPlanePolicy(namespace, selector);
    const what = blockedSummary(egress.blocked);
    return {
      confidence: connectionHits.length > 0 ? 0.95 : 0.85,
      object: pod, container: PROXY_CONTAINER,
      message: "policy-blocks-control-plane",
      data: { policies: egress.blocked[0]!.isolating.map((policy) => policy.metadata.name).join(", "), what },
      evidence,
      cause: `The NetworkPolicies that select this pod isolate its egress and none allows ${what}. The proxy cannot resolve or reach istiod, so it never receives its listeners, clusters and certificate and stays not ready.`,
      fix: () => applyFix(
        `Add a NetworkPolicy that allows egress to istiod (istio-system, TCP 15012) and to DNS (kube-dns, UDP/TCP 53) for ${Object.keys(selector).length > 0 ? `the pods ${formatSelector({ matchLabels: selector }, { absent: "(all)", empty: "{} (all pods)" })}` : `every pod in ${namespace}`}; NetworkPolicies are additive, so the existing ones stay.`,
        `NetworkPolicy ${namespace}/allow-istio-control-plane`,
        yaml,
        "",
        [`kubectl rollout restart deployment/${owner.kind === "Deployment" ? owner.name : "<name>"}${namespaceFlag(namespace)}   # restarts the proxies that gave up`],
      ),
      verify: [...verify, `kubectl exec ${pod.metadata.name}${namespaceFlag(namespace)} -c istio-proxy -- pilot-agent request GET /ready`],
    };
  }
  return {
    confidence: 0.9,
    object: pod, container: PROXY_CONTAINER,
    message: "istiod-down",
    evidence,
    cause: "istiod, the control plane, has no ready pod: every proxy started since then waits for configuration and certificates and stays not ready.",
    fix: {
      description: "Bring istiod back first (its logs say why it is down: OOMKilled, crash, pending); the proxies connect on their own once it is ready.",
      commands: [...istiodChecks(pod), `kubectl exec ${pod.metadata.name}${namespaceFlag(namespace)} -c istio-proxy -- pilot-agent request GET /ready`],
    },
    verify,
  };
}

function policyEvidence(view: ClusterView, egress: ControlPlaneEgress): Evidence[] {
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  for (const verdict of egress.blocked) {
    for (const policy of verdict.isolating) {
      const name = policy.metadata.name ?? "";
      const spec = (policy.spec ?? {}) as NetworkPolicySpec;
      if (!seen.has(name)) {
        seen.add(name);
        evidence.push(
          specEvidence(
            view,
            policy,
            ["spec", "podSelector"],
            `NetworkPolicy ${name} selects the pod (podSelector ${formatSelector(spec.podSelector, { absent: "(all)", empty: "{} (all pods)" })}), policyTypes ${(spec.policyTypes ?? []).join(",") || "(defaulted)"}, ${spec.egress?.length ?? 0} egress rule(s)`,
          ),
        );
      }
    }
    evidence.push({ source: "network-policy", text: `egress to ${verdict.target.description}: denied (no egress rule of ${verdict.isolating.map((policy) => policy.metadata.name).join(", ")} allows it)` });
  }
  return evidence;
}
