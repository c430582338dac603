import type { KubeObject } from "../model/kube.js";

/** A Secret with every value replaced by an empty string: names and keys only ever leave this point. */
export function stripSecretValues(secret: KubeObject): KubeObject {
  const blank = (data: unknown): Record<string, string> | undefined => {
    if (!data || typeof data !== "object") return undefined;
    return Object.fromEntries(Object.keys(data as object).map((key) => [key, ""]));
  };
  const stripped: KubeObject = { ...secret, metadata: { ...secret.metadata } };
  const data = blank(secret.data);
  const stringData = blank(secret.stringData);
  delete stripped.data;
  delete stripped.stringData;
  if (data || stringData) stripped.data = { ...(data ?? {}), ...(stringData ?? {}) };
  const annotations = stripped.metadata.annotations;
  if (annotations && "kubectl.kubernetes.io/last-applied-configuration" in annotations) {
    const { ["kubectl.kubernetes.io/last-applied-configuration"]: _dropped, ...rest } = annotations;
    stripped.metadata.annotations = rest;
  }
  return stripped;
}

/** Keys a Secret or ConfigMap holds (data, binaryData, stringData). */
export function keysOf(object: KubeObject): string[] {
  return [
    ...Object.keys(object.data ?? {}),
    ...Object.keys((object as { binaryData?: object }).binaryData ?? {}),
    ...Object.keys(object.stringData ?? {}),
  ];
}
