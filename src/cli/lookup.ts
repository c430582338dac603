import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { knownNamespaces } from "../k8s/namespaces.js";
import { didYouMean, nearestNames } from "../util/suggest.js";
import type { ClusterView } from "../view/cluster-view.js";
import { UsageError } from "./shared.js";

export { didYouMean, nearestNames };

/** Every PATH given must exist: a missing one is a usage error that names the nearest files beside it. */
export function requireExistingPaths(paths: readonly string[]): void {
  for (const path of paths) {
    if (path === "-" || existsSync(path)) continue;
    const trimmed = path.replace(/\/+$/, "");
    const parent = dirname(trimmed);
    let siblings: string[] = [];
    try {
      siblings = existsSync(parent) ? readdirSync(parent).slice(0, 10_000) : [];
    } catch {
      siblings = [];
    }
    const near = nearestNames(basename(trimmed), siblings).map((name) => (parent === "." ? name : join(parent, name)));
    throw new UsageError(`no file or folder ${path}${didYouMean(near)}`);
  }
}

/** `-n NS` offline: a namespace the snapshot or files do not hold is a usage error with the nearest ones. */
export function requireNamespace(view: ClusterView, namespace: string, where: string): void {
  const known = knownNamespaces(view);
  if (known.size === 0 || known.has(namespace)) return;
  throw new UsageError(`no namespace ${namespace} in ${where}${didYouMean(nearestNames(namespace, known))}`);
}
