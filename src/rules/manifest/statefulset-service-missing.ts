import { defineRule } from "../../contract/rule.js";
import { closest, findNamed, hasClusterContext, inNamespace, namesIn } from "../../k8s/lookup.js";
import { KUBERNETES_SELECTOR, selectorMatches } from "../../k8s/selectors.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { str, workloadsOf } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/statefulset-service-missing",
  category: "dependency-unavailable",
  severity: "warning",
  equivalents: ["kube-score:statefulset-has-servicename"],
  docs: { verify: ["kubectl get service <service> -n <namespace> -o jsonpath='{.spec.clusterIP}'   # None", "kubectl exec <pod> -n <namespace> -- nslookup <pod>.<service>"] },
};

export const statefulSetServiceMissingRule = defineRule({
  ...meta,
  title: "A StatefulSet's serviceName is not a headless Service that selects its pods",
  docs: {
    cause:
      "A StatefulSet's pods get their stable DNS names (`db-0.db.ns.svc`) from the headless Service named in serviceName. When that Service does not exist, is not headless, or does not select the pods, the names never resolve: clustered databases and brokers cannot find their peers at start-up and crash or wait forever.",
    fix: "Create a headless Service (clusterIP: None) with the StatefulSet's serviceName that selects its pod labels.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id"],
  },
  inputs: ["workloads", "pods", "nodes", "services", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-name-missing": "StatefulSet {name} has no serviceName",
    "service-unusable": "StatefulSet {name} {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      if (workload.kind !== "StatefulSet") continue;
      const serviceName = str(workload.object.spec?.serviceName);
      const servicesKnown = hasClusterContext(view) || inNamespace(view, "Service", workload.namespace).length > 0;
      if (!serviceName) {
        reportObject(ctx, meta, workload.object, {
          field: ["spec"],
          message: "service-name-missing",
          data: { name: workload.name },
          cause: "Without a governing headless Service the pods get no stable DNS names; peers that look each other up by name cannot connect.",
          severity: "warning",
          confidence: 0.6,
          fix: () => objectChangeFix(view, workload.object, { spec: {} }, { spec: { serviceName: workload.name } }, `Name a headless Service (e.g. ${workload.name}) and create it.`),
        });
        continue;
      }
      const service = findNamed(view, "Service", workload.namespace, serviceName);
      let problem: string | undefined;
      if (!service) {
        if (!servicesKnown) continue;
        const suggestion = closest(serviceName, namesIn(view, "Service", workload.namespace));
        problem = `names Service "${serviceName}", which does not exist${suggestion ? `; did you mean "${suggestion}"?` : ""}`;
      } else if (service.spec?.clusterIP !== "None") {
        problem = `names Service ${serviceName}, which is not headless (clusterIP is not None)`;
      } else if (service.spec?.selector && !selectorMatches(service.spec.selector, workload.labels, KUBERNETES_SELECTOR)) {
        problem = `names Service ${serviceName}, whose selector does not match the StatefulSet's pod labels`;
      }
      if (!problem) continue;
      // The StatefulSet and its pods are created either way; only the per-pod DNS names are missing. That fails
      // something only when peers look each other up: several replicas, or a container naming the Service.
      const peersUseNames = Number(workload.object.spec?.replicas ?? 1) > 1 || JSON.stringify(workload.spec.containers ?? []).includes(`.${serviceName}`);
      reportObject(ctx, meta, workload.object, {
        field: ["spec", "serviceName"],
        message: "service-unusable",
        data: { name: workload.name, problem },
        cause: `The per-pod DNS names (${workload.name}-0.${serviceName}...) are published only by a headless Service that selects the pods; here they never resolve, so peers fail to find each other at start-up.`,
        severity: peersUseNames ? "warning" : "info",
        confidence: peersUseNames ? 0.7 : 0.4,
        fix: { description: `Create (or fix) the headless Service ${serviceName}: clusterIP: None, selector ${JSON.stringify(workload.labels)}.`, commands: [`kubectl get service ${serviceName}${namespaceFlag(workload.namespace)} -o yaml`] },
      });
    }
  },
});
