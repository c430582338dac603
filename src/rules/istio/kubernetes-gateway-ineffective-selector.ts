import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { podInstances, selectInstances } from "../../istio/workloads.js";

const POLICY_KINDS = ["RequestAuthentication", "AuthorizationPolicy", "WasmPlugin", "Telemetry"];
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

export const kubernetesGatewayIneffectiveSelector = defineRule({
  id: "istio/kubernetes-gateway-ineffective-selector",
  category: "istio-config-other",
  severity: "warning",
  title: "Policy selects a Kubernetes Gateway's pods by label",
  docs: {
    cause: "A RequestAuthentication, AuthorizationPolicy, WasmPlugin or Telemetry selects the pods of a Kubernetes Gateway API gateway with `selector`; for those gateways Istio applies policies only through `targetRef(s)`, so this one has no effect.",
    fix: "Replace the selector with `targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: <gateway>}]`.",
    verify: ["istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0166/"],
  },
  equivalents: ["IST0166"],
  inputs: ["istio", "pods", "workloads"],
  reads: ["AuthorizationPolicy", "CronJob", "DaemonSet", "Deployment", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "RequestAuthentication", "StatefulSet", "Telemetry", "WasmPlugin"],
  scopes: ["lint", "diagnose"],
  messages: {
    "selects-gateway-pods": "{resource} selects the pods of Kubernetes Gateway {gateway} by label, which Istio ignores",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const kind of POLICY_KINDS) {
      for (const policy of view.kind(kind)) {
        const spec = recordOf(policy.spec) ?? {};
        if (recordOf(spec.targetRef) || arrayOf(spec.targetRefs).length > 0) continue;
        const labels = stringMapOf(recordOf(spec.selector)?.matchLabels);
        if (Object.keys(labels).length === 0) continue;
        const gatewayPod = selectInstances(podInstances(view, namespaceOf(policy)), labels).find((pod) => pod.labels[GATEWAY_NAME_LABEL]);
        if (!gatewayPod) continue;
        const gateway = gatewayPod.labels[GATEWAY_NAME_LABEL]!;
        reportIstio(this, ctx, {
          object: policy,
          code: "IST0166",
          args: [gateway],
          path: ["spec", "selector"],
          message: "selects-gateway-pods",
          data: { resource: refOf(policy), gateway },
          cause: "Policies for Gateway API gateways must target the Gateway with targetRefs; label selectors on gateway pods have no effect.",
          fix: {
            description: `Target Gateway ${gateway} instead of selecting its pods.`,
            yaml: { before: yamlOf({ spec: { selector: { matchLabels: labels } } }), after: yamlOf({ spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway }] } }), target: refOf(policy) },
            commands: [kubectl("edit", policy)],
          },
          verify: [analyzeCommand(policy)],
        });
      }
    }
  },
});
