import { defineRule } from "../../engine/rule.js";
import type { Finding } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { istioFinding, kubectl } from "../../istio/finding.js";
import { arrayOf, nameOf, recordOf, refOf, stringMapOf } from "../../istio/meta.js";

interface Injector {
  config: KubeObject;
  index: number;
  name: string;
  namespaceLabels: Record<string, string>;
  objectLabels: Record<string, string>;
  expressions: string;
}

function isInjector(config: KubeObject, webhook: Record<string, unknown>): boolean {
  return nameOf(config).startsWith("istio-sidecar-injector") || nameOf(config).startsWith("istio-revision-tag") || String(webhook.name ?? "").endsWith("sidecar-injector.istio.io");
}

function compatible(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.entries(a).every(([key, value]) => b[key] === undefined || b[key] === value);
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
  scopes: ["lint", "diagnose"],
  analyze(view) {
    const findings: Finding[] = [];
    const injectors: Injector[] = [];
    for (const config of view.kind("MutatingWebhookConfiguration")) {
      arrayOf<Record<string, unknown>>(config.webhooks).forEach((webhook, index) => {
        if (!recordOf(webhook) || !isInjector(config, webhook)) return;
        const service = recordOf(recordOf(webhook.clientConfig)?.service);
        if (service && typeof service.name === "string" && !view.get("Service", String(service.namespace ?? ""), service.name)) {
          findings.push(
            istioFinding(this, view, {
              object: config,
              code: "IST0139",
              args: [`Webhook ${String(webhook.name ?? "")} references the Service ${String(service.namespace ?? "")}/${service.name}, which does not exist`],
              path: ["webhooks", index, "clientConfig", "service", "name"],
              summary: `${refOf(config)} webhook ${String(webhook.name ?? "")} calls Service ${String(service.namespace ?? "")}/${service.name}, which does not exist`,
              cause: "The API server cannot reach the injector: new pods are created without sidecar (failurePolicy Ignore) or rejected (Fail).",
              fix: { description: "Point the webhook at the istiod Service of this revision, or delete this stale configuration.", commands: [kubectl("edit", config), "kubectl get svc -n istio-system -l app=istiod"] },
              verify: ["istioctl analyze", "kubectl get svc -n istio-system"],
            }),
          );
        }
        const namespaceSelector = recordOf(webhook.namespaceSelector);
        const objectSelector = recordOf(webhook.objectSelector);
        injectors.push({
          config,
          index,
          name: String(webhook.name ?? ""),
          namespaceLabels: stringMapOf(namespaceSelector?.matchLabels),
          objectLabels: stringMapOf(objectSelector?.matchLabels),
          expressions: JSON.stringify([namespaceSelector?.matchExpressions ?? [], objectSelector?.matchExpressions ?? []]),
        });
      });
    }
    const reported = new Set<KubeObject>();
    for (const injector of injectors) {
      const overlapping = injectors.filter(
        (other) => other.config !== injector.config && other.expressions === injector.expressions && compatible(injector.namespaceLabels, other.namespaceLabels) && compatible(injector.objectLabels, other.objectLabels),
      );
      if (overlapping.length === 0 || reported.has(injector.config)) continue;
      reported.add(injector.config);
      findings.push(
        istioFinding(this, view, {
          object: injector.config,
          code: "IST0139",
          args: [`Webhooks ${[injector, ...overlapping].map((item) => `${nameOf(item.config)}/${item.name}`).join(", ")} select the same objects`],
          path: ["webhooks", injector.index, "namespaceSelector"],
          summary: `${refOf(injector.config)} and ${overlapping.map((item) => refOf(item.config)).join(", ")} inject the same namespaces and pods`,
          cause: "Two injectors match the same pods: the pod is injected by whichever runs first (or twice), possibly with another revision's proxy.",
          fix: { description: "Delete the injector configuration of the unused revision, or give the revisions disjoint selectors (istio-injection vs istio.io/rev).", commands: [kubectl("get", injector.config, "-o yaml"), "istioctl tag list"] },
          verify: ["istioctl analyze"],
        }),
      );
    }
    return findings;
  },
});
