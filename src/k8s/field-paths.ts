/** A field of an object, as a path: `["spec", "http", 0, "route"]`. */
export type FieldPathParts = ReadonlyArray<string | number>;

/** `spec.http[0].route[0].destination.host`, as kubectl explain and istioctl name a field. */
export function formatFieldPath(path: FieldPathParts): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out;
}

/** The value at a field path; undefined when any step is missing. */
export function valueAt(object: unknown, path: FieldPathParts): unknown {
  let current: unknown = object;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}
