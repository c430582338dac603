import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { reportIstio, kubectl } from "./finding.js";
import { arrayOf, nameOf, recordOf, refOf } from "../../k8s/objects.js";
import { labelSelectorMatches, WEBHOOK_SELECTOR } from "../../k8s/selectors.js";

interface Injector {
  config: KubeObject;
  index: number;
  name: string;
  namespaceSelector: unknown;
  objectSelector: unknown;
}

/** The revisions a configuration serves: its istio.io/rev label and the revisions its selectors name. */
function revisionsOf(config: KubeObject): string[] {
  const out = new Set<string>();
  const own = config.metadata?.labels?.["istio.io/rev"];
  if (typeof own === "string") out.add(own);
  for (const webhook of arrayOf<Record<string, unknown>>(config.webhooks)) {
    for (const selector of [webhook?.namespaceSelector, webhook?.objectSelector].map(recordOf)) {
      const label = recordOf(selector?.matchLabels)?.["istio.io/rev"];
      if (typeof label === "string") out.add(label);
      for (const expression of arrayOf<Record<string, unknown>>(selector?.matchExpressions)) {
        if (expression?.key === "istio.io/rev") for (const value of arrayOf<unknown>(expression.values)) if (typeof value === "string") out.add(value);
      }
    }
  }
  return [...out];
}

/** The default revision's own configuration, which istioctl leaves out of the overlap check (the tag's copy is judged). */
function isDefaultRevisioned(config: KubeObject): boolean {
  const labels = config.metadata?.labels ?? {};
  return labels["istio.io/tag"] === undefined && labels["istio.io/rev"] === "default";
}


function isInjector(config: KubeObject, webhook: Record<string, unknown>): boolean {
  return nameOf(config).startsWith("istio-sidecar-injector") || nameOf(config).startsWith("istio-revision-tag") || String(webhook.name ?? "").endsWith("sidecar-injector.istio.io");
}

export const injectionWebhookInvalid = defineRule({
  id: "istio/injection-webhook-invalid",
  category: "sidecar-not-injected",
  severity: "error",
  title: "Sidecar injection webhook points nowhere or overlaps another",
  docs: {
    cause: "An Istio injection webhook calls a Service that does not exist (pods are then created without sidecar, or not at all when failurePolicy is Fail), or two injection webhooks select the same namespaces and pods, so pods are injected twice or by the wrong revision.",
    fix: "Point the webhook at the istiod Service of its revision; remove the stale webhook configuration (old revision, leftover tag) so that each namespace matches exactly one injector.",
    verify: ["kubectl get mutatingwebhookconfigurations -l app=sidecar-injector", "istioctl tag list", "istioctl analyze"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0139/"],
  },
  equivalents: ["IST0139"],
  inputs: ["manifests", "services"],
  reads: ["EndpointSlice", "Endpoints", "MutatingWebhookConfiguration", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "service-not-found": "{resource} webhook {webhook} calls Service {service}, which does not exist",
    "webhooks-overlap": "{resource} webhook {webhook} injects the same namespaces and pods as {others}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const injectors: Injector[] = [];
    for (const config of view.kind("MutatingWebhookConfiguration")) {
      arrayOf<Record<string, unknown>>(config.webhooks).forEach((webhook, index) => {
        if (!recordOf(webhook) || !isInjector(config, webhook)) return;
        const service = recordOf(recordOf(webhook.clientConfig)?.service);
        if (service && typeof service.name === "string" && !view.get("Service", String(service.namespace ?? ""), service.name)) {
          reportIstio(this, ctx, {
            object: config,
            code: "IST0139",
            args: [`Webhook ${String(webhook.name ?? "")} references the Service ${String(service.namespace ?? "")}/${service.name}, which does not exist`],
            path: ["webhooks", index, "clientConfig", "service", "name"],
            message: "service-not-found",
            data: { resource: refOf(config), webhook: String(webhook.name ?? ""), service: `${String(service.namespace ?? "")}/${service.name}` },
            cause: "The API server cannot reach the injector: new pods are created without sidecar (failurePolicy Ignore) or rejected (Fail).",
            fix: { description: "Point the webhook at the istiod Service of this revision, or delete this stale configuration.", commands: [kubectl("edit", config), "kubectl get svc -n istio-system -l app=istiod"] },
            verify: ["istioctl analyze", "kubectl get svc -n istio-system"],
          });
        }
      });
    }
    // Istio's permutation check: every namespace x object label set an injector can be asked about
    // (with and without istio-injection / sidecar.istio.io/inject, per revision) must match at most one webhook.
    const configs = view.kind("MutatingWebhookConfiguration").filter((config) => !isDefaultRevisioned(config) && (revisionsOf(config).length > 0 || arrayOf<Record<string, unknown>>(config.webhooks).some((webhook) => String(webhook?.name ?? "").endsWith("istio.io"))));
    for (const config of configs) {
      arrayOf<Record<string, unknown>>(config.webhooks).forEach((webhook, index) => {
        if (recordOf(webhook)) injectors.push({ config, index, name: String(webhook.name ?? ""), namespaceSelector: webhook.namespaceSelector, objectSelector: webhook.objectSelector });
      });
    }
    const revisions = [...new Set(configs.flatMap(revisionsOf))];
    const withRevisions = (base: Array<Record<string, string>>) => [...base, ...revisions.flatMap((revision) => base.map((labels) => ({ ...labels, "istio.io/rev": revision })))];
    const namespaceSets = withRevisions([{}, { "istio-injection": "enabled" }, { "istio-injection": "disabled" }]);
    const objectSets = withRevisions([{}, { "sidecar.istio.io/inject": "true" }, { "sidecar.istio.io/inject": "false" }]);
    const overlaps = new Map<Injector, Set<Injector>>();
    for (const namespaceLabels of namespaceSets) {
      for (const objectLabels of objectSets) {
        const matching = injectors.filter((injector) => labelSelectorMatches(injector.namespaceSelector, namespaceLabels, WEBHOOK_SELECTOR) && labelSelectorMatches(injector.objectSelector, objectLabels, WEBHOOK_SELECTOR));
        if (matching.length < 2) continue;
        for (const injector of matching) {
          const others = overlaps.get(injector) ?? new Set<Injector>();
          for (const other of matching) if (other !== injector) others.add(other);
          overlaps.set(injector, others);
        }
      }
    }
    const reported = new Set<KubeObject>();
    for (const [injector, others] of overlaps) {
      if (reported.has(injector.config)) continue;
      reported.add(injector.config);
      const overlapping = [...others];
      reportIstio(this, ctx, {
        object: injector.config,
        code: "IST0139",
        args: [`Webhook overlaps with others: [${overlapping.map((item) => `${nameOf(item.config)}/${item.name}`).sort().join(" ")}]. This may cause injection to occur twice.`],
        path: ["webhooks", injector.index],
        message: "webhooks-overlap",
        data: { resource: refOf(injector.config), webhook: injector.name, others: [...new Set(overlapping.map((item) => `${nameOf(item.config)}/${item.name}`))].sort().join(", ") },
        cause: "Two injectors match the same pods: the pod is injected by whichever runs first (or twice), possibly with another revision's proxy.",
        fix: { description: "Delete the injector configuration of the unused revision, or give the webhooks disjoint selectors (istio-injection vs istio.io/rev, namespace vs object selectors).", commands: [kubectl("get", injector.config, "-o yaml"), "istioctl tag list"] },
        verify: ["istioctl analyze"],
      });
    }
  },
});
