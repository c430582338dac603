/** The fixes that change a workload's pod template, or apply a whole object, built from the domain's changes. */
import type { Fix } from "../model/finding.js";
import { annotationChange, containerTemplateChange, templateChange, type ContainerChange, type TemplateChange } from "../k8s/workload-changes.js";
import { type JsonObject, type TemplateOwner } from "../k8s/workloads.js";

/** A change of one container of the owner's pod template (and of pod-level fields with it). */
export function containerFix(owner: TemplateOwner, containerName: string, change: ContainerChange, description: string, extraCommands: string[] = []): Fix {
  return templateChangeFix(owner, containerTemplateChange(owner, containerName, change), description, extraCommands);
}

/** Any change of the owner's pod spec. */
export function templateFix(owner: TemplateOwner, beforeSpec: JsonObject, afterSpec: JsonObject, description: string, extraCommands: string[] = [], patchSpec: JsonObject = afterSpec): Fix {
  return templateChangeFix(owner, templateChange(owner, beforeSpec, afterSpec, patchSpec), description, extraCommands);
}

function templateChangeFix(owner: TemplateOwner, change: TemplateChange, description: string, extraCommands: string[]): Fix {
  return {
    description,
    yaml: { target: change.target, before: change.before, after: change.after },
    ...(change.patchable ? { patch: change.patch } : {}),
    change: { kind: owner.kind, ...(owner.namespace ? { namespace: owner.namespace } : {}), name: owner.name, type: "strategic", patch: change.patch },
    commands: [...change.commands, ...extraCommands],
  };
}

/** A change of the pod template's annotations, which the sidecar reads only when it is injected. */
export function annotationFix(owner: TemplateOwner, before: Record<string, string>, after: Record<string, string>, description: string, extraCommands: string[] = []): Fix {
  const change = annotationChange(owner, before, after);
  return {
    description,
    yaml: { target: change.target, before: change.before, after: change.after },
    ...(change.patchable ? { patch: change.patch } : {}),
    commands: [...change.commands, ...extraCommands],
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
