/**
 * `exportTo` visibility. Istio accepts `.` (own namespace), `*` (everywhere),
 * `~` (nowhere) and namespace names. No exportTo means visible everywhere,
 * unless MeshConfig sets a default.
 */
export function isVisible(exportTo: readonly string[] | undefined, ownerNamespace: string, viewerNamespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  for (const entry of exportTo) {
    if (entry === "*") return true;
    if (entry === "~") continue;
    if (entry === ".") {
      if (ownerNamespace === viewerNamespace) return true;
      continue;
    }
    if (entry === viewerNamespace) return true;
  }
  return false;
}

/** exportTo of a Kubernetes Service: the `networking.istio.io/exportTo` annotation, comma separated. */
export function serviceExportTo(annotations: Record<string, string> | undefined): string[] | undefined {
  const value = annotations?.["networking.istio.io/exportTo"];
  if (!value) return undefined;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** exportTo from a spec, or the MeshConfig default for that kind (`defaultVirtualServiceExportTo` ...). */
export function specExportTo(spec: unknown, meshDefault: readonly string[] | undefined): string[] | undefined {
  const value = (spec as { exportTo?: unknown } | undefined)?.exportTo;
  if (Array.isArray(value) && value.length > 0) return value.map(String);
  if (meshDefault && meshDefault.length > 0) return [...meshDefault];
  return undefined;
}
