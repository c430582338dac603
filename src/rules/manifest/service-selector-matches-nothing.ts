import { defineRule } from "../../contract/rule.js";
import { closest, formatSelector } from "../../k8s/lookup.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { podSourcesIn, selectedBy, serviceSelector } from "../../k8s/services.js";
import { stringMap } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/service-selector-matches-nothing",
  category: "service-without-endpoints",
  severity: "error",
  equivalents: ["kube-linter:dangling-service", "kube-score:service-targets-pod", "popeye:POP-1100"],
  docs: { verify: ["kubectl get endpointslices -n <namespace> -l kubernetes.io/service-name=<service>", "kubectl get pods -n <namespace> -l <selector> --show-labels"] },
};

export const serviceSelectorMatchesNothingRule = defineRule({
  ...meta,
  title: "A Service's selector matches no pod template",
  docs: {
    cause:
      "The Service selects pods by labels that no workload's pod template carries (often a typo, or labels changed in the Deployment but not the Service). It gets no endpoints: clients see `connection refused`, `no healthy upstream` or 503s although the pods run fine.",
    fix: "Make the Service selector equal to the labels of the pods it should reach (the workload's spec.template.metadata.labels).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/services-networking/service/"],
  },
  inputs: ["services", "workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "EndpointSlice", "Endpoints", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: ["services"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-nothing": "Service {service} selects {selector}, which no pod template {scope}carries{nearest}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const service of view.kind("Service")) {
      if (service.spec?.type === "ExternalName") continue;
      const selector = serviceSelector(service);
      if (!selector) continue;
      if (selectedBy(view, service.metadata.namespace, selector).length > 0) continue;
      const candidates = podSourcesIn(view, service.metadata.namespace);
      const wanted = stringMap(selector);
      // The workload whose labels share the most keys with the selector is the one the Service was meant for.
      const best = candidates
        .map((source) => ({ source, shared: Object.keys(wanted).filter((key) => key in source.labels).length, equal: Object.entries(wanted).filter(([k, v]) => source.labels[k] === v).length }))
        .filter((c) => c.shared > 0)
        .sort((a, b) => b.equal - a.equal || b.shared - a.shared)[0];
      // Only a near miss (a typo of the value) says which pods were meant; other labels under the same key
      // (`k8s-app=node-local-dns` for a selector `k8s-app=kube-dns`) belong to different pods.
      const typo = best && Object.entries(wanted).every(([key, value]) => key in best.source.labels && (best.source.labels[key] === value || closest(value, [best.source.labels[key]!]) !== undefined));
      const proposed = best && typo ? Object.fromEntries(Object.keys(wanted).map((k) => [k, best.source.labels[k]!])) : undefined;
      // Offline, the pods a Service selects are often deployed by another manifest set (kube-dns-upstream selects
      // the cluster's CoreDNS): without a near miss that is no finding worth more than a note. Live and in
      // snapshots the pods are all there, so no endpoints is what clients get now.
      const severity = view.mode !== "lint" || proposed ? "error" : "info";
      reportObject(ctx, meta, service, {
        field: ["spec", "selector"],
        message: "selects-nothing",
        data: { service: service.metadata.name ?? "", selector: formatSelector(selector), scope: candidates.length ? "in the namespace " : "", nearest: best ? `; ${best.source.kind} ${best.source.name} has ${Object.entries(best.source.labels).map(([k, v]) => `${k}=${v}`).join(",")}` : "" },
        cause: "A Service with no matching pods has no endpoints: every connection to it is refused or answered 503 by the mesh, while the pods themselves are healthy.",
        severity,
        confidence: severity === "error" ? 0.85 : 0.4,
        evidence: candidates.slice(0, 3).map((c) => ({ source: "manifest", text: `${c.kind} ${c.name} pod labels: ${Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(",") || "(none)"}` })),
        fix: proposed && Object.keys(proposed).length
          ? objectChangeFix(view, service, { spec: { selector } }, { spec: { selector: proposed } }, `Select the labels ${best!.source.kind} ${best!.source.name} gives its pods.`)
          : {
              description: view.mode === "lint"
                ? "No pod template in these manifests carries these labels: if the pods are deployed separately, nothing to change; otherwise set the selector to the labels of the pods that serve this Service."
                : "Deploy the pods this Service is for, or set the selector to the labels of the pods that serve it.",
              commands: [`kubectl get pods${namespaceFlag(service.metadata.namespace)} -l ${Object.entries(wanted).map(([k, v]) => `${k}=${v}`).join(",")} --show-labels`],
            },
      });
    }
  },
});
