import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { fieldEvidence, reportIstio } from "./finding.js";
import { arrayOf, nameOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { podInstances } from "../../istio/workloads.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const INJECTOR_PREFIX = "istio-sidecar-injector";

/** The proxy image each injector revision injects, from the `values` of its istio-sidecar-injector ConfigMap. */
function injectedImages(view: ClusterView): Map<string, { image: string; config: KubeObject }> {
  const images = new Map<string, { image: string; config: KubeObject }>();
  for (const config of view.kind("ConfigMap")) {
    const name = nameOf(config);
    if (!name.startsWith(INJECTOR_PREFIX)) continue;
    const values = recordOf(config.data)?.values;
    if (typeof values !== "string") continue;
    let parsed: { global?: { hub?: string; tag?: string; proxy?: { image?: string } }; revision?: string };
    try {
      parsed = JSON.parse(values) as typeof parsed;
    } catch {
      continue;
    }
    const proxy = parsed.global?.proxy?.image ?? "proxyv2";
    const image = proxy.includes("/") ? proxy : `${parsed.global?.hub ?? "docker.io/istio"}/${proxy}:${parsed.global?.tag ?? ""}`;
    const revision = parsed.revision || (name === INJECTOR_PREFIX ? "default" : name.slice(INJECTOR_PREFIX.length + 1));
    images.set(revision, { image, config });
  }
  return images;
}

/** The same image, or one of its variants (`-distroless`, `-debug`). */
function sameImage(actual: string, expected: string): boolean {
  return actual === expected || actual === `${expected}-distroless` || actual === `${expected}-debug`;
}

export const proxyImageMismatch = defineRule({
  id: "istio/proxy-image-mismatch",
  category: "proxy-config-stale",
  severity: "warning",
  title: "Pods run a sidecar image other than the one the injector now injects",
  docs: {
    cause: "The istio-proxy image of running pods differs from the image the namespace's injector (its revision) injects today, usually after a control-plane upgrade: the old proxies keep running until the pods are recreated, and may not understand configuration the new istiod sends.",
    fix: "Restart the workloads of the namespace so that they are re-injected (`kubectl rollout restart`).",
    verify: ["istioctl proxy-status", "kubectl get pods -n <namespace> -o jsonpath='{..containers[?(@.name==\"istio-proxy\")].image}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0158/", "https://istio.io/latest/docs/setup/upgrade/canary/"],
  },
  equivalents: ["IST0158"],
  inputs: ["pods", "workloads", "config"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "stale-proxy-image": "{count} pod(s) in namespace {namespace} run {images}, but the {revision} injector now injects {image}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const images = injectedImages(view);
    if (images.size === 0) return;
    for (const namespace of view.kind("Namespace")) {
      const labels = stringMapOf(namespace.metadata.labels);
      const revision = labels["istio-injection"] === "enabled" ? "default" : labels["istio.io/rev"];
      if (!revision) continue;
      const injector = images.get(revision);
      if (!injector) continue;
      const stale: { pod: KubeObject; image: string }[] = [];
      for (const pod of podInstances(view, nameOf(namespace))) {
        if (pod.annotations["sidecar.istio.io/proxyImage"]) continue;
        const containers = [...arrayOf<Record<string, unknown>>(pod.spec.containers), ...arrayOf<Record<string, unknown>>(pod.spec.initContainers)];
        const proxy = containers.find((container) => container?.name === "istio-proxy");
        if (typeof proxy?.image !== "string" || sameImage(proxy.image, injector.image)) continue;
        stale.push({ pod: pod.object, image: proxy.image });
      }
      if (stale.length === 0) continue;
      const name = nameOf(namespace);
      reportIstio(this, ctx, {
        object: namespace,
        code: "IST0158",
        args: [stale.map((item) => nameOf(item.pod))],
        path: ["metadata", "labels"],
        message: "stale-proxy-image",
        data: { count: stale.length, namespace: name, images: [...new Set(stale.map((item) => item.image))].join(", "), revision, image: injector.image },
        cause: "The pods were injected by an earlier control plane; proxies are only replaced when pods are recreated.",
        fix: { description: `Recreate the workloads of namespace ${name} so that they get ${injector.image}.`, commands: [`kubectl rollout restart deployment${namespaceFlag(name)}`, `kubectl rollout restart statefulset${namespaceFlag(name)}`] },
        evidence: [fieldEvidence(view, injector.config, ["data", "values"], `${refOf(injector.config)} injects ${injector.image}`), ...stale.slice(0, 5).map((item) => fieldEvidence(view, item.pod, ["spec", "containers"], `${refOf(item.pod)} istio-proxy image ${item.image}`))],
        verify: ["istioctl proxy-status", `kubectl get pods${namespaceFlag(name)} -o jsonpath='{..containers[?(@.name=="istio-proxy")].image}'`],
      });
    }
  },
});
