import type { FixChange } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { jsonPatch, mergePatch, PatchError, strategicMerge, type Json } from "./strategic-merge.js";

/** The object as `kubectl patch` would leave it after the change (strategic, merge or JSON patch). */
export function applyChange(object: KubeObject, change: FixChange): KubeObject {
  let patch: Json;
  try {
    patch = JSON.parse(change.patch) as Json;
  } catch {
    throw new PatchError("the patch is not valid JSON");
  }
  const original = object as unknown as Json;
  const apiVersion = object.apiVersion ?? "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const isCustom = group.includes(".") && !group.endsWith(".k8s.io");
  if (change.type === "strategic" && isCustom) throw new PatchError(`a strategic merge patch is not supported for ${object.kind} (a custom resource); kubectl needs --type merge or json`);
  if (change.type === "create") throw new PatchError("a new object is not a patch");
  const result = change.type === "json" ? jsonPatch(original, patch) : change.type === "merge" ? mergePatch(original, patch) : strategicMerge(original, patch);
  return result as unknown as KubeObject;
}
