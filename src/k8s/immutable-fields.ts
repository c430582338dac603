import type { KubeObject } from "../model/kube.js";
import { namespaceFlag } from "./workload-changes.js";

/**
 * Fields the API server refuses to change on an object that exists, as its update validation says
 * (k8s.io/kubernetes pkg/apis/{core,apps,batch,storage,rbac}/validation). A fix that changes one of them
 * cannot be applied with `kubectl patch` or `kubectl apply`: the object has to be re-created.
 */
interface ImmutableRule {
  /** Dotted path under the object; `spec` with `except` means every field of spec but those. */
  path: string;
  except?: readonly string[];
  /** Whether a change from `before` to `after` at this path is still allowed (a one-time set, an expansion). */
  allowed?: (before: KubeObject, after: KubeObject, field: string) => boolean;
}

const WORKLOAD_SELECTOR: readonly ImmutableRule[] = [{ path: "spec.selector" }];

const RULES: Record<string, readonly ImmutableRule[]> = {
  Deployment: WORKLOAD_SELECTOR,
  ReplicaSet: WORKLOAD_SELECTOR,
  DaemonSet: WORKLOAD_SELECTOR,
  StatefulSet: [
    {
      path: "spec",
      except: ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"],
    },
  ],
  Job: [{ path: "spec.selector" }, { path: "spec.template" }, { path: "spec.completionMode" }],
  PersistentVolumeClaim: [
    {
      path: "spec",
      except: ["volumeAttributesClassName"],
      allowed: (before, after, field) => {
        // The volume controller sets volumeName once; a bound claim may grow its storage request.
        if (field === "volumeName") return !before.spec?.volumeName;
        if (field === "resources") return before.status?.phase === "Bound" && sameExceptStorage(before.spec?.resources, after.spec?.resources);
        return false;
      },
    },
  ],
  StorageClass: [{ path: "provisioner" }, { path: "parameters" }, { path: "reclaimPolicy" }, { path: "volumeBindingMode" }],
  Service: [{ path: "spec.clusterIP" }, { path: "spec.clusterIPs" }].map((rule) => ({ ...rule, allowed: (before: KubeObject) => valueAt(before, rule.path) === undefined })),
  RoleBinding: [{ path: "roleRef" }],
  ClusterRoleBinding: [{ path: "roleRef" }],
  Secret: [{ path: "data", allowed: (before) => before.immutable !== true }, { path: "stringData", allowed: (before) => before.immutable !== true }],
  ConfigMap: [{ path: "data", allowed: (before) => before.immutable !== true }, { path: "binaryData", allowed: (before) => before.immutable !== true }],
};

function valueAt(object: unknown, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function sameExceptStorage(before: unknown, after: unknown): boolean {
  const strip = (resources: unknown) => {
    const value = (resources ?? {}) as { requests?: Record<string, unknown> };
    const { storage: _storage, ...requests } = value.requests ?? {};
    return { ...value, requests };
  };
  return same(strip(before), strip(after));
}

/** The fields that change from `before` to `after` and that the API server does not let change in place. */
export function immutableChanges(before: KubeObject, after: KubeObject): string[] {
  const changed: string[] = [];
  for (const rule of RULES[before.kind] ?? []) {
    const old = valueAt(before, rule.path);
    const now = valueAt(after, rule.path);
    if (!rule.except) {
      if (!same(old, now) && !rule.allowed?.(before, after, rule.path)) changed.push(rule.path);
      continue;
    }
    const oldFields = (old ?? {}) as Record<string, unknown>;
    const newFields = (now ?? {}) as Record<string, unknown>;
    for (const field of new Set([...Object.keys(oldFields), ...Object.keys(newFields)])) {
      if (rule.except.includes(field) || same(oldFields[field], newFields[field])) continue;
      if (!rule.allowed?.(before, after, field)) changed.push(`${rule.path}.${field}`);
    }
  }
  return changed;
}

/** How to re-create an object whose immutable fields must change, keeping what runs where that is possible. */
export function recreateSteps(object: KubeObject, fields: readonly string[], file?: string): string[] {
  const kind = object.kind.toLowerCase();
  const name = object.metadata.name ?? "";
  const ns = namespaceFlag(object.metadata.namespace);
  const saved = file ?? `${name}.yaml`;
  const steps = [`# ${fields.join(", ")} of ${object.kind} ${name} cannot be changed in place (the API server refuses the update): re-create it with the change`];
  if (!file) steps.push(`kubectl get ${kind} ${name}${ns} -o yaml > ${saved}   # then edit ${saved} as the change above shows`);
  if (["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"].includes(object.kind)) {
    steps.push(`# kubectl delete ${kind} ${name}${ns} --cascade=orphan   # its pods keep running`);
    steps.push(`# kubectl apply -f ${saved}   # the new ${object.kind} adopts the pods its selector matches`);
  } else {
    const note = object.kind === "PersistentVolumeClaim" ? "a bound claim's data then follows its volume's reclaim policy" : object.kind === "Job" ? "deletes its pods too" : "";
    steps.push(`# kubectl delete ${kind} ${name}${ns}${note ? `   # ${note}` : ""}`);
    steps.push(`# kubectl apply -f ${saved}`);
  }
  return steps;
}
