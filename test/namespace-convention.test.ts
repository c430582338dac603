import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * An object without a namespace has `metadata.namespace` undefined; the namespace it is applied to
 * comes from `appliedNamespace` (src/model/namespace.ts), or `appliedNamespaceOf` (src/k8s/objects.ts)
 * for an object, not from `?? "default"` or `|| "default"` spelled again after a namespace
 * (`pod.metadata.namespace ?? "default"`, `namespaceOf(policy) || "default"`, `(namespace || "default")`).
 */
const SPELLS_DEFAULT_NAMESPACE = /namespace(?:Of\([^()]*\))?\)?\s*(?:\?\?|\|\|)\s*"default"/;

/** Files that still spell it themselves; the list may only shrink. */
const NOT_YET_CONVERTED = new Set<string>([]);

const src = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

describe("one convention for objects without a namespace", () => {
  it("the check knows each way of spelling it", () => {
    for (const spelled of ['pod.metadata.namespace ?? "default"', 'namespaceOf(policy) || "default"', '(namespaceOf(sa) || "default") === namespace', 'add(instance.namespace || "default", name)', 'const namespace = namespaceOf(rule) ?? "default";']) {
      expect(SPELLS_DEFAULT_NAMESPACE.test(spelled), spelled).toBe(true);
    }
    for (const other of ['spec.serviceAccountName ?? "default"', 'appliedNamespace(namespaceOf(policy) || undefined)', 'revision === "default"']) {
      expect(SPELLS_DEFAULT_NAMESPACE.test(other), other).toBe(false);
    }
  });

  const spelling = files(src)
    .filter((file) => SPELLS_DEFAULT_NAMESPACE.test(readFileSync(file, "utf8")))
    .map((file) => relative(src, file));

  it("no file spells the default namespace itself", () => {
    expect(spelling.filter((file) => !NOT_YET_CONVERTED.has(file))).toEqual([]);
  });

  it("the list of files not yet converted only shrinks", () => {
    expect([...NOT_YET_CONVERTED].filter((file) => !spelling.includes(file))).toEqual([]);
  });
});
