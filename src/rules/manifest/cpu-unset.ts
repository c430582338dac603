import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { limitRangeDefault, rawResource } from "../../k8s/resources.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/cpu-unset",
  category: "cpu-throttling",
  severity: "info",
  equivalents: ["kube-linter:unset-cpu-requirements", "kube-score:container-resources", "polaris:cpuRequestsMissing", "polaris:cpuLimitsMissing", "popeye:POP-106", "popeye:POP-107"],
  docs: { verify: ["kubectl top pod <pod> -n <namespace> --containers", "kubectl describe node <node> | grep -A8 'Allocated resources'"] },
};

export const cpuUnsetRule = defineRule({
  ...meta,
  title: "Container without a CPU request or limit",
  docs: {
    cause:
      "With no CPU request the container gets only leftover CPU when the node is busy; start-up slows down and probes time out (a slow start then fails liveness). Without any limit one container can also starve its neighbours.",
    fix: "Set requests.cpu to what start-up and steady state really need (a common starting point is 300m) and a limit that does not throttle start-up (e.g. 1 core).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "LimitRange", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "cpu-unset": "Container {container} of {kind} {name} has no {missing}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const defaultRequest = limitRangeDefault(view, workload.namespace, "cpu", "defaultRequest") ?? limitRangeDefault(view, workload.namespace, "cpu", "default");
      const defaultLimit = limitRangeDefault(view, workload.namespace, "cpu", "default");
      for (const ref of containersOf(workload)) {
        const request = rawResource(ref.container, "requests", "cpu");
        const limit = rawResource(ref.container, "limits", "cpu");
        const missing = [...(request === undefined && limit === undefined && defaultRequest === undefined ? ["requests.cpu"] : []), ...(limit === undefined && defaultLimit === undefined ? ["limits.cpu"] : [])];
        if (missing.length === 0) continue;
        const resources = isObject(ref.container.resources) ? ref.container.resources : {};
        reportObject(ctx, meta, workload.object, {
          field: isObject(ref.container.resources) ? [...ref.path, "resources"] : ref.path,
          container: ref.name,
          message: "cpu-unset",
          data: { container: ref.name, kind: workload.kind, name: workload.name, missing: missing.join(" and no ") },
          cause: missing.includes("requests.cpu")
            ? "Without a CPU request the container is first to be starved on a busy node: start-up stretches and liveness or startup probes can kill it before it is up."
            : "Without a CPU limit a busy container can take the node's spare CPU from its neighbours; set one that does not throttle start-up.",
          confidence: 0.35,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            { current: ref.container, set: { resources: { ...resources, requests: { ...(isObject(resources.requests) ? resources.requests : {}), cpu: request ?? "<measured CPU use>" }, limits: { ...(isObject(resources.limits) ? resources.limits : {}), cpu: limit ?? "<CPU that does not throttle start-up>" } } }, init: ref.init },
            "Set CPU requests and limits from measurement (a common starting point: 300m / 1).",
          ),
        });
      }
    }
  },
});
