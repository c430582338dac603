import type { Evidence, Fix } from "../../model/finding.js";
import { keysOf } from "../../view/secrets.js";
import { nearest } from "../../util/suggest.js";
import { changeContainer, commandsOnly } from "./fixes/pod-fixes.js";
import { containerSpecEvidence, logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { EnvVarSpec, ContainerSpec, PodSpec } from "./causes/pod-types.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { appliedNamespace } from "../../model/namespace.js";
import { BEFORE_START } from "./causes/competition.js";
import { claim, configReferenceReading, logLineDetectors, worded } from "./causes/detectors.js";

/** The candidate closest to `wanted` (case-insensitive, `_`/`-`/`.` ignored), if close enough to be a typo. */
function closest(wanted: string, candidates: readonly string[]): string | undefined {
  return nearest(wanted, candidates, { compare: "folded", allowed: (length) => Math.max(1, Math.floor(Math.max(length, 4) / 3)) });
}

interface Suggestion {
  kind: "Secret" | "ConfigMap";
  name: string;
  key?: string;
  /** What exists instead: a key of the same object, or another object's name. */
  instead?: string;
  /** Keys the object holds (names only). */
  keys?: string[];
  envIndex?: number;
}

const objectNamesCache = new WeakMap<ClusterView, Map<string, string[]>>();

/** Names of the objects of a kind in the pod's namespace or without one, once per view, kind and namespace. */
function objectNames(context: FixContext, kind: string): string[] {
  const namespace = context.d.pod.namespace;
  let byKey = objectNamesCache.get(context.view);
  if (!byKey) objectNamesCache.set(context.view, (byKey = new Map()));
  const key = `${kind}\u0000${namespace === undefined ? "\u0000" : namespace}`;
  let names = byKey.get(key);
  if (!names) byKey.set(key, (names = context.view.kind(kind).filter((o) => o.metadata.namespace === namespace || !o.metadata.namespace).map((o) => o.metadata.name ?? "")));
  return names;
}

function suggestion(context: FixContext): Suggestion | undefined {
  const detail = context.d.cause.detail;
  const env = context.current?.env ?? [];
  if (detail.kind === "Secret" || detail.kind === "ConfigMap") {
    const kind = detail.kind;
    const object = context.view.get(kind, context.d.pod.namespace, detail.name ?? "");
    const refKey = kind === "Secret" ? "secretKeyRef" : "configMapKeyRef";
    const envIndex = env.findIndex((e) => e.valueFrom?.[refKey]?.name === detail.name && (!detail.key || e.valueFrom?.[refKey]?.key === detail.key));
    const result: Suggestion = { kind, name: detail.name ?? "", ...(envIndex >= 0 ? { envIndex } : {}) };
    if (detail.key) result.key = detail.key;
    if (object) {
      result.keys = keysOf(object);
      if (detail.key) {
        const instead = closest(detail.key, result.keys);
        if (instead) result.instead = instead;
      }
    } else {
      const instead = closest(detail.name ?? "", objectNames(context, kind));
      if (instead) result.instead = instead;
    }
    return result;
  }
  // An env var the app reports missing (KeyError, unresolved placeholder): look for a key that would provide it.
  const wanted = detail.key;
  if (!wanted) return undefined;
  for (const kind of ["Secret", "ConfigMap"] as const) {
    for (const object of context.view.kindIn(kind, context.d.pod.namespace)) {
      const keys = keysOf(object);
      const normal = wanted.toLowerCase().replace(/[^a-z0-9]/g, "");
      const exact = keys.find((key) => key.toLowerCase().replace(/[^a-z0-9]/g, "") === normal || normal.endsWith(key.toLowerCase().replace(/[^a-z0-9]/g, "")));
      const instead = exact ?? closest(wanted, keys);
      if (instead) return { kind, name: object.metadata.name ?? "", key: wanted, instead, keys };
    }
  }
  return undefined;
}

function fix(context: FixContext): Fix {
  const { d, names } = context;
  const detail = d.cause.detail;
  const found = suggestion(context);
  const env = [...(context.current?.env ?? [])];
  if (found?.key && found.instead && found.envIndex !== undefined) {
    const refKey = found.kind === "Secret" ? "secretKeyRef" : "configMapKeyRef";
    const entry = env[found.envIndex]!;
    env[found.envIndex] = { ...entry, valueFrom: { [refKey]: { ...entry.valueFrom?.[refKey], key: found.instead } } } as EnvVarSpec;
    return changeContainer(context, { env }, `${found.kind} ${found.name} has no key "${found.key}" but has "${found.instead}": fix the typo in env ${entry.name}`, [
      `kubectl get ${found.kind.toLowerCase()} ${found.name}${names.ns} -o go-template='{{range $key, $value := .data}}{{$key}}{{"\\n"}}{{end}}'   # key names only`,
    ]);
  }
  if (detail.subcause === "object-missing" && found?.instead) {
    const refKey = found.kind === "Secret" ? "secretKeyRef" : "configMapKeyRef";
    const fixedEnv = env.map((e) => (e.valueFrom?.[refKey]?.name === found.name ? ({ ...e, valueFrom: { [refKey]: { ...e.valueFrom[refKey], name: found.instead } } } as EnvVarSpec) : e));
    const fixedFrom = (context.current?.envFrom ?? []).map((e) => {
      if (found.kind === "Secret" && e.secretRef?.name === found.name) return { ...e, secretRef: { ...e.secretRef, name: found.instead } };
      if (found.kind === "ConfigMap" && e.configMapRef?.name === found.name) return { ...e, configMapRef: { ...e.configMapRef, name: found.instead } };
      return e;
    });
    // The reference can sit in env, envFrom or a volume: change only what names the missing object, so the patch changes something.
    const set: Record<string, unknown> = {};
    if (JSON.stringify(fixedEnv) !== JSON.stringify(env)) set.env = fixedEnv;
    if (JSON.stringify(fixedFrom) !== JSON.stringify(context.current?.envFrom ?? [])) set.envFrom = fixedFrom;
    const volumes = (context.podSpec?.volumes ?? []) as Array<Record<string, any>>;
    const fixedVolumes = volumes.map((volume) => renameVolumeSource(volume, found.kind, found.name, found.instead!));
    const podSet = JSON.stringify(fixedVolumes) !== JSON.stringify(volumes) ? { volumes: fixedVolumes } : undefined;
    if (Object.keys(set).length > 0 || podSet) {
      return changeContainer(context, set, `${found.kind} "${found.name}" does not exist but "${found.instead}" does: fix the name`, [], podSet);
    }
    return commandsOnly(`${found.kind} "${found.name}" does not exist but "${found.instead}" does: change the reference to it`, [`kubectl get ${found.kind.toLowerCase()} ${found.instead}${names.ns}`]);
  }
  if (detail.subcause === "object-missing") {
    const create = found?.kind === "ConfigMap" || detail.kind === "ConfigMap"
      ? `kubectl create configmap ${detail.name}${names.ns} --from-file=<file>   # or --from-literal=<key>=<value>`
      : `kubectl create secret generic ${detail.name}${names.ns} --from-literal=<key>=<value>`;
    return commandsOnly(`Create ${detail.kind} ${detail.name} in namespace ${names.namespace} (or correct the name the pod references; mark the reference optional: true only if the app can run without it)`, [create]);
  }
  if (detail.subcause === "key-missing") {
    return commandsOnly(`Add key "${detail.key}" to ${detail.kind} ${detail.name}${found?.keys ? ` (it holds: ${found.keys.join(", ") || "no keys"})` : ""}, or reference a key it has`, [
      detail.kind === "Secret"
        ? `kubectl patch secret ${detail.name}${names.ns} --type merge -p '{"stringData":{"${detail.key}":"<value>"}}'`
        : `kubectl patch configmap ${detail.name}${names.ns} --type merge -p '{"data":{"${detail.key}":"<value>"}}'`,
    ]);
  }
  // Log-reported missing variable.
  const wanted = detail.key ?? "<VAR>";
  if (found?.instead) {
    const refKey = found.kind === "Secret" ? "secretKeyRef" : "configMapKeyRef";
    env.push({ name: wanted, valueFrom: { [refKey]: { name: found.name, key: found.instead } } } as EnvVarSpec);
    return changeContainer(context, { env }, `The app needs ${wanted}; ${found.kind} ${found.name} has key "${found.instead}": pass it as ${wanted}`);
  }
  if (/^[A-Z][A-Z0-9_]+$/.test(wanted)) {
    env.push({ name: wanted, value: "<value>" });
    return changeContainer(context, { env }, `The app reads ${wanted} and it is not set: add it to the container's env (from a Secret with secretKeyRef if it is a credential)`);
  }
  return commandsOnly(`The app's setting "${wanted}" is not defined: add it to the app's configuration or as an environment variable (Spring maps ${wanted.toUpperCase().replace(/[.-]/g, "_")})`, [logsCommand(names)]);
}

/** A pod volume with its ConfigMap or Secret source (direct or projected) renamed from `from` to `to`. */
function renameVolumeSource(volume: Record<string, any>, kind: "Secret" | "ConfigMap", from: string, to: string): Record<string, any> {
  if (kind === "ConfigMap" && volume.configMap?.name === from) return { ...volume, configMap: { ...volume.configMap, name: to } };
  if (kind === "Secret" && volume.secret?.secretName === from) return { ...volume, secret: { ...volume.secret, secretName: to } };
  if (Array.isArray(volume.projected?.sources)) {
    const sources = volume.projected.sources.map((source: Record<string, any>) => {
      if (kind === "ConfigMap" && source.configMap?.name === from) return { ...source, configMap: { ...source.configMap, name: to } };
      if (kind === "Secret" && source.secret?.name === from) return { ...source, secret: { ...source.secret, name: to } };
      return source;
    });
    return { ...volume, projected: { ...volume.projected, sources } };
  }
  return volume;
}

interface ConfigReference {
  kind: "Secret" | "ConfigMap";
  name: string;
  key?: string;
  optional: boolean;
}

/** Every Secret and ConfigMap (and key) the container reads: env, envFrom, and the volumes it mounts. */
function configReferences(container: ContainerSpec, pod: PodSpec | undefined): ConfigReference[] {
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


/** The missing reference is gone from the container, and every reference it has now exists in the inputs (with its key). */
function configReferenceAnswered(context: FixContext): boolean {
  const now = context.d.container?.spec;
  const { kind, name, key } = context.d.cause.detail;
  if (!now || !name || (kind !== "Secret" && kind !== "ConfigMap")) return false;
  const references = configReferences(now, context.d.pod.spec);
  if (references.some((ref) => ref.kind === kind && ref.name === name && (!key || ref.key === key))) return false;
  const namespace = context.d.pod.namespace;
  return references.every((ref) => {
    if (ref.optional) return true;
    const object = context.view.get(ref.kind, namespace, ref.name);
    return object !== undefined && (!ref.key || keysOf(object).includes(ref.key));
  });
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "referenced-key-missing": "{container} cannot be created: key \"{key}\" in {kind} {name} does not exist",
  "referenced-object-missing": "{container} cannot be created: {kind} {name} does not exist",
  "reference-missing": "{container} cannot be created: a referenced Secret or ConfigMap does not exist",
};

export const missingConfigReference = podCauseRule({
  id: "pod/missing-config-reference",
  messages,
  category: "missing-config-reference",
  detectors: [
    worded(messages, ["referenced-key-missing", "referenced-object-missing", "reference-missing"], claim(BEFORE_START, "config-reference", "missing-config-reference", configReferenceReading)),
    ...logLineDetectors("missing-config-reference", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Secret, ConfigMap, key or environment variable missing or misspelt",
  inputs: ["pods", "events", "logs", "workloads", "config"],
  answered: (context) => configReferenceAnswered(context),
  docs: {
    cause: "The container references a Secret, ConfigMap or key that does not exist (CreateContainerConfigError, FailedMount), or the app itself stops because a setting it needs is not set (Python KeyError on os.environ, Spring 'Could not resolve placeholder', envconfig 'required key ... missing value').",
    fix: "Create the missing object or key, or correct the misspelt name; ktriage suggests the closest existing key or object when the inputs hold them (passwrod -> password). Secret values are never shown: only names and keys.",
    verify: ["kubectl get secret <NAME> -o jsonpath='{.data.<KEY>}' | base64 -d | wc -c", "kubectl describe pod <POD>", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/"],
  },
  equivalents: ["popeye:POP-304", "popeye:POP-407", "k8sgpt:Pod"],
  explain(context) {
    const match = context.d.cause.match;
    return `The app stops because a setting it needs is not defined${match ? `: ${match.text.trim().slice(0, 200)}` : ""}. The variable or property is not set in the container's env, envFrom or config.`;
  },
  extraEvidence(context) {
    const found = suggestion(context);
    const out: Evidence[] = [];
    if (found?.envIndex !== undefined) {
      const entry = context.current?.env?.[found.envIndex];
      out.push(containerSpecEvidence(context, ["env", found.envIndex], `env ${entry?.name} from ${found.kind} ${found.name} key "${found.key ?? "(all)"}"`));
    }
    if (found?.instead) out.push({ source: "api", path: `${found.kind} ${appliedNamespace(context.d.pod.namespace)}/${found.name}`, text: found.key ? `${found.kind} ${found.name} holds keys: ${(found.keys ?? []).join(", ")} (did you mean "${found.instead}"?)` : `${found.kind} "${found.instead}" exists (did you mean it?)` });
    else if (found?.keys) out.push({ source: "api", path: `${found.kind} ${appliedNamespace(context.d.pod.namespace)}/${found.name}`, text: `${found.kind} ${found.name} holds keys: ${found.keys.join(", ") || "none"}` });
    return out;
  },
  fix,
  verify: (n, context) => {
    const detail = context.d.cause.detail;
    const key = suggestion(context)?.instead ?? detail.key ?? "<KEY>";
    if (!detail.kind) {
      const names = n.ownerKind === "Pod" ? `pod/${n.pod}` : n.owner;
      return [
        `kubectl get ${names}${n.ns} -o jsonpath='{range ${n.ownerKind === "Pod" ? "" : ".spec.template"}.spec.containers[*]}{.name}{": "}{.env[*].name}{"\\n"}{end}'   # ${detail.key ?? "the variable"} is listed (names only)`,
        logsCommand(n),
        ...restartVerify(n),
      ];
    }
    const check =
      detail.kind === "ConfigMap"
        ? `kubectl get configmap ${detail.name}${n.ns} -o jsonpath='{.data.${key}}' | wc -c   # key exists (non-zero length)`
        : `kubectl get secret ${detail.name ?? "<SECRET>"}${n.ns} -o jsonpath='{.data.${key}}' | base64 -d | wc -c   # key exists; prints its length, never the value`;
    return [check, `kubectl describe pod ${n.pod}${n.ns} | grep -A10 Events   # no CreateContainerConfigError`, ...restartVerify(n)];
  },
});
