/**
 * The three patch types `kubectl patch --type strategic|merge|json` sends, applied in memory as the API
 * server applies them, so that a printed patch can be checked before anyone runs it.
 *
 * Strategic merge follows the Kubernetes rules for built-in kinds
 * (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/,
 * https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md):
 * maps merge key by key, `null` deletes a key, lists with a patch merge key (containers by name,
 * volumeMounts by mountPath, container ports by containerPort ...) merge element by element, and every
 * other list is replaced whole. `$patch: delete | replace | merge` directives, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` are honoured.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

const isMap = (value: unknown): value is JsonMap => typeof value === "object" && value !== null && !Array.isArray(value);

/** The patch merge key of a list field of a built-in kind, from the Kubernetes API types' `patchMergeKey` tags. */
function mergeKeyOf(field: string, parentPath: readonly string[]): string | undefined {
  switch (field) {
    case "containers":
    case "initContainers":
    case "ephemeralContainers":
    case "volumes":
    case "env":
    case "imagePullSecrets":
    case "resourceClaims":
    case "schedulingGates":
      return "name";
    case "volumeMounts":
      return "mountPath";
    case "volumeDevices":
      return "devicePath";
    case "hostAliases":
      return "ip";
    case "topologySpreadConstraints":
      return "topologyKey";
    case "conditions":
      return "type";
    case "ownerReferences":
      return "uid";
    case "ports": {
      // Container ports merge by containerPort; a Service's ports by port. NetworkPolicy ports are atomic.
      const parent = parentPath[parentPath.length - 1];
      if (parent === "containers" || parent === "initContainers" || parent === "ephemeralContainers") return "containerPort";
      if (parentPath.length === 1 && parentPath[0] === "spec") return "port";
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Lists of scalars that strategic merge treats as sets (kubectl `patchStrategy:"merge"` on a []string). */
const MERGED_PRIMITIVE_LISTS = new Set(["finalizers"]);

function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * `original` with a strategic-merge `patch` applied; neither argument is changed. Maps and lists on the
 * way to a change are copied; what the patch does not touch is shared with `original` (objects in a view are never changed).
 */
export function strategicMerge(original: Json, patch: Json): Json {
  return mergeValue(original === undefined ? null : original, patch, []);
}

function mergeValue(original: Json, patch: Json, path: string[]): Json {
  if (!isMap(patch)) return patch === undefined ? original : clone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _directive, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === "delete") return null;
  return mergeMap(isMap(original) ? original : {}, patch, path);
}

function mergeMap(original: JsonMap, patch: JsonMap, path: string[]): JsonMap {
  const result: JsonMap = { ...original };
  const retain = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys.filter((key): key is string => typeof key === "string")) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys" || key.startsWith("$setElementOrder/")) continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const drop = new Set((Array.isArray(value) ? value : []).map((item) => JSON.stringify(item)));
      if (Array.isArray(result[field])) result[field] = (result[field] as Json[]).filter((item) => !drop.has(JSON.stringify(item)));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    if (Array.isArray(value)) {
      const merged = mergeList(result[key], value, key, path);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
      continue;
    }
    const next = mergeValue(result[key] ?? null, value, [...path, key]);
    if (next === null) delete result[key];
    else result[key] = next;
  }
  if (retain) for (const key of Object.keys(result)) if (!retain.has(key)) delete result[key];
  return result;
}

function mergeList(original: Json | undefined, patch: Json[], field: string, path: string[]): Json[] | undefined {
  const current = Array.isArray(original) ? original : [];
  const replaceDirective = patch.find((item) => isMap(item) && item.$patch === "replace" && Object.keys(item).length === 1);
  if (replaceDirective) return clone(patch.filter((item) => item !== replaceDirective));
  if (MERGED_PRIMITIVE_LISTS.has(field) && patch.every((item) => !isMap(item))) {
    const seen = new Set(current.map((item) => JSON.stringify(item)));
    return [...current, ...patch.filter((item) => !seen.has(JSON.stringify(item)))];
  }
  const key = mergeKeyOf(field, path);
  if (!key) return clone(patch);
  const result = current.map((item) => item);
  for (const item of patch) {
    if (!isMap(item) || item[key] === undefined) {
      result.push(clone(item));
      continue;
    }
    const index = result.findIndex((existing) => isMap(existing) && sameKey(existing[key], item[key]));
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = mergeValue(result[index]!, item, [...path, field]);
    else result.push(mergeValue(null, item, [...path, field]));
  }
  return result;
}

function sameKey(a: Json | undefined, b: Json | undefined): boolean {
  // `containerPort: "8080"` and `containerPort: 8080` name the same port once the API server has decoded them.
  return a === b || (a !== undefined && b !== undefined && String(a) === String(b));
}

/** RFC 7386 JSON merge patch (`kubectl patch --type merge`): maps merge, `null` deletes, lists are replaced. */
export function mergePatch(original: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const result: JsonMap = isMap(original) ? clone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

export class PatchError extends Error {}

/** RFC 6902 JSON patch (`kubectl patch --type json`); throws PatchError where the API server would refuse it. */
export function jsonPatch(original: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new PatchError("a JSON patch is a list of operations");
  let document = clone(original);
  for (const operation of operations) {
    if (!isMap(operation) || typeof operation.op !== "string" || typeof operation.path !== "string") throw new PatchError("each JSON patch operation needs op and path");
    const path = pointer(operation.path);
    switch (operation.op) {
      case "add":
        document = put(document, path, clone(operation.value ?? null), "add");
        break;
      case "replace":
        if (get(document, path) === undefined) throw new PatchError(`replace: ${operation.path} does not exist`);
        document = put(document, path, clone(operation.value ?? null), "replace");
        break;
      case "remove":
        if (get(document, path) === undefined) throw new PatchError(`remove: ${operation.path} does not exist`);
        document = remove(document, path);
        break;
      case "test":
        if (JSON.stringify(get(document, path)) !== JSON.stringify(operation.value)) throw new PatchError(`test failed at ${operation.path}`);
        break;
      case "copy":
      case "move": {
        if (typeof operation.from !== "string") throw new PatchError(`${operation.op} needs from`);
        const from = pointer(operation.from);
        const value = get(document, from);
        if (value === undefined) throw new PatchError(`${operation.op}: ${operation.from} does not exist`);
        if (operation.op === "move") document = remove(document, from);
        document = put(document, path, clone(value), "add");
        break;
      }
      default:
        throw new PatchError(`unknown JSON patch operation ${operation.op}`);
    }
  }
  return document;
}

function pointer(text: string): string[] {
  if (text === "") return [];
  if (!text.startsWith("/")) throw new PatchError(`JSON pointer ${text} must start with /`);
  return text.slice(1).split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function get(document: Json, path: readonly string[]): Json | undefined {
  let node: Json | undefined = document;
  for (const part of path) {
    if (Array.isArray(node)) node = /^\d+$/.test(part) ? node[Number(part)] : undefined;
    else if (isMap(node)) node = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    else return undefined;
  }
  return node;
}

function put(document: Json, path: readonly string[], value: Json, mode: "add" | "replace"): Json {
  if (path.length === 0) return value;
  const parent = get(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new PatchError(`index ${last} is out of range`);
    if (mode === "add") parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isMap(parent)) {
    parent[last] = value;
  } else {
    throw new PatchError(`/${path.slice(0, -1).join("/")} does not exist`);
  }
  return document;
}

function remove(document: Json, path: readonly string[]): Json {
  const parent = get(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isMap(parent)) delete parent[last];
  return document;
}
