import type { Fix } from "../../../model/finding.js";
import type { FixContext } from "../pod-rule.js";
import { containerFix } from "../../workload-fixes.js";
import { type JsonObject } from "../../../k8s/workloads.js";

/**
 * A change to the failing container in its owner's pod template: before/after
 * YAML, strategic-merge patch and rollout commands. Without a Pod object (a
 * log or events given alone) there is no template to show, so the fix keeps
 * its description and commands and shows the change as a container snippet.
 */
export function changeContainer(context: FixContext, set: JsonObject, description: string, extraCommands: string[] = [], podSet?: JsonObject): Fix {
  const { owner, current, podSpec, d } = context;
  const name = d.container?.name || current?.name || "app";
  if (owner && current) {
    return containerFix(owner, name, { current: current as JsonObject, set, init: d.container?.init, ...(podSet ? { podSet, podCurrent: podSpec as JsonObject } : {}) }, description, extraCommands);
  }
  const snippet = JSON.stringify({ name, ...set });
  return {
    description: `${description} (no Pod or workload in the inputs: apply this to the container in its Deployment/StatefulSet/Job template)`,
    patch: JSON.stringify({ spec: { template: { spec: { ...(podSet ?? {}), [d.container?.init ? "initContainers" : "containers"]: [{ name, ...set }] } } } }),
    commands: [`kubectl patch deployment <NAME>${context.names.ns} --type strategic -p '${JSON.stringify({ spec: { template: { spec: { [d.container?.init ? "initContainers" : "containers"]: [JSON.parse(snippet)] } } } })}'`, ...extraCommands],
  };
}

/** A fix that is only commands (node, registry or code problems). */
export function commandsOnly(description: string, commands: string[]): Fix {
  return { description, commands };
}

/** The directory part of a path: `/etc/app/config.yaml` -> `/etc/app`. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const index = trimmed.lastIndexOf("/");
  return index <= 0 ? "/" : trimmed.slice(0, index);
}

/** A volume name derived from a path: `/app/logs` -> `app-logs`. */
export function volumeNameFor(path: string): string {
  const name = path.replace(/^\/+/, "").replace(/[^a-z0-9]+/gi, "-").toLowerCase().replace(/^-+|-+$/g, "");
  return (name || "data").slice(0, 50).replace(/-+$/, "");
}
