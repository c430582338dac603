import type { ClusterView } from "../view/cluster-view.js";
import { namespaceLabels } from "./namespaces.js";

const PRODUCTION_NAME = /(?:^|[-_.])(?:prod|production|prd|live)(?:$|[-_.])/i;
const ENVIRONMENT_LABELS = ["environment", "env", "stage", "tier", "app.kubernetes.io/environment"];

/** Whether a namespace is production by name (prod, production, prd, live) or by an environment label. */
export function isProductionNamespace(view: ClusterView, namespace: string): boolean {
  if (PRODUCTION_NAME.test(namespace)) return true;
  const labels = namespaceLabels(view, namespace);
  return ENVIRONMENT_LABELS.some((key) => labels[key] !== undefined && /^(?:prod|production|prd|live)$/i.test(labels[key]!));
}

/** The label or name that makes the namespace production, for evidence. */
export function productionReason(view: ClusterView, namespace: string): string {
  const labels = namespaceLabels(view, namespace);
  const key = ENVIRONMENT_LABELS.find((candidate) => labels[candidate] !== undefined && /^(?:prod|production|prd|live)$/i.test(labels[candidate]!));
  return key ? `label ${key}=${labels[key]}` : `name "${namespace}"`;
}
