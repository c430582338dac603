import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Imports run only downward: cli -> report -> engine -> rules | queries -> domain and the rule contract -> view -> model.
 * Sources and queries sit beside the rules (each reads the domain and the view; none imports another).
 * A file imports from its own layer or from a layer below it, never above.
 */
const LAYERS: Record<string, number> = {
  "cli.ts": 0,
  cli: 0,
  "index.ts": 0,
  report: 1,
  watch: 1,
  engine: 2,
  rules: 3,
  queries: 3,
  sources: 3,
  k8s: 4,
  istio: 4,
  envoy: 4,
  signatures: 4,
  contract: 4,
  view: 5,
  model: 6,
  util: 6,
  "version.ts": 6,
};

/** Layers of one rank that must not import each other. */
const BESIDE_EACH_OTHER = new Set(["rules", "queries", "sources"]);

/** Upward imports still in the tree (file -> import); the list may only shrink. */
const NOT_YET_DOWNWARD = new Set<string>([]);

const src = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

function layerOf(path: string): { name: string; rank: number } {
  const top = relative(src, path).split("/")[0]!;
  const rank = LAYERS[top];
  if (rank === undefined) throw new Error(`${relative(src, path)}: its folder ${top} is in no layer; add it to LAYERS`);
  return { name: top, rank };
}

function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) specifiers.push((match[1] ?? match[2])!);
  return specifiers.filter((specifier) => specifier.startsWith("."));
}

describe("imports run only downward", () => {
  it("no file imports from a layer above its own", () => {
    const upward: string[] = [];
    for (const file of files(src)) {
      const from = layerOf(file);
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        const targetPath = resolve(dirname(file), specifier).replace(/\.js$/, ".ts");
        const to = layerOf(targetPath);
        const sideways = from.rank === to.rank && from.name !== to.name && BESIDE_EACH_OTHER.has(from.name) && BESIDE_EACH_OTHER.has(to.name);
        if (to.rank >= from.rank && !sideways) continue;
        const edge = `${relative(src, file)} -> ${relative(src, targetPath).replace(/\.ts$/, ".js")}`;
        if (!NOT_YET_DOWNWARD.has(edge)) upward.push(edge);
      }
    }
    expect(upward).toEqual([]);
  });

  it("the view imports only the model", () => {
    const outside: string[] = [];
    for (const file of files(join(src, "view"))) {
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        const to = layerOf(resolve(dirname(file), specifier).replace(/\.js$/, ".ts")).name;
        if (to !== "view" && to !== "model") outside.push(`${relative(src, file)} -> ${specifier}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("the engine and the domain import no rule: the engine runs the rules it is given", () => {
    const intoRules: string[] = [];
    for (const layer of ["engine", "k8s", "istio", "envoy", "signatures"]) {
      for (const file of files(join(src, layer))) {
        for (const specifier of importsOf(readFileSync(file, "utf8"))) {
          const to = relative(src, resolve(dirname(file), specifier));
          if (to.split("/")[0] === "rules") intoRules.push(`${relative(src, file)} -> ${to}`);
        }
      }
    }
    expect(intoRules).toEqual([]);
  });

  it("the list of imports not yet downward only shrinks", () => {
    const present = new Set<string>();
    for (const file of files(src)) {
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        present.add(`${relative(src, file)} -> ${relative(src, resolve(dirname(file), specifier))}`);
      }
    }
    expect([...NOT_YET_DOWNWARD].filter((edge) => !present.has(edge))).toEqual([]);
  });
});
