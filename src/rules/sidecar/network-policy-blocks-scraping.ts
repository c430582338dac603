import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { specEvidence } from "./evidence.js";
import { applyFix } from "../workload-fixes.js";
import { meshSubjects, type MeshSubject } from "../../istio/mesh-subjects.js";
import { hasProxyContainer } from "../../istio/sidecar.js";
import { egressVerdict, policiesIsolating, policyAllowing, type NamedPort, type NetworkPolicySpec, type PolicyPeerPods } from "../../k8s/network-policy.js";
import { namespaceLabels } from "../../k8s/namespaces.js";
import { formatSelector } from "../../k8s/selectors.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** The sidecar's merged metrics (pilot-agent, 15020 /stats/prometheus) and Envoy's own (15090), as Istio's Prometheus integration scrapes them. */
const MERGED_METRICS_PORT = 15020;
const ENVOY_METRICS_PORT = 15090;
/** Labels Prometheus pods carry: Istio's sample addon and the Helm chart (`app`), the Operator (`app.kubernetes.io/name`). */
const PROMETHEUS_LABELS: Array<[string, string]> = [
  ["app.kubernetes.io/name", "prometheus"],
  ["app", "prometheus"],
];

function prometheusPods(view: ClusterView): KubeObject[] {
  return view.kind("Pod").filter((pod) => PROMETHEUS_LABELS.some(([key, value]) => pod.metadata.labels?.[key] === value) && pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed");
}

/** The ports Prometheus scrapes on a pod: its `prometheus.io/port` when `prometheus.io/scrape` is true, and the sidecar's 15090. */
function scrapePorts(subject: MeshSubject): Array<{ port: number; why: string }> {
  const ports: Array<{ port: number; why: string }> = [];
  const annotations = subject.annotations;
  const annotated = Number(annotations["prometheus.io/port"]);
  if (annotations["prometheus.io/scrape"] === "true" && Number.isInteger(annotated) && annotated > 0) {
    ports.push({ port: annotated, why: `prometheus.io/scrape "true", prometheus.io/port "${annotated}"${annotated === MERGED_METRICS_PORT ? " (Istio's merged metrics)" : ""}` });
  }
  if (hasProxyContainer(subject.spec) && !ports.some((entry) => entry.port === ENVOY_METRICS_PORT)) ports.push({ port: ENVOY_METRICS_PORT, why: "istio-proxy's http-envoy-prom port (Envoy's /stats/prometheus)" });
  return ports;
}

function containerPorts(subject: MeshSubject): NamedPort[] {
  return [...(subject.spec.containers ?? []), ...(subject.spec.initContainers ?? [])].flatMap((container) => (container.ports ?? []) as NamedPort[]);
}

function allowScrapePolicy(namespace: string, podSelector: Record<string, string>, prometheus: { namespace: string; labels: Record<string, string> }, ports: number[]): Record<string, unknown> {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-prometheus-scrape", namespace },
    spec: {
      podSelector: Object.keys(podSelector).length > 0 ? { matchLabels: podSelector } : {},
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": prometheus.namespace } }, podSelector: { matchLabels: prometheus.labels } }],
          ports: ports.map((port) => ({ protocol: "TCP", port })),
        },
      ],
    },
  };
}

function policyYaml(policy: Record<string, any>): string {
  const spec = policy.spec;
  const rule = spec.ingress[0];
  const selector = Object.entries(spec.podSelector.matchLabels ?? {}) as Array<[string, string]>;
  const from = rule.from[0];
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: NetworkPolicy",
    "metadata:",
    `  name: ${policy.metadata.name}`,
    `  namespace: ${policy.metadata.namespace}`,
    "spec:",
    selector.length > 0 ? `  podSelector:\n    matchLabels:\n${selector.map(([key, value]) => `      ${key}: ${value}`).join("\n")}` : "  podSelector: {}",
    "  policyTypes:",
    "  - Ingress",
    "  ingress:",
    "  - from:",
    "    - namespaceSelector:",
    "        matchLabels:",
    `          kubernetes.io/metadata.name: ${from.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}`,
    "      podSelector:",
    "        matchLabels:",
    ...Object.entries(from.podSelector.matchLabels as Record<string, string>).map(([key, value]) => `          ${key}: ${value}`),
    "    ports:",
    ...(rule.ports as Array<{ port: number }>).flatMap((entry) => ["    - protocol: TCP", `      port: ${entry.port}`]),
  ].join("\n");
}

