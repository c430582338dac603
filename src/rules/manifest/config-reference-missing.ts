import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { keysOf } from "../../view/secrets.js";
import type { JsonObject } from "../../k8s/workloads.js";
import { absenceConfidence, closest, findNamed, namesIn } from "../../k8s/lookup.js";
import { runtimeCreatorOf } from "../../k8s/runtime-creators.js";
import { containerChangeFix, reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { containersOf, isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/config-reference-missing",
  category: "missing-config-reference",
  severity: "error",
  equivalents: ["kube-linter:env-value-from", "popeye:POP-304", "popeye:POP-407"],
  docs: {
    verify: [
      "kubectl get secret <name> -n <namespace> -o jsonpath='{.data.<key>}' | base64 -d | wc -c   # the key exists: prints its length, never the value",
      "kubectl get configmap <name> -n <namespace> -o jsonpath='{.data}'",
      "kubectl rollout status deployment/<name> -n <namespace>",
    ],
  },
};

type RefKind = "Secret" | "ConfigMap";

interface Reference {
  kind: RefKind;
  name: string;
  key?: string;
  optional: boolean;
  /** Path from the object root to the `name`/`key` field. */
  namePath: (string | number)[];
  keyPath?: (string | number)[];
  container?: string;
  /** How the pod uses it, for the summary. */
  use: string;
  /** Re-creates the field with another name or key, for the fix. */
  rewrite?: { container: JsonObject; containerName: string; init: boolean; field: "env" | "envFrom"; index: number };
  volumeIndex?: number;
}

function referencesOf(workload: Workload): Reference[] {
  const refs: Reference[] = [];
  for (const ref of containersOf(workload)) {
    objects(ref.container.env).forEach((env, index) => {
      const from = isObject(env.valueFrom) ? env.valueFrom : undefined;
      for (const [field, kind] of [["secretKeyRef", "Secret"], ["configMapKeyRef", "ConfigMap"]] as const) {
        const selector = from?.[field];
        if (!isObject(selector) || !str(selector.name)) continue;
        const base = [...ref.path, "env", index, "valueFrom", field];
        refs.push({
          kind,
          name: str(selector.name)!,
          key: str(selector.key),
          optional: selector.optional === true,
          namePath: [...base, "name"],
          keyPath: [...base, "key"],
          container: ref.name,
          use: `env ${String(env.name)}`,
          rewrite: { container: ref.container, containerName: ref.name, init: ref.init, field: "env", index },
        });
      }
    });
    objects(ref.container.envFrom).forEach((source, index) => {
      for (const [field, kind] of [["secretRef", "Secret"], ["configMapRef", "ConfigMap"]] as const) {
        const selector = source[field];
        if (!isObject(selector) || !str(selector.name)) continue;
        refs.push({
          kind,
          name: str(selector.name)!,
          optional: selector.optional === true,
          namePath: [...ref.path, "envFrom", index, field, "name"],
          container: ref.name,
          use: "envFrom",
          rewrite: { container: ref.container, containerName: ref.name, init: ref.init, field: "envFrom", index },
        });
      }
    });
  }
  objects(workload.spec.volumes).forEach((volume, index) => {
    const base = [...workload.specPath, "volumes", index];
    const volumeName = String(volume.name ?? index);
    const add = (kind: RefKind, selector: JsonObject, nameField: string, path: (string | number)[]) => {
      const name = str(selector[nameField]);
      if (!name) return;
      const optional = selector.optional === true;
      refs.push({ kind, name, optional, namePath: [...path, nameField], use: `volume ${volumeName}`, volumeIndex: index });
      objects(selector.items).forEach((item, itemIndex) => {
        const key = str(item.key);
        if (key) refs.push({ kind, name, key, optional, namePath: [...path, nameField], keyPath: [...path, "items", itemIndex, "key"], use: `volume ${volumeName}`, volumeIndex: index });
      });
    };
    if (isObject(volume.secret)) add("Secret", volume.secret, "secretName", [...base, "secret"]);
    if (isObject(volume.configMap)) add("ConfigMap", volume.configMap, "name", [...base, "configMap"]);
    if (isObject(volume.projected)) {
      objects(volume.projected.sources).forEach((source, sourceIndex) => {
        const path = [...base, "projected", "sources", sourceIndex];
        if (isObject(source.secret)) add("Secret", source.secret, "name", [...path, "secret"]);
        if (isObject(source.configMap)) add("ConfigMap", source.configMap, "name", [...path, "configMap"]);
      });
    }
  });
  return refs;
}

function kubeletMessage(ref: Reference, namespace: string | undefined, missingKey: boolean): string {
  const kind = ref.kind === "Secret" ? "secret" : "configmap";
  if (ref.volumeIndex !== undefined) {
    return missingKey
      ? `MountVolume.SetUp failed for volume "${ref.use.slice(7)}" : configmap references non-existent config key: ${ref.key}`
      : `MountVolume.SetUp failed for volume "${ref.use.slice(7)}" : ${kind} "${ref.name}" not found`;
  }
  return missingKey ? `Error: couldn't find key ${ref.key} in ${ref.kind} ${namespace ?? "<namespace>"}/${ref.name}` : `Error: ${kind} "${ref.name}" not found`;
}

function createCommand(ref: Reference, namespace: string | undefined): string {
  const ns = namespaceFlag(namespace);
  const key = ref.key ?? "<key>";
  return ref.kind === "Secret"
    ? `kubectl create secret generic ${ref.name}${ns} --from-literal=${key}=<value>`
    : `kubectl create configmap ${ref.name}${ns} --from-literal=${key}=<value>`;
}

function verifyFor(ref: Reference, namespace: string | undefined, workload: Workload): string[] {
  const ns = namespaceFlag(namespace);
  const check =
    ref.kind === "Secret"
      ? ref.key
        ? `kubectl get secret ${ref.name}${ns} -o jsonpath='{.data.${ref.key}}' | base64 -d | wc -c   # the key exists: prints its length, never the value`
        : `kubectl get secret ${ref.name}${ns} -o jsonpath='{.data}' | jq 'keys'`
      : `kubectl get configmap ${ref.name}${ns} -o jsonpath='{.data${ref.key ? `.${ref.key}` : ""}}'`;
  const rollout = ["Deployment", "StatefulSet", "DaemonSet"].includes(workload.kind) ? [`kubectl rollout status ${workload.kind.toLowerCase()}/${workload.name}${ns}`] : [`kubectl get pods${ns} -w`];
  return [check, ...rollout, `kubectl get events${ns} --field-selector type=Warning | grep -E 'not found|couldn.t find key'`];
}

function fixFor(view: ClusterView, workload: Workload, ref: Reference, replacement: { name?: string; key?: string }, description: string, extra: string[]) {
  if (ref.rewrite) {
    const list = objects(ref.rewrite.container[ref.rewrite.field]).map((entry) => JSON.parse(JSON.stringify(entry)) as JsonObject);
    const entry = list[ref.rewrite.index]!;
    const holder = ref.rewrite.field === "env" ? (entry.valueFrom as JsonObject) : entry;
    for (const selector of Object.values(holder)) {
      if (!isObject(selector)) continue;
      if (replacement.name) selector.name = replacement.name;
      if (replacement.key) selector.key = replacement.key;
    }
    return containerChangeFix(view, workload, ref.rewrite.containerName, { current: ref.rewrite.container, set: { [ref.rewrite.field]: list }, init: ref.rewrite.init }, description, extra);
  }
  if (ref.volumeIndex !== undefined) {
    const volumes = objects(workload.spec.volumes);
    const before = volumes[ref.volumeIndex]!;
    const after = JSON.parse(JSON.stringify(before).split(JSON.stringify(ref.key ?? ref.name)).join(JSON.stringify((ref.key ? replacement.key : replacement.name) ?? ref.key ?? ref.name))) as JsonObject;
    return podChangeFix(view, workload, { volumes: [before] }, { volumes: [after] }, description, extra);
  }
  return undefined;
}

export const configReferenceMissingRule = defineRule({
  ...meta,
  title: "A Secret, ConfigMap or key the pod needs does not exist",
  docs: {
    cause:
      "The pod template refers to a Secret or ConfigMap (env valueFrom, envFrom, a volume or a projected volume) by a name or key that the inputs and the cluster do not have. The kubelet cannot build the container: it waits in CreateContainerConfigError (`secret \"x\" not found`, `couldn't find key k in Secret ns/x`), or the pod stays in ContainerCreating with FailedMount.",
    fix: "Correct the name or key (the closest existing one is suggested), or create the missing object before the workload. Mark the reference `optional: true` only when the app really copes without it.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/secret/"],
  },
  inputs: ["workloads", "config", "pods", "nodes", "manifests"],
  reads: ["*"],
  requires: ["workloads"],
  scopes: ["lint", "diagnose"],
  messages: {
    "reference-missing": "{kind} \"{name}\" used by {where} does not exist{hint}",
    "key-missing": "{kind} \"{name}\" has no key \"{key}\" (used by {where}){hint}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const confidence = { Secret: absenceConfidence(view, "Secret"), ConfigMap: absenceConfidence(view, "ConfigMap") };
    for (const workload of workloadsOf(view)) {
      const seen = new Set<string>();
      for (const ref of referencesOf(workload)) {
        if (ref.optional) continue;
        const dedupe = `${ref.kind}/${ref.name}/${ref.key ?? ""}/${ref.container ?? ""}/${ref.volumeIndex ?? ""}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        const target = findNamed(view, ref.kind, workload.namespace, ref.name);
        const where = `${workload.kind} ${workload.name}${ref.container ? ` container ${ref.container}` : ""} (${ref.use})`;
        if (!target) {
          if (confidence[ref.kind] === "skip") continue;
          // Created at run time by the same inputs (the ingress-nginx admission Job, Argo CD's redis init container,
          // MetalLB's controller): silent when the creator names it, a note when it only may create it.
          const creator = runtimeCreatorOf(view, ref.kind, workload.namespace, ref.name);
          if (creator?.named) continue;
          const certain = confidence[ref.kind] === "certain";
          const suggestion = closest(ref.name, namesIn(view, ref.kind, workload.namespace));
          const description = suggestion
            ? `Use the existing ${ref.kind} "${suggestion}" (the name "${ref.name}" looks misspelt), or create "${ref.name}".`
            : `Create ${ref.kind} "${ref.name}" before the workload, or point the reference at an existing one.`;
          reportObject(ctx, meta, workload.object, {
            field: ref.namePath,
            container: ref.container,
            message: "reference-missing",
            data: { kind: ref.kind, name: ref.name, where, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
            cause: `The ${ref.kind} "${ref.name}" is not in the ${certain ? "inputs or the cluster" : "inputs"}.${creator ? ` ${creator.by} may create it at run time; if it does not,` : ""} The kubelet will report \`${kubeletMessage(ref, workload.namespace, false)}\` and the container never starts.${certain ? "" : " (No cluster context was given: if the object is created another way, lint with --against-cluster or --snapshot to confirm.)"}`,
            severity: creator ? "info" : certain ? "error" : "warning",
            confidence: certain ? 0.95 : suggestion ? 0.8 : 0.6,
            fix: suggestion ? fixFor(view, workload, ref, { name: suggestion }, description, [createCommand(ref, workload.namespace)]) : { description, commands: [createCommand(ref, workload.namespace)] },
            verify: verifyFor(ref, workload.namespace, workload),
            equivalents: ref.kind === "Secret" ? meta.equivalents : ["kube-linter:env-value-from", "popeye:POP-407"],
          });
          continue;
        }
        if (!ref.key || !ref.keyPath || !hasKnownKeys(target)) continue;
        const keys = keysOf(target);
        if (keys.includes(ref.key)) continue;
        const suggestion = closest(ref.key, keys);
        const description = suggestion ? `Use the key "${suggestion}" that ${ref.kind} ${ref.name} has.` : `Add the key "${ref.key}" to ${ref.kind} ${ref.name}, or use one of its keys: ${keys.join(", ")}.`;
        reportObject(ctx, meta, workload.object, {
          field: ref.keyPath,
          container: ref.container,
          message: "key-missing",
          data: { kind: ref.kind, name: ref.name, key: ref.key, where, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
          cause: `${ref.kind} ${ref.name} holds the keys ${keys.length ? keys.map((k) => `"${k}"`).join(", ") : "(none)"}, not "${ref.key}". The kubelet will report \`${kubeletMessage(ref, workload.namespace, true)}\`.`,
          evidence: [
            {
              source: "manifest",
              text: `${ref.kind} ${ref.name} keys: ${keys.join(", ") || "(none)"}`,
              ...locationOf(view, target),
            },
          ],
          confidence: 0.95,
          fix: () => fixFor(view, workload, ref, { key: suggestion ?? ref.key }, description, []),
          verify: verifyFor({ ...ref, key: suggestion ?? ref.key }, workload.namespace, workload),
          equivalents: ["kube-linter:env-value-from", "popeye:POP-407"],
        });
      }
    }
  },
});

function hasKnownKeys(object: KubeObject): boolean {
  return object.data !== undefined || object.stringData !== undefined || (object as { binaryData?: unknown }).binaryData !== undefined;
}

function locationOf(view: ClusterView, object: KubeObject): { path?: string; line?: number } {
  const loaded = view.loadedOf(object);
  if (!loaded) return {};
  return { path: loaded.origin.file, ...(loaded.origin.line !== undefined ? { line: loaded.origin.line } : {}) };
}
