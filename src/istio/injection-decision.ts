import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { LabelSelector } from "../k8s/types.js";
import { namespaceLabels } from "../k8s/namespaces.js";
import { labelSelectorMatches, WEBHOOK_SELECTOR } from "../k8s/selectors.js";
import { appliedNamespace } from "../model/namespace.js";

export const INJECT_LABEL = "sidecar.istio.io/inject";
export const REV_LABEL = "istio.io/rev";
export const NAMESPACE_INJECTION_LABEL = "istio-injection";

/** What a pod (or pod template) would get from the sidecar injector, and why. */
export interface InjectionDecision {
  /** The injector's webhook would be called for the pod. */
  webhookSelects: boolean;
  /** A sidecar would be added. */
  injected: boolean;
  /** What asks for injection: `namespace label istio-injection=enabled`, `pod label sidecar.istio.io/inject=true` ... */
  requestedBy?: string;
  /** What prevents it although it is requested. */
  blockedBy?: string;
  /** The namespace or pod opts out explicitly (istio-injection=disabled, inject=false). */
  optedOut?: string;
  /** The revision asked for, when istio.io/rev selects the injector. */
  revision?: string;
}

interface WebhookSelectors {
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  revision?: string;
}

/** The webhooks of the sidecar injector MutatingWebhookConfigurations in the view. */
export function injectorWebhooks(view: ClusterView): WebhookSelectors[] {
  const hooks: WebhookSelectors[] = [];
  for (const config of view.kind("MutatingWebhookConfiguration")) {
    const revision = config.metadata.labels?.[REV_LABEL];
    const webhooks = (config.webhooks ?? []) as Array<{ name?: string; namespaceSelector?: LabelSelector; objectSelector?: LabelSelector }>;
    for (const hook of webhooks) {
      if (!hook.name?.includes("sidecar-injector.istio.io")) continue;
      hooks.push({ name: hook.name, namespaceSelector: hook.namespaceSelector, objectSelector: hook.objectSelector, revision });
    }
  }
  return hooks;
}

/**
 * The selectors istioctl installs for the default revision (istio-sidecar-injector):
 * namespace label istio-injection=enabled, or istio.io/rev=<rev>, or (namespace unlabelled)
 * pod label sidecar.istio.io/inject=true or istio.io/rev=<rev>.
 */
function defaultWebhooks(): WebhookSelectors[] {
  return [
    {
      name: "rev.namespace.sidecar-injector.istio.io",
      revision: "default",
      namespaceSelector: { matchExpressions: [{ key: REV_LABEL, operator: "In", values: ["default"] }, { key: NAMESPACE_INJECTION_LABEL, operator: "DoesNotExist" }] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: "NotIn", values: ["false"] }] },
    },
    {
      name: "rev.object.sidecar-injector.istio.io",
      revision: "default",
      namespaceSelector: { matchExpressions: [{ key: REV_LABEL, operator: "DoesNotExist" }, { key: NAMESPACE_INJECTION_LABEL, operator: "DoesNotExist" }] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: "NotIn", values: ["false"] }, { key: REV_LABEL, operator: "In", values: ["default"] }] },
    },
    {
      name: "namespace.sidecar-injector.istio.io",
      namespaceSelector: { matchExpressions: [{ key: NAMESPACE_INJECTION_LABEL, operator: "In", values: ["enabled"] }] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: "NotIn", values: ["false"] }] },
    },
    {
      name: "object.sidecar-injector.istio.io",
      namespaceSelector: { matchExpressions: [{ key: NAMESPACE_INJECTION_LABEL, operator: "DoesNotExist" }, { key: REV_LABEL, operator: "DoesNotExist" }] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: "In", values: ["true"] }, { key: REV_LABEL, operator: "DoesNotExist" }] },
    },
  ];
}

const DEFAULT_WEBHOOKS: readonly WebhookSelectors[] = defaultWebhooks();
const webhooksCache = new WeakMap<ClusterView, readonly WebhookSelectors[]>();

/** The injector webhooks of a view, read once per view (a decision is made for every pod). */
function viewWebhooks(view: ClusterView): readonly WebhookSelectors[] {
  let hooks = webhooksCache.get(view);
  if (!hooks) webhooksCache.set(view, (hooks = injectorWebhooks(view)));
  return hooks;
}

