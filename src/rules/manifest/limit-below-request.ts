import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { rawResource, resourceValue, type ResourceName } from "../../k8s/resources.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/limit-below-request",
  category: "config-schema-error",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl apply --dry-run=server -f <file>", "kubectl get pod <pod> -n <namespace> -o jsonpath='{.spec.containers[*].resources}'"] },
};

export const limitBelowRequestRule = defineRule({
  ...meta,
  title: "A resource limit is lower than its request",
  docs: {
    cause:
      "A container's limit is below its request for the same resource. The API server rejects the object (`Invalid value: \"256Mi\": must be less than or equal to memory limit`), so the Deployment is not applied, or its ReplicaSet cannot create pods.",
    fix: "Raise the limit to at least the request (or lower the request).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "limit-below-request": "Container {container}: limits.{resource} {rawLimit} is below requests.{resource} {rawRequest}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        for (const name of ["memory", "cpu", "ephemeral-storage"] as ResourceName[]) {
          const request = resourceValue(ref.container, "requests", name);
          const limit = resourceValue(ref.container, "limits", name);
          if (request === undefined || limit === undefined || limit >= request) continue;
          const rawRequest = rawResource(ref.container, "requests", name)!;
          const rawLimit = rawResource(ref.container, "limits", name)!;
          const resources = isObject(ref.container.resources) ? ref.container.resources : {};
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, "resources", "limits", name],
            container: ref.name,
            message: "limit-below-request",
            data: { container: ref.name, resource: name, rawLimit, rawRequest },
            cause: `The API server refuses it: \`spec.containers[].resources.requests: Invalid value: "${rawRequest}": must be less than or equal to ${name} limit\`. No pod is created.`,
            evidence: [{ source: "manifest", text: `requests.${name}: ${rawRequest}` }],
            confidence: 0.95,
            fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { resources: { ...resources, limits: { ...(isObject(resources.limits) ? resources.limits : {}), [name]: rawRequest } } }, init: ref.init }, `Raise limits.${name} to at least the request (${rawRequest}).`),
          });
        }
      }
    }
  },
});
