import { declaredNamespaceLabels } from "../k8s/namespaces.js";
import { labelSelectorMatches, WEBHOOK_SELECTOR, type LabelSelector } from "../k8s/selectors.js";
import type { ClusterView } from "../view/cluster-view.js";
import { arrayOf, nameOf, recordOf, stringMapOf } from "../k8s/objects.js";

function selectorOf(value: unknown): LabelSelector | undefined {
  const record = recordOf(value);
  if (!record) return undefined;
  return {
    matchLabels: stringMapOf(record.matchLabels),
    matchExpressions: arrayOf<Record<string, unknown>>(record.matchExpressions).map((item) => ({ key: String(item?.key ?? ""), operator: String(item?.operator ?? ""), values: arrayOf(item?.values).map(String) })),
  };
}

export interface InjectionWebhook {
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** Istio's default injection selectors, used when the inputs hold no injection webhook. */
export const DEFAULT_INJECTION_WEBHOOKS: InjectionWebhook[] = [
  { name: "namespace.sidecar-injector.istio.io", namespaceSelector: { matchLabels: { "istio-injection": "enabled" } }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] } },
  { name: "rev.namespace.sidecar-injector.istio.io", namespaceSelector: { matchExpressions: [{ key: "istio.io/rev", operator: "Exists" }, { key: "istio-injection", operator: "DoesNotExist" }] }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] } },
  { name: "object.sidecar-injector.istio.io", namespaceSelector: { matchExpressions: [{ key: "istio-injection", operator: "DoesNotExist" }, { key: "istio.io/rev", operator: "DoesNotExist" }] }, objectSelector: { matchLabels: { "sidecar.istio.io/inject": "true" } } },
];

/** The sidecar injection webhooks in the inputs, or Istio's defaults when there are none. */
export function injectionWebhooks(view: ClusterView): InjectionWebhook[] {
  const found: InjectionWebhook[] = [];
  for (const config of view.kind("MutatingWebhookConfiguration")) {
    for (const webhook of arrayOf<Record<string, unknown>>(config.webhooks)) {
      if (!recordOf(webhook)) continue;
      const name = String(webhook?.name ?? "");
      if (!name.endsWith("sidecar-injector.istio.io") && !nameOf(config).startsWith("istio-sidecar-injector") && !nameOf(config).startsWith("istio-revision-tag")) continue;
      const entry: InjectionWebhook = { name };
      const namespaceSelector = selectorOf(webhook.namespaceSelector);
      const objectSelector = selectorOf(webhook.objectSelector);
      if (namespaceSelector) entry.namespaceSelector = namespaceSelector;
      if (objectSelector) entry.objectSelector = objectSelector;
      found.push(entry);
    }
  }
  return found.length > 0 ? found : DEFAULT_INJECTION_WEBHOOKS;
}

/** Whether some injection webhook would inject a pod with these labels in this namespace. */
export function wouldBeInjected(view: ClusterView, namespace: string, podLabels: Record<string, string>): boolean {
  const nsLabels = { ...(declaredNamespaceLabels(view, namespace) ?? {}), "kubernetes.io/metadata.name": namespace };
  return injectionWebhooks(view).some((webhook) => labelSelectorMatches(webhook.namespaceSelector, nsLabels, WEBHOOK_SELECTOR) && labelSelectorMatches(webhook.objectSelector, podLabels, WEBHOOK_SELECTOR));
}
