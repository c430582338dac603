import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { commandLine } from "../../k8s/commands.js";
import { portsOf } from "../../k8s/probes.js";
import { inNamespace } from "../../k8s/lookup.js";
import { namespaceLabels } from "../../k8s/namespaces.js";
import { policiesIsolating, policyAllowing, type PolicyPortTarget } from "../../k8s/network-policy.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { selectedBy, serviceSelector } from "../../k8s/services.js";
import { containersOf, isObject, objects, str, workloadsOf, type ContainerRef } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";
import type { ClusterView } from "../../view/cluster-view.js";

const meta: RuleMeta = {
  id: "manifest/network-policy-isolates-clients",
  category: "network-policy-conflict",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl exec <client pod> -n <namespace> -- wget -qO- -T 3 http://<service>:<port>/", "kubectl get networkpolicy -n <namespace> -o yaml"] },
};

/** Characters that can border a Service name where a text uses it as a host. */
const HOST_BORDER = /[/@\s=,"'.:]/;

function hostTexts(ref: ContainerRef): string[] {
  return [...objects(ref.container.env).map((e) => str(e.value) ?? ""), commandLine(ref.container)];
}

const byToken = new WeakMap<ClusterView, Map<string, Workload[]>>();

/**
 * Workloads whose env or command line hold a word, split at HOST_BORDER, in the order of `workloadsOf`:
 * the workloads that can name a Service as a host, before the exact match.
 */
function workloadsMentioning(view: ClusterView, word: string): Workload[] {
  let index = byToken.get(view);
  if (!index) {
    index = new Map();
    for (const workload of workloadsOf(view)) {
      const words = new Set(containersOf(workload).flatMap((ref) => hostTexts(ref).flatMap((text) => text.split(HOST_BORDER))));
      for (const token of words) {
        let list = index.get(token);
        if (!list) index.set(token, (list = []));
        list.push(workload);
      }
    }
    byToken.set(view, index);
  }
  return index.get(word) ?? [];
}

/** Workloads other than `server` whose env or command line name the Service as a host. */
function clientsOf(view: ClusterView, service: KubeObject, server: Workload | undefined): Array<{ workload: Workload; text: string }> {
  const name = service.metadata.name ?? "";
  const ns = service.metadata.namespace;
  const host = new RegExp(`(?:^|[/@\\s=,"'])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:\\.${ns ?? "[a-z0-9-]+"}(?:\\.svc(?:\\.cluster\\.local)?)?)?(?::\\d+|/|$|[\\s"',])`);
  // A name used as a host is a whole word between HOST_BORDER characters, so only workloads with that word can match.
  const candidates = name === "" || HOST_BORDER.test(name) ? workloadsOf(view) : workloadsMentioning(view, name);
  const clients: Array<{ workload: Workload; text: string }> = [];
  for (const workload of candidates) {
    if (workload === server) continue;
    for (const ref of containersOf(workload)) {
      const hit = hostTexts(ref).find((text) => host.test(text));
      if (hit) {
        clients.push({ workload, text: hit.length > 100 ? `${hit.slice(0, 97)}...` : hit });
        break;
      }
    }
  }
  return clients;
}

/** Whether one of the policies admits a client pod of that namespace and labels (no namespace: the server's). */
function admits(view: ClusterView, policies: KubeObject[], serverNamespace: string | undefined, client: { namespace: string | undefined; labels: Record<string, string> }, port: PolicyPortTarget): boolean {
  const namespace = client.namespace ?? serverNamespace;
  const pods = { namespace, namespaceLabels: namespace ? namespaceLabels(view, namespace) : {}, podLabels: client.labels, ips: [] };
  return policyAllowing(policies, "Ingress", serverNamespace, pods, port) !== undefined;
}

const specTexts = new WeakMap<KubeObject, string>();

function specText(ingress: KubeObject): string {
  let text = specTexts.get(ingress);
  if (text === undefined) specTexts.set(ingress, (text = JSON.stringify(ingress.spec ?? {})));
  return text;
}

export const networkPolicyIsolatesClientsRule = defineRule({
  ...meta,
  title: "An ingress NetworkPolicy shuts out the workload's only clients",
  docs: {
    cause:
      "A NetworkPolicy with Ingress selects a workload's pods, and no ingress rule admits the workloads that call it (found by their env and command lines naming its Service), or the Ingress controller when an Ingress routes to it. Their connections time out although both sides run.",
    fix: "Add an ingress rule admitting the clients (a podSelector for same-namespace callers, a namespaceSelector for the ingress controller's namespace) on the Service's target port.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  },
  inputs: ["network-policies", "workloads", "services", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "EndpointSlice", "Endpoints", "Ingress", "Job", "Namespace", "NetworkPolicy", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: ["network-policies", "services"],
  scopes: ["lint", "diagnose"],
  messages: {
    "clients-shut-out": "NetworkPolicy {policy} shuts out the clients of {serverKind} {server} (Service {service}): {blocked}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const service of view.kind("Service")) {
      const selector = serviceSelector(service);
      if (!selector) continue;
      const servers = selectedBy(view, service.metadata.namespace, selector).filter((s) => s.workload);
      if (servers.length === 0) continue;
      const port = objects(service.spec?.ports)[0];
      if (!port) continue;
      const declaredTarget = (port.targetPort ?? port.port) as number | string;
      const protocol = str(port.protocol) ?? "TCP";
      for (const server of servers) {
        // A named targetPort is resolved to the number the server's container declares, which is what policies usually list.
        const serverPorts = containersOf(server.workload!).flatMap((c) => portsOf(c.container));
        const resolved = typeof declaredTarget === "string" ? serverPorts.find((p) => p.name === declaredTarget)?.containerPort : undefined;
        const targetPort = resolved ?? declaredTarget;
        const destination: PolicyPortTarget = { port: targetPort, protocol, namedPorts: serverPorts };
        const policies = policiesIsolating(view, { namespace: server.namespace, labels: server.labels }, "Ingress");
        if (policies.length === 0) continue;
        const blocked: string[] = [];
        for (const client of clientsOf(view, service, server.workload)) {
          if (!admits(view, policies, server.namespace, { namespace: client.workload.namespace, labels: client.workload.labels }, destination)) blocked.push(`${client.workload.kind} ${client.workload.name} (calls it: ${client.text})`);
        }
        const routed = inNamespace(view, "Ingress", service.metadata.namespace).filter((ingress) => specText(ingress).includes(`"${service.metadata.name ?? ""}"`));
        // The ingress controller runs in its own namespace: only a namespaceSelector (or ipBlock, or an open rule) lets it in.
        if (routed.length > 0 && !admits(view, policies, server.namespace, { namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" } }, destination)) {
          blocked.push(`the ingress controller (Ingress ${routed.map((i) => i.metadata.name).join(", ")})`);
        }
        if (blocked.length === 0) continue;
        const policy = policies[0]!;
        const ingress = Array.isArray(policy.spec?.ingress) ? policy.spec.ingress : [];
        const from = [
          ...clientsOf(view, service, server.workload).map((c) => ({ podSelector: { matchLabels: c.workload.labels } })),
          ...(routed.length ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }] : []),
        ];
        reportObject(ctx, meta, policy, {
          field: isObject(policy.spec) && policy.spec.ingress !== undefined ? ["spec", "ingress"] : ["spec", "policyTypes"],
          message: "clients-shut-out",
          data: { policy: policy.metadata.name ?? "", serverKind: server.kind, server: server.name, service: service.metadata.name ?? "", blocked: blocked.join("; ") },
          cause: `Once a policy selects the pods for Ingress, only what its rules admit gets in. No rule admits ${blocked.length === 1 ? "this caller" : "these callers"} on port ${String(targetPort)}, so their connections time out (\`dial tcp ...:${String(targetPort)}: i/o timeout\`) while both sides look healthy.`,
          confidence: 0.75,
          fix: () => objectChangeFix(view, policy, { spec: { ingress } }, { spec: { ingress: [...ingress, { from, ports: [{ protocol, port: targetPort }] }] } }, "Admit the callers on the Service's target port."),
        });
      }
    }
  },
});