/** Revisions that have an injector webhook in the view (`default` for an unlabelled one). */
export function knownRevisions(view: ClusterView): Set<string> {
  const revisions = new Set<string>();
  for (const config of view.kind("MutatingWebhookConfiguration")) {
    if (!(config.webhooks ?? []).some((hook: { name?: string }) => hook.name?.includes("sidecar-injector.istio.io"))) continue;
    revisions.add(config.metadata.labels?.[REV_LABEL] ?? "default");
  }
  return revisions;
}

const decisionCache = new WeakMap<ClusterView, WeakMap<object, Map<string, InjectionDecision>>>();

/** Decides injection for a pod template's metadata the way the injector webhook and its template do. */
export function injectionDecision(view: ClusterView, namespace: string, meta: { labels?: Record<string, string>; annotations?: Record<string, string> }, hostNetwork: boolean): InjectionDecision {
  // Several rules ask about the same pods (the view never changes): decided once per view, metadata and namespace.
  let byMeta = decisionCache.get(view);
  if (!byMeta) decisionCache.set(view, (byMeta = new WeakMap()));
  let byNamespace = byMeta.get(meta);
  if (!byNamespace) byMeta.set(meta, (byNamespace = new Map()));
  const key = `${hostNetwork}/${namespace}`;
  let decision = byNamespace.get(key);
  if (!decision) byNamespace.set(key, (decision = decideInjection(view, namespace, meta, hostNetwork)));
  return decision;
}

function decideInjection(view: ClusterView, namespace: string, meta: { labels?: Record<string, string>; annotations?: Record<string, string> }, hostNetwork: boolean): InjectionDecision {
  const nsLabels = namespaceLabels(view, namespace);
  const podLabels = meta.labels ?? {};
  const annotations = meta.annotations ?? {};
  const nsInjection = nsLabels[NAMESPACE_INJECTION_LABEL];
  const nsRevision = nsLabels[REV_LABEL];
  const podInject = podLabels[INJECT_LABEL] ?? annotations[INJECT_LABEL];
  const podRevision = podLabels[REV_LABEL];

  const decision: InjectionDecision = { webhookSelects: false, injected: false };
  if (nsInjection === "disabled") decision.optedOut = `namespace label ${NAMESPACE_INJECTION_LABEL}=disabled`;
  if (podInject === "false") decision.optedOut = `pod ${podLabels[INJECT_LABEL] !== undefined ? "label" : "annotation"} ${INJECT_LABEL}=false`;

  if (nsInjection === "enabled") decision.requestedBy = `namespace label ${NAMESPACE_INJECTION_LABEL}=enabled`;
  else if (nsRevision && nsInjection === undefined) {
    decision.requestedBy = `namespace label ${REV_LABEL}=${nsRevision}`;
    decision.revision = nsRevision;
  } else if (nsInjection === undefined && podInject === "true") decision.requestedBy = `pod label ${INJECT_LABEL}=true`;
  else if (nsInjection === undefined && podRevision) {
    decision.requestedBy = `pod label ${REV_LABEL}=${podRevision}`;
    decision.revision = podRevision;
  }

  const seen = viewWebhooks(view);
  const hooks = seen.length > 0 ? seen : DEFAULT_WEBHOOKS;
  const match = hooks.find((hook) => labelSelectorMatches(hook.namespaceSelector, nsLabels, WEBHOOK_SELECTOR) && labelSelectorMatches(hook.objectSelector, podLabels, WEBHOOK_SELECTOR));
  decision.webhookSelects = match !== undefined;

  if (decision.requestedBy && !decision.optedOut) {
    if (!match) {
      decision.blockedBy =
        decision.revision && seen.length > 0 && !knownRevisions(view).has(decision.revision)
          ? `no sidecar injector webhook for revision "${decision.revision}" (installed: ${[...knownRevisions(view)].join(", ") || "none"})`
          : seen.length > 0
            ? "no sidecar injector webhook selects this namespace and pod"
            : "the sidecar injector webhook does not select this pod";
    } else if (hostNetwork) {
      decision.blockedBy = "hostNetwork: true (the injector never injects host-network pods)";
    }
  }
  decision.injected = decision.webhookSelects && !decision.blockedBy && !decision.optedOut;
  return decision;
}

/** Pod template metadata and hostNetwork of a pod. */
export function podInjectionDecision(view: ClusterView, pod: KubeObject): InjectionDecision {
  return injectionDecision(view, appliedNamespace(pod.metadata.namespace), pod.metadata, pod.spec?.hostNetwork === true);
}