export const networkPolicyBlocksScraping = defineRule({
  id: "sidecar/network-policy-blocks-scraping",
  category: "network-policy-conflict",
  severity: "warning",
  title: "A NetworkPolicy keeps Prometheus from scraping the sidecar's metrics",
  docs: {
    cause:
      "Prometheus scrapes each meshed pod on the sidecar's ports: 15020 (the merged app and Envoy metrics, when prometheus.io/scrape and prometheus.io/port say so) and 15090 (Envoy's /stats/prometheus). " +
      "A NetworkPolicy that isolates the pod's ingress (a default deny-all, or rules for the app's port only) without a rule for Prometheus drops those scrapes: the targets go down and the mesh dashboards (Kiali, Grafana) lose the workload.",
    fix: "Add a NetworkPolicy that allows ingress from the Prometheus pods (their namespace and labels) to the scrape ports; NetworkPolicies add up, so the existing ones stay.",
    verify: ["kubectl get networkpolicy -n <ns>", "kubectl -n <prometheus-ns> port-forward <prometheus-pod> 9090 && curl -s localhost:9090/api/v1/targets | grep <pod-ip>   # health up"],
    references: ["https://istio.io/latest/docs/ops/integrations/prometheus/#option-1-metrics-merging", "https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  },
  equivalents: [],
  inputs: ["network-policies", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Ingress", "Job", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["network-policies", "pods"],
  scopes: ["diagnose", "lint"],
  messages: {
    "drops-scrapes": "NetworkPolicy {policy} drops Prometheus's scrapes of meshed pods on {ports}",
    "blocks-prometheus-egress": "NetworkPolicy {policy} keeps Prometheus from reaching meshed pods on {ports}",
  },
  analyze({ view, report }) {
    const scrapers = prometheusPods(view);
    if (scrapers.length === 0) return;
    const prometheus = scrapers[0]!;
    const prometheusNamespace = appliedNamespace(prometheus.metadata.namespace);
    const prometheusLabels = Object.fromEntries(PROMETHEUS_LABELS.filter(([key, value]) => prometheus.metadata.labels?.[key] === value).slice(0, 1));
    const peer: PolicyPeerPods = {
      namespace: prometheusNamespace,
      namespaceLabels: namespaceLabels(view, prometheusNamespace),
      podLabels: (prometheus.metadata.labels ?? {}) as Record<string, string>,
      ips: scrapers.map((pod) => pod.status?.podIP).filter((ip): ip is string => typeof ip === "string"),
    };
    const reported = new Set<string>();
    for (const subject of meshSubjects(view)) {
      const ports = scrapePorts(subject);
      if (ports.length === 0) continue;
      const isolating = policiesIsolating(view, { namespace: subject.namespace, labels: subject.labels }, "Ingress");
      const named = containerPorts(subject);
      const blockedIn = isolating.length === 0 ? [] : ports.filter((entry) => !policyAllowing(isolating, "Ingress", subject.namespace, peer, { port: entry.port, protocol: "TCP", namedPorts: named }));
      // Prometheus's own egress policies can drop the scrape too.
      const scraped: PolicyPeerPods = { namespace: subject.namespace, namespaceLabels: namespaceLabels(view, subject.namespace), podLabels: subject.labels, ips: typeof subject.pod?.status?.podIP === "string" ? [subject.pod.status.podIP] : [] };
      const egressTo = (port: number) => egressVerdict(view, { namespace: prometheusNamespace, labels: peer.podLabels }, { description: `${subject.namespace} TCP ${port}`, short: `:${port}`, pods: scraped, port: { port, protocol: "TCP", namedPorts: named } });
      const blockedOut = ports.filter((entry) => !blockedIn.includes(entry) && !egressTo(entry.port).allowed);
      if (blockedIn.length === 0 && blockedOut.length === 0) continue;
      const policy = blockedIn.length > 0 ? isolating[0]! : egressTo(blockedOut[0]!.port).isolating[0]!;
      const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const spec = (policy.spec ?? {}) as NetworkPolicySpec;
      const subjectName = subject.pod ? `pod ${subject.pod.metadata.name}` : `${subject.owner.kind} ${subject.owner.name}`;
      const portsText = [...blockedIn, ...blockedOut].map((entry) => String(entry.port)).join(", ");
      const evidence = [
        specEvidence(view, policy, ["spec", "podSelector"], `NetworkPolicy ${policy.metadata.namespace}/${policy.metadata.name}: podSelector ${formatSelector(spec.podSelector, { absent: "(all)", empty: "{} (all pods)" })}, policyTypes ${(spec.policyTypes ?? []).join(",") || "(defaulted)"}, ${(blockedIn.length > 0 ? spec.ingress : spec.egress)?.length ?? 0} ${blockedIn.length > 0 ? "ingress" : "egress"} rule(s), none for Prometheus on ${portsText}`),
        ...[...blockedIn, ...blockedOut].map((entry) => ({ source: "spec" as const, text: `${subjectName} (${subject.namespace}) is scraped on ${entry.port}: ${entry.why}` })),
        { source: "status" as const, text: `Prometheus: pod ${prometheusNamespace}/${prometheus.metadata.name} (${Object.entries(prometheusLabels).map(([k, v]) => `${k}=${v}`).join(", ")})` },
      ];
      if (blockedIn.length > 0) {
        const selector = (spec.podSelector?.matchLabels ?? {}) as Record<string, string>;
        const allow = allowScrapePolicy(subject.namespace, selector, { namespace: prometheusNamespace, labels: prometheusLabels }, blockedIn.map((entry) => entry.port));
        const fix = applyFix(
          `Allow Prometheus (${prometheusNamespace}) to scrape ${portsText} next to the existing policy (NetworkPolicies add up; the other ports stay closed).`,
          `NetworkPolicy ${subject.namespace}/allow-prometheus-scrape`,
          policyYaml(allow),
        );
        report({
          confidence: 0.8,
          object: policy, fieldPath: ["spec", "ingress"],
          message: "drops-scrapes",
          data: { policy: String(policy.metadata.name), ports: portsText },
          evidence,
          cause: `The policy isolates the ingress of ${subjectName} and has no rule for Prometheus (${prometheusNamespace}): its scrapes of the sidecar's metrics on ${portsText} are dropped, so the targets are down and the mesh's metrics for this workload are missing.`,
          fix: { ...fix, change: { kind: "NetworkPolicy", namespace: subject.namespace, name: "allow-prometheus-scrape", type: "create", patch: JSON.stringify(allow) } },
          verify: [`kubectl get networkpolicy${namespaceFlag(subject.namespace)}`, `kubectl${namespaceFlag(prometheusNamespace)} port-forward pod/${prometheus.metadata.name} 9090 & curl -s 'localhost:9090/api/v1/targets?state=active' | grep -c '"health":"down"'`],
        });
      } else {
        report({
          confidence: 0.7,
          object: policy, fieldPath: ["spec", "egress"],
          message: "blocks-prometheus-egress",
          data: { policy: String(policy.metadata.name), ports: portsText },
          evidence,
          cause: `The policy isolates Prometheus's egress without a rule to ${subject.namespace} on ${portsText}: its scrapes of the sidecars never leave the Prometheus pod.`,
          fix: { description: `Add an egress rule to ${policy.metadata.name} that allows ${subject.namespace} on TCP ${portsText}.`, commands: [`kubectl edit networkpolicy ${policy.metadata.name}${namespaceFlag(policy.metadata.namespace)}   # add: egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${subject.namespace}}}}], ports: [${[...blockedOut].map((entry) => `{port: ${entry.port}}`).join(", ")}]}]`] },
          verify: [`kubectl get networkpolicy ${policy.metadata.name}${namespaceFlag(policy.metadata.namespace)} -o yaml`],
        });
      }
    }
  },
});
