import { defineRule } from "../../contract/rule.js";
import { reportIstio, yamlOf } from "./finding.js";
import { nameOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { SYSTEM_NAMESPACES } from "../../istio/protocols.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/** Whether the injector is installed with `sidecarInjectorWebhook.enableNamespacesByDefault` (from the istio-sidecar-injector ConfigMap). */
function namespacesInjectedByDefault(view: ClusterView): boolean {
  for (const config of view.kind("ConfigMap")) {
    if (!nameOf(config).startsWith("istio-sidecar-injector")) continue;
    const values = recordOf(config.data)?.values;
    if (typeof values !== "string") continue;
    try {
      const parsed = JSON.parse(values) as { sidecarInjectorWebhook?: { enableNamespacesByDefault?: unknown } };
      if (parsed.sidecarInjectorWebhook?.enableNamespacesByDefault === true) return true;
    } catch {
      // Not JSON: the values are then read by nobody here.
    }
  }
  return false;
}

/** On a cluster (not a manifest set), namespaces only need injection labels when Istio is there at all. */
function istioInstalled(view: ClusterView): boolean {
  if (view.has("istio")) return true;
  if (view.kind("MutatingWebhookConfiguration").some((hook) => /istio/.test(hook.metadata.name ?? ""))) return true;
  return ["Deployment", "Pod"].some((kind) => view.kind(kind).some((object) => /^istiod/.test(object.metadata.name ?? "")));
}

export const namespaceInjectionLabels = defineRule({
  id: "istio/namespace-injection-labels",
  category: "sidecar-not-injected",
  severity: "info",
  title: "Namespace injection labels are missing or contradict each other",
  docs: {
    cause:
      "A namespace has no injection label (`istio-injection` or `istio.io/rev`), so its pods start without a sidecar and stay outside the mesh; or it has several (`istio-injection=enabled` with `istio.io/rev`, or with the ambient data-plane label), and which one wins depends on the webhook configuration.",
    fix: "Label the namespace once: `istio-injection=enabled` (default revision), `istio.io/rev=<revision>`, or `istio.io/dataplane-mode=ambient`; mark namespaces that must stay out with `istio-injection=disabled`.",
    verify: ["kubectl get namespace -L istio-injection -L istio.io/rev -L istio.io/dataplane-mode", "istioctl analyze -A"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0102/", "https://istio.io/latest/docs/reference/config/analysis/ist0123/", "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"],
  },
  equivalents: ["IST0102", "IST0123", "IST0148"],
  inputs: ["manifests", "config", "workloads", "pods"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "Job", "MutatingWebhookConfiguration", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "several-injection-labels": "{resource} has {count} injection labels ({labels})",
    "injected-by-default": "{resource} has no injection label and the injector injects namespaces by default",
    "injection-not-enabled": "{resource} is not enabled for sidecar injection",
  },
  analyze(ctx) {
    const { view } = ctx;
    if (view.mode !== "lint" && !istioInstalled(view)) return;
    const byDefault = namespacesInjectedByDefault(view);
    for (const namespace of view.kind("Namespace")) {
      const name = nameOf(namespace);
      if (SYSTEM_NAMESPACES.has(name)) continue;
      const labels = stringMapOf(namespace.metadata.labels);
      const injection = labels["istio-injection"];
      const revision = labels["istio.io/rev"];
      const ambient = labels["istio.io/dataplane-mode"] === "ambient";
      const enabledBy = [injection === "enabled" ? "istio-injection" : undefined, revision !== undefined ? "istio.io/rev" : undefined, ambient ? "istio.io/dataplane-mode" : undefined].filter((item): item is string => item !== undefined);
      if (injection !== "disabled" && enabledBy.length > 1) {
        reportIstio(this, ctx, {
          object: namespace,
          code: "IST0123",
          args: [enabledBy],
          path: ["metadata", "labels"],
          severity: "warning",
          message: "several-injection-labels",
          data: { resource: refOf(namespace), count: enabledBy.length, labels: enabledBy.map((key) => `${key}=${labels[key]}`).join(", ") },
          cause: "Each label selects a different injector (default revision, a named revision, or ambient); with several, which one applies depends on webhook order, and pods may be injected twice or by the wrong revision.",
          fix: {
            description: `Keep one label; for a revision-based install remove istio-injection.`,
            yaml: { before: yamlOf({ metadata: { labels: Object.fromEntries(enabledBy.map((key) => [key, labels[key]])) } }), after: yamlOf({ metadata: { labels: { [enabledBy.includes("istio.io/rev") ? "istio.io/rev" : enabledBy[0]!]: labels[enabledBy.includes("istio.io/rev") ? "istio.io/rev" : enabledBy[0]!] } } }), target: refOf(namespace) },
            commands: enabledBy.includes("istio.io/rev") && injection === "enabled" ? [`kubectl label namespace ${name} istio-injection-`] : [`kubectl label namespace ${name} ${enabledBy[enabledBy.length - 1]}-`],
          },
          verify: [`kubectl get namespace ${name} --show-labels`],
        });
        continue;
      }
      if (injection !== undefined || revision !== undefined || ambient) continue;
      if (byDefault) {
        reportIstio(this, ctx, {
          object: namespace,
          code: "IST0148",
          path: ["metadata"],
          message: "injected-by-default",
          data: { resource: refOf(namespace) },
          cause: "Istio is installed with enableNamespacesByDefault: pods in this namespace get a sidecar although nothing on the namespace says so.",
          fix: { description: `Make it explicit: label the namespace istio-injection=enabled, or =disabled to keep it out.`, commands: [`kubectl label namespace ${name} istio-injection=enabled`] },
          verify: [`kubectl get namespace ${name} -L istio-injection`],
        });
        continue;
      }
      reportIstio(this, ctx, {
        object: namespace,
        code: "IST0102",
        args: [name, name],
        path: ["metadata"],
        message: "injection-not-enabled",
        data: { resource: refOf(namespace) },
        cause: "Without an injection label, pods created in this namespace get no sidecar: no mTLS, no routing rules, no telemetry for them.",
        fix: {
          description: "Label the namespace for injection (or explicitly disabled), then restart its workloads.",
          yaml: { before: yamlOf({ metadata: { name, labels: namespace.metadata.labels ?? {} } }), after: yamlOf({ metadata: { name, labels: { ...(namespace.metadata.labels ?? {}), "istio-injection": "enabled" } } }), target: refOf(namespace) },
          commands: [`kubectl label namespace ${name} istio-injection=enabled`, `kubectl rollout restart deployment${namespaceFlag(name)}`],
        },
        verify: [`kubectl get namespace ${name} -L istio-injection`, `kubectl get pods${namespaceFlag(name)} -o jsonpath='{..containers[*].name}' | grep istio-proxy`],
      });
    }
  },
});
