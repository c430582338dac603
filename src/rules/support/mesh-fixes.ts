import type { Fix } from "../../model/finding.js";
import { nest, templateChangeCommands } from "./workload.js";
import { type TemplateOwner } from "../../k8s/workloads.js";
import { yamlText } from "../../util/yaml-text.js";


function toYaml(value: unknown): string {
  return yamlText(value).trimEnd();
}

/**
 * Pod template annotations before/after, the strategic-merge patch and the
 * rollout: the sidecar reads its annotations only when it is injected, so the
 * pods must be recreated.
 */
export function annotationFix(owner: TemplateOwner, before: Record<string, string>, after: Record<string, string>, description: string, extraCommands: string[] = []): Fix {
  const metadataPath = owner.kind === "Pod" ? ["metadata"] : [...owner.templatePath, "metadata"];
  const patch = JSON.stringify(nest(metadataPath, { annotations: after }));
  const target = `${owner.kind} ${owner.namespace ? `${owner.namespace}/` : ""}${owner.name}`;
  const commands = templateChangeCommands(owner, patch, "strategic");
  return {
    description,
    yaml: {
      target,
      before: toYaml(nest(metadataPath, { annotations: Object.keys(before).length > 0 ? before : {} })),
      after: toYaml(nest(metadataPath, { annotations: after })),
    },
    ...(owner.kind === "Job" || owner.kind === "Pod" ? {} : { patch }),
    commands: [...commands, ...extraCommands],
  };
}

/** A whole object to apply (NetworkPolicy, ServiceEntry, PeerAuthentication): before is what exists now, or nothing. */
export function applyFix(description: string, target: string, after: string, before = "", extraCommands: string[] = []): Fix {
  const file = `${target.split(/[\s/]/).pop()?.split(",")[0] ?? "fix"}.yaml`;
  return {
    description,
    yaml: { target, before, after },
    commands: [`kubectl apply -f ${file}   # the YAML above, saved to ${file}`, ...extraCommands],
  };
}
