import type { KubeObject } from "../../model/kube.js";
import type { FixContext } from "./pod-rule.js";
import type { ContainerSpec, PodSpec } from "./causes/pod-types.js";
import { probeBudgetSeconds } from "./causes/probes.js";

/**
 * Judges of a changed spec: does the spec, as a fix changed it, answer the
 * cause observed under the old one? Each says yes only when the evidence
 * decides it (an object and key the inputs hold, a path the log names, a
 * start-up time the log states); where the evidence cannot tell, the answer is
 * no and the fix stays guidance. The memory limit's judge is oom-killed's own.
 */

interface ConfigReference {
  kind: "Secret" | "ConfigMap";
  name: string;
  key?: string;
  optional: boolean;
}

/** Every Secret and ConfigMap (and key) the container reads: env, envFrom, and the volumes it mounts. */
export function configReferences(container: ContainerSpec, pod: PodSpec | undefined): ConfigReference[] {
  const out: ConfigReference[] = [];
  for (const env of container.env ?? []) {
    const secret = env.valueFrom?.secretKeyRef;
    const map = env.valueFrom?.configMapKeyRef;
    if (secret?.name) out.push({ kind: "Secret", name: secret.name, ...(secret.key ? { key: secret.key } : {}), optional: secret.optional === true });
    if (map?.name) out.push({ kind: "ConfigMap", name: map.name, ...(map.key ? { key: map.key } : {}), optional: map.optional === true });
  }
  for (const from of container.envFrom ?? []) {
    if (from.secretRef?.name) out.push({ kind: "Secret", name: from.secretRef.name, optional: from.secretRef.optional === true });
    if (from.configMapRef?.name) out.push({ kind: "ConfigMap", name: from.configMapRef.name, optional: from.configMapRef.optional === true });
  }
  const mounted = new Set((container.volumeMounts ?? []).map((m) => m.name));
  for (const volume of pod?.volumes ?? []) {
    if (!mounted.has(volume.name)) continue;
    if (volume.secret?.secretName) out.push({ kind: "Secret", name: volume.secret.secretName, optional: volume.secret.optional === true });
    if (volume.configMap?.name) out.push({ kind: "ConfigMap", name: volume.configMap.name, optional: volume.configMap.optional === true });
  }
  return out;
}

function holdsKey(object: KubeObject, key: string): boolean {
  const data = object as unknown as { data?: Record<string, unknown>; stringData?: Record<string, unknown>; binaryData?: Record<string, unknown> };
  return [data.data, data.stringData, data.binaryData].some((map) => map !== undefined && Object.prototype.hasOwnProperty.call(map, key));
}

/** The missing reference is gone from the container, and every reference it has now exists in the inputs (with its key). */
export function configReferenceAnswered(context: FixContext): boolean {
  const now = context.d.container?.spec;
  const { kind, name, key } = context.d.cause.detail;
  if (!now || !name || (kind !== "Secret" && kind !== "ConfigMap")) return false;
  const references = configReferences(now, context.d.pod.spec);
  if (references.some((ref) => ref.kind === kind && ref.name === name && (!key || ref.key === key))) return false;
  const namespace = context.d.pod.namespace;
  return references.every((ref) => {
    if (ref.optional) return true;
    const object = context.view.get(ref.kind, namespace, ref.name);
    return object !== undefined && (!ref.key || holdsKey(object, ref.key));
  });
}

const WRITABLE_VOLUME = ["emptyDir", "persistentVolumeClaim", "ephemeral"];

/** The path the log could not write is now under a writable volume that the old spec did not mount there. */
export function writablePathAnswered(context: FixContext, observed: ContainerSpec, path: string | undefined): boolean {
  const now = context.d.container?.spec;
  if (!now || !path?.startsWith("/")) return false;
  const under = (mountPath: string) => path === mountPath || path.startsWith(`${mountPath.replace(/\/+$/, "")}/`);
  const mount = (now.volumeMounts ?? []).filter((m) => under(m.mountPath) && !m.readOnly).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return false;
  const volume = context.d.pod.spec?.volumes?.find((v) => v.name === mount.name);
  if (!volume || !WRITABLE_VOLUME.some((type) => type in volume)) return false;
  const before = (observed.volumeMounts ?? []).some((m) => m.mountPath === mount.mountPath && m.name === mount.name && !m.readOnly);
  return !before;
}

/**
 * The file the log could not find is now provided by a ConfigMap or Secret volume: mounted over its
 * directory with the file's name as a key the inputs show the object holds (or an items path, or a
 * subPath of that key), where the old spec did not provide it.
 */
export function configFileAnswered(context: FixContext, observed: ContainerSpec, observedPod: PodSpec | undefined, path: string | undefined): boolean {
  const now = context.d.container?.spec;
  if (!now || !path?.startsWith("/")) return false;
  const provides = (container: ContainerSpec, pod: PodSpec | undefined): boolean =>
    (container.volumeMounts ?? []).some((mount) => {
      const volume = pod?.volumes?.find((v) => v.name === mount.name);
      const ref = volume?.configMap ? { kind: "ConfigMap", name: volume.configMap.name, items: volume.configMap.items } : volume?.secret ? { kind: "Secret", name: volume.secret.secretName, items: volume.secret.items } : undefined;
      if (!ref?.name) return false;
      let key: string | undefined;
      if (mount.subPath) key = mount.mountPath === path ? mount.subPath : undefined;
      else if (path.startsWith(`${mount.mountPath.replace(/\/+$/, "")}/`)) key = path.slice(mount.mountPath.replace(/\/+$/, "").length + 1);
      if (!key) return false;
      if (ref.items) key = ref.items.find((item) => item.path === key)?.key;
      const object = key ? context.view.get(ref.kind, context.d.pod.namespace, ref.name) : undefined;
      return object !== undefined && key !== undefined && holdsKey(object, key);
    });
  return provides(now, context.d.pod.spec) && !provides(observed, observedPod);
}

/**
 * A probe that killed the container before it was up: the start-up time the log shows now fits the time the
 * probes allow (a startupProbe holds liveness back until it succeeds). Without a logged start-up time the
 * re-check cannot tell.
 */
export function probeBudgetAnswered(context: FixContext, observed: ContainerSpec): boolean {
  const now = context.d.container?.spec;
  // Only the app's own "started in N seconds" says when it is up; the time it began to listen does not.
  const startup = context.d.cause.probe?.statedStartupSeconds;
  if (!now || startup === undefined) return false;
  const allows = (container: ContainerSpec) => (container.startupProbe ? probeBudgetSeconds(container.startupProbe) : container.livenessProbe ? probeBudgetSeconds(container.livenessProbe) : Infinity);
  return allows(now) > allows(observed) && allows(now) >= startup;
}
