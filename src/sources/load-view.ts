import { loadPaths, loadText, type LoadOptions } from "./files.js";
import { ViewBuilder } from "../view/builder.js";
import type { ClusterView, ViewMode } from "../view/cluster-view.js";

/** Builds a view from files and folders (the offline way in). */
export function viewFromPaths(paths: readonly string[], options: LoadOptions & { mode?: ViewMode; now?: Date; namespaces?: string[] } = {}): ClusterView {
  const builder = new ViewBuilder();
  loadPaths(paths, builder, options);
  return builder.build({ mode: options.mode ?? "offline", now: options.now, namespaces: options.namespaces });
}

/** Builds a view from in-memory texts keyed by a file name (tests, stdin). */
export function viewFromTexts(texts: Record<string, string>, options: { mode?: ViewMode; now?: Date } = {}): ClusterView {
  const builder = new ViewBuilder();
  for (const [name, text] of Object.entries(texts)) {
    builder.addSource(name);
    loadText(text, name, name, builder);
  }
  return builder.build({ mode: options.mode ?? "offline", now: options.now });
}
