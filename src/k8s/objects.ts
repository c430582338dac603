import type { KubeObject } from "../model/kube.js";
import { appliedNamespace } from "../model/namespace.js";

/** The namespace of an object as the inputs give it; "" when the input names none. */
export function namespaceOf(object: KubeObject): string {
  return textOf(object.metadata?.namespace);
}

/** The namespace the object is applied to: its own, else the one `appliedNamespace` names for objects that name none. */
export function appliedNamespaceOf(object: KubeObject): string {
  return appliedNamespace(namespaceOf(object) || undefined);
}

export function nameOf(object: KubeObject): string {
  return textOf(object.metadata?.name);
}

/** A name field as text: YAML may give a number (`name: 2024`) or nothing. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  return value === undefined || value === null || typeof value === "object" ? "" : String(value);
}

/** `Kind namespace/name`, or `Kind name` for objects without a namespace. */
export function refOf(object: KubeObject): string {
  const namespace = namespaceOf(object);
  return namespace ? `${object.kind} ${namespace}/${nameOf(object)}` : `${object.kind} ${nameOf(object)}`;
}

/** A plain mapping from a spec field, or undefined for anything else (wrong type, absent). */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** An array from a spec field, or [] when absent or of the wrong type. */
export function arrayOf<T = unknown>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** A string map (labels, selectors) from a spec field; non-string values are dropped. */
export function stringMapOf(value: unknown): Record<string, string> {
  const record = recordOf(value);
  const out: Record<string, string> = {};
  if (!record) return out;
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === "string") out[key] = item;
    else if (typeof item === "number" || typeof item === "boolean") out[key] = String(item);
  }
  return out;
}

/** Kinds that have no namespace. */
export const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "IngressClass",
  "PriorityClass",
  "RuntimeClass",
  "GatewayClass",
  "APIService",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "CertificateSigningRequest",
  "MeshNetworks",
]);
