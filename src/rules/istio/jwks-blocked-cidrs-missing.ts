import { defineRule } from "../../contract/rule.js";
import { reportIstio, yamlOf } from "./finding.js";
import { namespaceOf, nameOf, refOf } from "../../k8s/objects.js";
import { containersOf, workloadInstances } from "../../istio/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const jwksBlockedCidrsMissing = defineRule({
  id: "istio/jwks-blocked-cidrs-missing",
  category: "istio-config-other",
  severity: "warning",
  title: "istiod fetches JWKS URIs without a blocklist",
  docs: {
    cause: "RequestAuthentication resources make istiod fetch their jwksUri; without BLOCKED_CIDRS_IN_JWKS_URIS, a jwksUri pointing at internal addresses (metadata endpoints, cluster services) is fetched from istiod's network position.",
    fix: "Set BLOCKED_CIDRS_IN_JWKS_URIS on the istiod container to the private ranges it must not reach.",
    verify: ["istioctl analyze -n istio-system", "kubectl -n istio-system get deploy istiod -o jsonpath='{.spec.template.spec.containers[0].env}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0175/"],
  },
  equivalents: ["IST0175"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "RequestAuthentication", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "no-blocklist": "{resource} has no BLOCKED_CIDRS_IN_JWKS_URIS while {count} RequestAuthentication resource(s) exist",
  },
  analyze(ctx) {
    const { view } = ctx;
    const policies = view.kind("RequestAuthentication");
    if (policies.length === 0) return;
    for (const istiod of workloadInstances(view).filter((item) => item.object.kind === "Deployment" && item.labels.app === "istiod")) {
      const containers = containersOf(istiod.spec);
      const index = containers.findIndex((container) => container.name === "discovery");
      const container = containers[index];
      if (!container) continue;
      const env = Array.isArray(container.env) ? (container.env as { name?: unknown }[]) : [];
      if (env.some((item) => item?.name === "BLOCKED_CIDRS_IN_JWKS_URIS")) continue;
      const names = policies.map((policy) => `${namespaceOf(policy)}/${nameOf(policy)}`).join(", ");
      reportIstio(this, ctx, {
        object: istiod.object,
        code: "IST0175",
        args: [policies.length, names],
        path: [...istiod.templatePath, "spec", "containers", index, "env"],
        message: "no-blocklist",
        data: { resource: refOf(istiod.object), count: policies.length },
        cause: "istiod will fetch any jwksUri these policies name, including internal addresses.",
        fix: {
          description: "Block private ranges for JWKS fetches.",
          yaml: { before: yamlOf({ env: env.slice(0, 3) }), after: yamlOf({ env: [...env.slice(0, 3), { name: "BLOCKED_CIDRS_IN_JWKS_URIS", value: "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16" }] }), target: refOf(istiod.object) },
          commands: [`kubectl${namespaceFlag(namespaceOf(istiod.object) || "istio-system")} set env deployment/${nameOf(istiod.object)} -c discovery BLOCKED_CIDRS_IN_JWKS_URIS=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16`],
        },
        verify: ["istioctl analyze -n istio-system"],
      });
    }
  },
});
