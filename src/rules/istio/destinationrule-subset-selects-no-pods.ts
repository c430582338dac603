import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { toFqdn } from "../../istio/hosts.js";
import { kialiHostName, kialiNamespaces, kialiRuleHost } from "../../istio/kiali-hosts.js";
import { namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { registryOf } from "../../istio/registry.js";
import { subsetsOf } from "../../istio/virtual-service.js";
import { selectInstances, workloadInstances, type WorkloadInstance } from "../../istio/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** Node labels Istio adds to endpoints for locality-aware subsets. */
const TOPOLOGY_LABELS = ["topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone", "kubernetes.io/hostname"];

export const destinationRuleSubsetSelectsNoPods = defineRule({
  id: "istio/destinationrule-subset-selects-no-pods",
  category: "no-healthy-upstream",
  severity: "error",
  title: "DestinationRule subset selects no pod of its host",
  docs: {
    cause: "A subset's labels match no pod behind the host's Service (for example `version: v3` when only v1 and v2 run). Routes to that subset get 503 UH (no healthy upstream).",
    fix: "Change the subset labels to those of the pods (see `kubectl get pods -L version`), or deploy the version the subset names.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pods -n <namespace> -l <subset labels>", "istioctl proxy-config endpoints deploy/<client> --cluster 'outbound|<port>|<subset>|<host>'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0173/", "https://kiali.io/docs/features/validations/#kia0203---this-subsets-labels-are-not-found-in-any-matching-host"],
  },
  equivalents: ["IST0173", "KIA0203"],
  inputs: ["istio", "pods", "workloads", "nodes", "services", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DestinationRule", "EndpointSlice", "Endpoints", "Job", "Namespace", "Node", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "subset-selects-no-pods": "{rule} subset \"{subset}\" selects {labels}, and none of the {pods} pod(s) behind {host} has those labels",
  },
  analyze(ctx) {
    const { view } = ctx;
    const registry = registryOf(view);
    const namespaces = kialiNamespaces(view, ["DestinationRule", "Service", "ServiceEntry", "Deployment", "StatefulSet", "Pod"]);
    const nodeLabels = new Map(view.kind("Node").map((node) => [node.metadata.name ?? "", stringMapOf(node.metadata.labels)]));
    const withTopology = (pod: WorkloadInstance): Record<string, string> => {
      const node = nodeLabels.get(String(pod.spec.nodeName ?? ""));
      const labels = { ...pod.labels };
      for (const key of TOPOLOGY_LABELS) if (node?.[key]) labels[key] = node[key]!;
      return labels;
    };
    for (const dr of view.kind("DestinationRule")) {
      const host = recordOf(dr.spec)?.host;
      if (typeof host !== "string") continue;
      const istioServices = registry.entries(toFqdn(host, namespaceOf(dr))).filter((entry) => entry.object.kind === "Service");
      // `reviews.bookinfo`: Istio applies the rule to no service (IST0174 says so); Kiali places it at reviews in bookinfo and judges its subsets (KIA0203 only).
      const placed = istioServices.length === 0 ? kialiRuleHost(dr, namespaces) : undefined;
      const kialiOnly = placed?.complete === true && host.split(".").length === 2;
      const services = kialiOnly ? registry.entries(kialiHostName(placed)).filter((entry) => entry.object.kind === "Service") : istioServices;
      const service = services.find((entry) => entry.selector && Object.keys(entry.selector).length > 0) ?? services[0];
      if (!service) continue;
      // A Service without selector has endpoints that carry no pod labels: no subset of it selects anything.
      const selectorless = !service.selector || Object.keys(service.selector).length === 0;
      const pods = selectorless ? [] : selectInstances(workloadInstances(view, service.namespace), service.selector!);
      for (const subset of subsetsOf(dr)) {
        if (Object.keys(subset.labels).length === 0) continue;
        const matches = pods.some((pod) => {
          const labels = withTopology(pod);
          return Object.entries(subset.labels).every(([key, value]) => value !== "" && labels[key] === value);
        });
        if (matches) continue;
        const versions = [...new Set(pods.map((pod) => pod.labels.version).filter((value): value is string => !!value))];
        const key = Object.keys(subset.labels)[0]!;
        const existing = [...new Set(pods.map((pod) => pod.labels[key]).filter((value): value is string => !!value))];
        const onlyTemplates = pods.length > 0 && pods.every((pod) => pod.object.kind !== "Pod");
        reportIstio(this, ctx, {
          object: dr,
          ...(kialiOnly ? { equivalents: ["KIA0203"] } : { code: "IST0173" }),
          // Judged from workload templates before deploy: the missing version may be deployed by other manifests.
          ...(kialiOnly ? { severity: "info" as const } : onlyTemplates ? { severity: "warning" as const, confidence: 0.6 } : {}),
          args: [subset.name],
          path: ["spec", "subsets", subset.index, "labels"],
          message: "subset-selects-no-pods",
          data: { rule: refOf(dr), subset: subset.name, labels: Object.entries(subset.labels).map(([k, v]) => `${k}=${v}`).join(","), pods: pods.length, host },
          cause: kialiOnly
            ? `Kiali reads ${host} as ${kialiHostName(placed!)} and finds no pod behind it with these labels; Istio completes only names without a dot and applies this rule to no service at all (its host is the defect to fix first).`
            : selectorless ? `${refOf(service.object)} has no selector, so its endpoints carry no pod labels and every subset is empty.` : pods.length === 0 ? `No pod is behind ${refOf(service.object)} at all, so every subset is empty.` : `The pods behind ${host} carry ${key}=${existing.join("|") || "(unset)"}; routes to subset "${subset.name}" get 503 UH.`,
          fix: {
            description: existing.length ? `Use labels that the pods have (${key}: ${existing[0]}), or deploy the missing version.` : "Deploy pods with the subset's labels, or change the labels.",
            yaml: { before: yamlOf({ name: subset.name, labels: subset.labels }), after: yamlOf({ name: subset.name, labels: { ...subset.labels, ...(existing.length ? { [key]: existing[0] } : {}) } }), target: refOf(dr) },
            commands: [kubectl("edit", dr), `kubectl get pods${namespaceFlag(service.namespace)}${selectorless ? "" : ` -l ${Object.entries(service.selector!).map(([k, v]) => `${k}=${v}`).join(",")}`} -L ${key}${versions.length ? "" : ""}`],
          },
          verify: [analyzeCommand(dr), `kubectl get pods${namespaceFlag(service.namespace)} -l ${Object.entries(subset.labels).map(([k, v]) => `${k}=${v}`).join(",")}`],
        });
      }
    }
  },
});
