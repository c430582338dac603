import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Seeded hostile inputs: the classes that crashed, hung or exhausted memory
 * (deep nesting, alias bombs, non-string fields, long lines, invalid JSON read
 * as YAML, truncation, binary) plus byte-level mutations of real inputs.
 */
export interface FuzzCase {
  name: string;
  /** File name to write the input under (the extension matters to some readers). */
  file: string;
  text: string | Buffer;
  /** Commands to run on it; FILE is replaced by the path. */
  commands: string[][];
  /** Whether the input is known to be invalid: the output must then name the file. */
  invalid?: boolean;
}

export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KUBE = [["scan", "-f", "FILE", "-o", "json"], ["lint", "FILE", "-o", "json", "--fail-on", "none"], ["pod", "-f", "FILE", "-o", "json"]];
const ENVOY_DUMP = [["envoy", "config", "all", "-f", "FILE", "-o", "json"], ["envoy", "config", "routes", "-f", "FILE"], ["envoy", "trace", "-f", "FILE", "--url", "http://a.example.com/", "--port", "8080"]];
const ACCESS = [["envoy", "logs", "FILE", "-o", "json"], ["scan", "-f", "FILE", "-o", "text"]];
const STATUS = [["envoy", "status", "-f", "FILE"]];

function billionLaughs(levels: number, width: number): string {
  const lines = ["a0: &a0 [\"lol\"]"];
  for (let level = 1; level < levels; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: width }, () => `*a${level - 1}`).join(", ")}]`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${lines.map((line) => `  ${line}`).join("\n")}\n`;
}

function blockBomb(levels: number): string {
  const lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: bomb}", "x0: &x0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}"];
  for (let level = 1; level < levels; level++) lines.push(`x${level}: &x${level} {a: *x${level - 1}, b: *x${level - 1}, c: *x${level - 1}, d: *x${level - 1}, e: *x${level - 1}, f: *x${level - 1}, g: *x${level - 1}, h: *x${level - 1}, i: *x${level - 1}, j: *x${level - 1}}`);
  return lines.join("\n") + "\n";
}

function event(message: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "api-1", namespace: "shop" }, status: { phase: "Running", containerStatuses: [{ name: "api", ready: false, restartCount: 7, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "Error", exitCode: 1 } } }] }, spec: { containers: [{ name: "api", image: "shop/api:1" }] } },
      { apiVersion: "v1", kind: "Event", metadata: { name: "api-1.1", namespace: "shop" }, type: "Warning", reason: "BackOff", message, count: 3, involvedObject: { kind: "Pod", name: "api-1", namespace: "shop" } },
    ],
  });
}

