import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { refOf } from "../../k8s/objects.js";
import { containersOf, workloadInstances } from "../../istio/workloads.js";

const PROXY_UID = 1337;

export const applicationUid1337 = defineRule({
  id: "istio/application-uid-1337",
  category: "sidecar-config-error",
  severity: "warning",
  title: "Application container runs as UID 1337, the sidecar's user",
  docs: {
    cause: "iptables rules exclude traffic from UID 1337 so that the proxy's own traffic is not captured; an application running as 1337 bypasses the sidecar entirely (no mTLS, no policy, no telemetry).",
    fix: "Run the application under another UID (runAsUser) in the pod and container securityContext.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pod <pod> -o jsonpath='{.spec.securityContext.runAsUser} {.spec.containers[*].securityContext.runAsUser}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0144/", "https://istio.io/latest/docs/ops/deployment/application-requirements/"],
  },
  equivalents: ["IST0144"],
  inputs: ["workloads", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "runs-as-proxy-uid": "{workload} runs its application as UID 1337, which Istio reserves for the sidecar",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const instance of workloadInstances(view)) {
      const podSecurity = instance.spec.securityContext as { runAsUser?: unknown } | undefined;
      let path: (string | number)[] | undefined;
      if (podSecurity?.runAsUser === PROXY_UID) path = [...instance.templatePath, "spec", "securityContext", "runAsUser"];
      containersOf(instance.spec).forEach((container, index) => {
        if (path || container.name === "istio-proxy") return;
        if ((container.securityContext as { runAsUser?: unknown } | undefined)?.runAsUser === PROXY_UID) path = [...instance.templatePath, "spec", "containers", index, "securityContext", "runAsUser"];
      });
      if (!path) continue;
      reportIstio(this, ctx, {
        object: instance.object,
        code: "IST0144",
        path,
        message: "runs-as-proxy-uid",
        data: { workload: refOf(instance.object) },
        cause: "Traffic from UID 1337 is not redirected to the sidecar, so this workload's outbound traffic skips mTLS, authorization and telemetry.",
        fix: {
          description: "Run the application as another user.",
          yaml: { before: yamlOf({ securityContext: { runAsUser: PROXY_UID } }), after: yamlOf({ securityContext: { runAsUser: 1000 } }), target: refOf(instance.object) },
          commands: [kubectl("edit", instance.object)],
        },
        verify: [analyzeCommand(instance.object)],
      });
    }
  },
});
