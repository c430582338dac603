import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, yamlOf } from "./finding.js";
import { wouldBeInjected } from "../../istio/injection.js";
import { refOf } from "../../k8s/objects.js";
import { containersOf, workloadInstances } from "../../istio/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const imageAutoWithoutInjection = defineRule({
  id: "istio/image-auto-without-injection",
  category: "sidecar-not-injected",
  severity: "error",
  title: "`image: auto` on a workload that no injector will inject",
  docs: {
    cause: "A container uses `image: auto`, which only the sidecar injector replaces with the real proxy image. When neither the namespace nor the pod labels match an injection webhook, the image stays `auto` and the pod fails with ErrImagePull / InvalidImageName.",
    fix: "Label the namespace for injection (istio-injection=enabled or istio.io/rev=<rev>), or label the pod template sidecar.istio.io/inject: \"true\" (gateway deployments need the inject.istio.io/templates: gateway annotation too).",
    verify: ["istioctl analyze -n <namespace>", "kubectl get pod <pod> -o jsonpath='{.spec.containers[*].image}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0146/", "https://istio.io/latest/docs/setup/additional-setup/gateway/#deploying-a-gateway"],
  },
  equivalents: ["IST0146", "IST0147"],
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "MutatingWebhookConfiguration", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "image-auto-not-injected": "{workload} uses image: auto but no injection webhook selects it, so the image is never replaced",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const instance of workloadInstances(view)) {
      const containers = containersOf(instance.spec);
      const index = containers.findIndex((container) => container.image === "auto");
      if (index < 0) continue;
      if (wouldBeInjected(view, instance.namespace, instance.labels)) continue;
      const isPod = instance.object.kind === "Pod";
      reportIstio(this, ctx, {
        object: instance.object,
        code: isPod ? "IST0147" : "IST0146",
        args: [instance.object.kind, instance.object.metadata.name ?? ""],
        path: [...instance.templatePath, "spec", "containers", index, "image"],
        message: "image-auto-not-injected",
        data: { workload: refOf(instance.object) },
        cause: "Only the injector rewrites `image: auto`; without injection the kubelet tries to pull an image called `auto` and the pod never starts (InvalidImageName / ErrImagePull).",
        fix: {
          description: "Select the workload for injection.",
          yaml: { before: yamlOf({ metadata: { labels: instance.labels } }), after: yamlOf({ metadata: { labels: { ...instance.labels, "sidecar.istio.io/inject": "true" } } }), target: refOf(instance.object) },
          commands: [`kubectl label namespace ${instance.namespace || "<namespace>"} istio-injection=enabled`, `kubectl${namespaceFlag(instance.namespace)} ${instance.object.kind === "Pod" ? `delete pod ${instance.object.metadata.name ?? ""}` : `rollout restart ${instance.object.kind.toLowerCase()}/${instance.object.metadata.name ?? ""}`}`],
        },
        verify: [analyzeCommand(instance.object)],
      });
    }
  },
});