/** The classes that broke the tool, each as a fixed input. */
export function hostileCases(): FuzzCase[] {
  const deep = (open: string, close: string, depth: number) => open.repeat(depth) + close.repeat(depth);
  const cases: FuzzCase[] = [
    { name: "6 KB of nested [", file: "deep.json", text: "[".repeat(6000), commands: KUBE, invalid: true },
    { name: "balanced nesting 20k [", file: "deep2.json", text: deep("[", "]", 20000), commands: KUBE, invalid: true },
    { name: "nested objects in a manifest", file: "deep3.json", text: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`, commands: KUBE, invalid: true },
    { name: "nested YAML flow", file: "deep.yaml", text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${deep("[", "]", 5000)}\n`, commands: KUBE, invalid: true },
    { name: "nested YAML block sequences", file: "deep-seq.yaml", text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n${Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i * 2)}- `).join("\n")}x\n`, commands: KUBE, invalid: true },
    { name: "compact nested sequences", file: "deep-compact.yaml", text: `${"- ".repeat(5000)}x\n`, commands: KUBE, invalid: true },
    { name: "nested YAML maps", file: "deep-map.yaml", text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n${Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`, commands: KUBE, invalid: true },
    { name: "alias bomb (flow)", file: "bomb.yaml", text: billionLaughs(10, 9), commands: KUBE, invalid: true },
    { name: "alias bomb (maps)", file: "bomb2.yaml", text: blockBomb(9), commands: KUBE, invalid: true },
    { name: "alias bomb after a separator", file: "bomb3.yaml", text: `apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n${billionLaughs(9, 10)}`, commands: KUBE, invalid: true },
    { name: "alias bomb with a directive", file: "bomb4.yaml", text: `%YAML 1.2\n---\n${billionLaughs(9, 10)}`, commands: KUBE, invalid: true },
    { name: "numeric apiVersion", file: "apiversion.yaml", text: "apiVersion: 1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec: {containers: [{name: a, image: x}]}\n", commands: KUBE, invalid: true },
    { name: "apiVersion as a list, kind as a map", file: "fields.yaml", text: "apiVersion: [v1]\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: v1\nkind: {a: 1}\nmetadata: {name: b}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [x], namespace: 5, labels: 3}\nspec: 7\n", commands: KUBE, invalid: true },
    { name: "numeric names", file: "names.json", text: JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Pod", metadata: { name: 12, namespace: true, labels: [] }, spec: { containers: "x" } }, { apiVersion: 2, kind: "Service", metadata: { name: "s" }, spec: { selector: [1] } }] }), commands: KUBE, invalid: true },
    { name: "NaN in JSON", file: "nan.json", text: '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": NaN}}', commands: KUBE, invalid: true },
    { name: "hex in JSON", file: "hex.json", text: '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": [{"name": "a", "image": "x", "ports": [{"containerPort": 0x1F90}]}]}}', commands: KUBE, invalid: true },
    { name: "%YAML before JSON", file: "directive.json", text: '%YAML 1.2\n---\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}', commands: KUBE },
    { name: "truncated JSON", file: "trunc.json", text: '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"', commands: KUBE, invalid: true },
    { name: "scalar documents", file: "scalars.yaml", text: "just a string\n---\n42\n---\n- 1\n- 2\n", commands: KUBE, invalid: true },
    { name: "binary", file: "binary.yaml", text: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)), commands: KUBE, invalid: true },
    { name: "empty", file: "empty.yaml", text: "", commands: KUBE, invalid: true },
    { name: "only comments", file: "comments.yaml", text: "# nothing\n---\n# still nothing\n", commands: KUBE, invalid: true },
    { name: "1 MB event message", file: "event.json", text: event(`Back-off restarting failed container: ${"a".repeat(1 << 20)}`), commands: [["pod", "-f", "FILE", "-o", "json"]] },
    { name: "1 MB event message of key=value", file: "event2.json", text: event("password".repeat(1 << 17)), commands: [["pod", "-f", "FILE", "-o", "json"]] },
    { name: "1 MB event message of URLs", file: "event3.json", text: event("a://b:".repeat(180_000)), commands: [["pod", "-f", "FILE", "-o", "json"]] },
    { name: "1 MB event message of words", file: "event4.json", text: event("token-secret_key.".repeat(60_000)), commands: [["pod", "-f", "FILE", "-o", "json"]] },
    { name: "1 MB log line", file: "app.log", text: `${"x".repeat(1 << 20)}\n${"Error: ".repeat(140_000)}\n`, commands: [["pod", "-f", "FILE", "-o", "json"], ["scan", "-f", "FILE", "-o", "json"]] },
    { name: "1 MB access log line", file: "access.log", text: `[2025-06-02T10:40:01.700Z] "GET /${"a".repeat(1 << 20)} HTTP/1.1" 503 UF - - "-" 0 0 1 - "-" "-" "-" "h" "-" - - - - - -\n`, commands: ACCESS },
    { name: "truncated describe", file: "describe.txt", text: "Name:         api-7d9f8c-x2x4q\nNamespace:    shop\nStatus:       Running\nContainers:\n  api:\n    State:          Waiting\n      Reas", commands: [["pod", "-f", "FILE", "-o", "json"]], invalid: true },
    { name: "envoy dump with a syntax error", file: "dump.json", text: '{"configs": [\n  {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",\n   "static_clusters": [,]}\n]}', commands: ENVOY_DUMP, invalid: true },
    { name: "envoy dump empty", file: "dump-empty.json", text: "", commands: ENVOY_DUMP, invalid: true },
    { name: "envoy dump binary", file: "dump.bin", text: Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]), commands: ENVOY_DUMP, invalid: true },
    { name: "envoy dump deeply nested", file: "dump-deep.json", text: `{"configs": ${"[".repeat(50_000)}`, commands: ENVOY_DUMP, invalid: true },
    { name: "proxy-status garbage", file: "ps.txt", text: "NAME CLUSTER CDS\n" + "x ".repeat(100_000), commands: STATUS },
  ];
  return cases;
}

function filesUnder(root: string): string[] {
  return readdirSync(root)
    .sort()
    .flatMap((name) => {
      const full = join(root, name);
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    });
}

interface Base {
  name: string;
  text: string;
  file: string;
  commands: string[][];
}

function bases(lab: string, extra: Base[]): Base[] {
  const list: Base[] = [];
  for (const file of filesUnder(join(lab, "namespaces")).filter((_, i) => i % 3 === 0)) {
    const text = readFileSync(file, "utf8");
    if (text.length < 200_000) list.push({ name: file.slice(lab.length + 1), text, file: "objects.json", commands: KUBE });
  }
  for (const file of filesUnder(join(lab, "logs")).filter((_, i) => i % 2 === 0)) list.push({ name: file.slice(lab.length + 1), text: readFileSync(file, "utf8"), file: "container.log", commands: [["pod", "-f", "FILE", "-o", "json"]] });
  for (const file of filesUnder(join(lab, "envoy"))) list.push({ name: file.slice(lab.length + 1), text: readFileSync(file, "utf8"), file: file.endsWith(".txt") ? "proxy-status.txt" : "access.log", commands: file.endsWith(".txt") ? STATUS : ACCESS });
  return [...list, ...extra];
}

/** YAML form of a JSON List, so the YAML paths get the same objects. */
function toYaml(value: unknown, indent = ""): string {
  if (Array.isArray(value)) return value.length === 0 ? " []" : value.map((item) => `\n${indent}-${toYaml(item, indent + "  ").replace(/^\n\s*/, " ")}`).join("");
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? " {}" : entries.map(([key, item]) => `\n${indent}${JSON.stringify(key)}:${toYaml(item, indent + "  ")}`).join("");
  }
  return ` ${JSON.stringify(value)}`;
}

const SPLICES = ["[", "{", "]", "}", '"', ":", "- ", "&a ", "*a", "\n", "\n---\n", "%YAML 1.2\n", "NaN", "0x1F", "\u0000", "\t", "!!binary ", "? ", "|\n", ">-\n", "'", "<<: *a\n", "\\u00", "1e999999", "-----BEGIN", "apiVersion: 1\n", "kind: 7\n"];

/** `count` mutations of real inputs (the lab's objects, logs, access logs), reproducible from `seed`. */
export function mutatedCases(seed: number, count: number, lab: string, extra: Base[] = []): FuzzCase[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const all = bases(lab, extra);
  const cases: FuzzCase[] = [];
  for (let index = 0; index < count; index++) {
    const base = pick(all);
    let text = base.text;
    let file = base.file;
    if (file.endsWith(".json") && next() < 0.35) {
      try {
        text = toYaml(JSON.parse(text)).trimStart() + "\n";
        file = "objects.yaml";
      } catch {
        // already broken
      }
    }
    const operations = 1 + Math.floor(next() * 4);
    for (let step = 0; step < operations; step++) {
      const at = Math.floor(next() * (text.length + 1));
      const operation = Math.floor(next() * 6);
      if (operation === 0) text = text.slice(0, at);
      else if (operation === 1) text = text.slice(0, at) + pick(SPLICES).repeat(1 + Math.floor(next() * (next() < 0.1 ? 4000 : 8))) + text.slice(at);
      else if (operation === 2) text = text.slice(0, at) + text.slice(at + Math.floor(next() * 64));
      else if (operation === 3) {
        const length = Math.floor(next() * 200);
        text = text.slice(0, at) + text.slice(at, at + length).repeat(2 + Math.floor(next() * 3)) + text.slice(at);
      } else if (operation === 4) text = text.slice(0, at) + String.fromCharCode(Math.floor(next() * 128)) + text.slice(at + 1);
      else text = text.replace(/"(apiVersion|kind|name|namespace|image|message)": ?"[^"]*"/, (_match, key: string) => `"${key}": ${pick(["1", "[]", "{}", "null", "true", '"x"'])}`);
    }
    cases.push({ name: `${base.name} mutation ${index}`, file, text, commands: [pick(base.commands)] });
  }
  return cases;
}
