// Side-by-side agreement of `ktriage lint` with Istio's own analyzers.
//
// For every single-cluster case of Istio's analyzer suite (../shared/peer/istio-analyzers) and
// for the lab manifests (examples/lab), runs every analyzer that `istioctl analyze` runs
// (bench/vs-istio-analyzers, built once by build.sh) and `ktriage lint -o json` on the same
// files, and compares the (IST code, `Kind namespace/name`) sets. Prints the cases that differ,
// a per-code table and the exact-agreement figure. Asserts nothing.
//
//   npm run build && node bench/vs-istio-analyzers/compare.mjs [--case NAME] [--lab DIR] [--opt-in] [--default-namespace]
//   ISTIO_ANALYZERS=/path/to/binary node bench/vs-istio-analyzers/compare.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { parseAllDocuments, stringify } from "yaml";

const here = new URL(".", import.meta.url).pathname;
const repo = resolve(here, "../..");
const cli = join(repo, "dist/cli.js");
const peer = resolve(repo, "../shared/peer/istio-analyzers");
const args = process.argv.slice(2);
const only = args.includes("--case") ? args[args.indexOf("--case") + 1] : undefined;
const labDir = args.includes("--lab") ? args[args.indexOf("--lab") + 1] : join(repo, "examples/lab");
/**
 * `--default-namespace`: give namespaced objects that name no namespace `default` in both inputs,
 * as `kubectl apply` and `istioctl analyze -n default` do. Without it both sides read the files as
 * Istio's analyzer tests load them, where such objects keep an empty namespace.
 */
const defaultNamespace = args.includes("--default-namespace");
const scratch = defaultNamespace ? mkdtempSync(join(tmpdir(), "vs-istio-ns-")) : undefined;
process.on("exit", () => scratch && rmSync(scratch, { recursive: true, force: true }));

if (!existsSync(cli)) {
  console.error(`no ${cli}: run npm run build first`);
  process.exit(2);
}
const istio = process.env.ISTIO_ANALYZERS ?? execFileSync("bash", [join(here, "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();

/** `--opt-in`: also run ktriage's opt-in rules (istioctl's maturity analyzer, IST0136, is not in its default set). */
const optIn = args.includes("--opt-in")
  ? JSON.parse(execFileSync("node", [cli, "rules", "-o", "json"], { encoding: "utf8", maxBuffer: 64 << 20 }))
      .filter((r) => r.optIn && (r.equivalents ?? []).some((c) => /^IST\d{4}$/.test(c)))
      .map((r) => r.id)
  : [];

function istioMessages(files, meshConfig, meshNetworks) {
  const flags = [...(meshConfig ? ["-mesh-config", meshConfig] : []), ...(meshNetworks ? ["-mesh-networks", meshNetworks] : [])];
  const run = spawnSync(istio, [...flags, ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.status !== 0) return { error: (run.stderr || `exit ${run.status}`).trim().split("\n")[0] };
  // Istio's own log lines go to stdout too; messages are the JSON lines.
  const lines = run.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  // The analyzer harness's assumed ingress gateway is not part of the input.
  return { keys: new Set(lines.filter((m) => m.file !== "internal-ingress").map((m) => `${m.code} ${withDefaultNamespace(m.origin)}`)) };
}

const CLUSTER_SCOPED = new Set(["Namespace", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CustomResourceDefinition", "GatewayClass", "ClusterRole", "ClusterRoleBinding", "Node", "StorageClass", "IngressClass", "PersistentVolume"]);

/** Istio names a namespaced object read without a namespace `Kind name`; `ktriage lint` puts it in default, as kubectl apply does. */
function withDefaultNamespace(origin) {
  const [kind, name] = origin.split(" ");
  return name && !name.includes("/") && !CLUSTER_SCOPED.has(kind) ? `${kind} default/${name}` : origin;
}

function ktriageMessages(files, meshConfig, meshNetworks) {
  const flags = [...(meshConfig ? ["--mesh-config", meshConfig] : []), ...(meshNetworks ? ["--mesh-networks", meshNetworks] : [])];
  const run = spawnSync("node", [cli, "lint", ...files, ...flags, ...optIn.flatMap((id) => ["--enable", id]), "-o", "json", "--fail-on", "none"], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) return { error: (run.stderr || `exit ${run.status}`).trim().split("\n")[0] };
  const out = JSON.parse(run.stdout);
  const keys = new Set();
  for (const f of out.findings) {
    for (const code of f.equivalents ?? []) {
      if (!/^IST\d{4}$/.test(code)) continue;
      const r = f.resource;
      keys.add(`${code} ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`);
    }
  }
  return { keys };
}

function readCases() {
  return readFileSync(join(peer, "cases.tsv"), "utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.split("\t"))
    .map(([name, , analyzer, inputs, meshConfig, meshNetworks]) => ({ name, analyzer, inputs: inputs.split(","), meshConfig, meshNetworks }));
}

function yamlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.(ya?ml|json)$/.test(entry)) out.push(path);
  }
  return out;
}

const perCode = new Map(); // code -> { both, istioOnly, ktriageOnly }
const bump = (code, field) => {
  const row = perCode.get(code) ?? { both: 0, istioOnly: 0, ktriageOnly: 0 };
  row[field]++;
  perCode.set(code, row);
};

let copies = 0;
/** A copy of the file whose namespaced objects without a namespace are in `default`. */
function withNamespaces(file) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  if (documents.some((document) => document.errors.length > 0)) return file;
  for (const document of documents) {
    const kind = document.get("kind");
    if (typeof kind !== "string" || CLUSTER_SCOPED.has(kind) || kind === "List" || document.hasIn(["metadata", "namespace"]) || !document.has("metadata")) continue;
    document.setIn(["metadata", "namespace"], "default");
  }
  const copy = join(scratch, `${copies++}-${basename(file)}`);
  writeFileSync(copy, documents.map((document) => String(document)).join(""));
  return copy;
}

function compare(label, inputs, meshConfig, meshNetworks) {
  const files = defaultNamespace ? inputs.map(withNamespaces) : inputs;
  const a = istioMessages(files, meshConfig, meshNetworks);
  const b = ktriageMessages(files, meshConfig, meshNetworks);
  if (a.error || b.error) {
    console.log(`ERROR ${label}: ${a.error ?? b.error}`);
    return false;
  }
  const istioOnly = [...a.keys].filter((k) => !b.keys.has(k)).sort();
  const ktriageOnly = [...b.keys].filter((k) => !a.keys.has(k)).sort();
  for (const k of a.keys) if (b.keys.has(k)) bump(k.split(" ")[0], "both");
  for (const k of istioOnly) bump(k.split(" ")[0], "istioOnly");
  for (const k of ktriageOnly) bump(k.split(" ")[0], "ktriageOnly");
  if (istioOnly.length || ktriageOnly.length) {
    console.log(`DIFF ${label}`);
    for (const k of istioOnly) console.log(`  istio only:   ${k}`);
    for (const k of ktriageOnly) console.log(`  ktriage only: ${k}`);
  }
  return istioOnly.length === 0 && ktriageOnly.length === 0;
}

const cases = readCases().filter((c) => !c.inputs.some((i) => /^[a-z0-9-]+:/.test(i)) && (!only || c.name === only));
let agree = 0;
for (const c of cases) {
  const files = c.inputs.map((i) => join(peer, i));
  if (compare(c.name, files, c.meshConfig && join(peer, c.meshConfig), c.meshNetworks && join(peer, c.meshNetworks))) agree++;
}
/**
 * The objects of a ktriage snapshot folder (cluster/ and namespaces/<ns>/ Lists) as plain YAML
 * files, one per List, which is what Istio's file loader takes; events, logs and Envoy dumps are
 * no Kubernetes config and stay out. Manifest folders are read as they are.
 */
function labInputs(dir) {
  if (!existsSync(join(dir, "ktriage-snapshot.json"))) return { files: yamlFiles(dir), cleanup() {} };
  const out = mkdtempSync(join(tmpdir(), "vs-istio-lab-"));
  const files = [];
  for (const path of yamlFiles(dir)) {
    const rel = relative(dir, path);
    if (!/^(cluster|namespaces)\//.test(rel) || basename(path) === "events.json") continue;
    const list = JSON.parse(readFileSync(path, "utf8"));
    const items = (Array.isArray(list.items) ? list.items : [list]).filter((item) => item && typeof item === "object" && item.kind);
    if (items.length === 0) continue;
    for (const item of items) delete item.metadata?.managedFields;
    const file = join(out, `${rel.replace(/[\/]/g, "-").replace(/\.json$/, "")}.yaml`);
    writeFileSync(file, items.map((item) => stringify(item)).join("---\n"));
    files.push(file);
  }
  return { files, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

let lab = "skipped";
let labObjects = 0;
if (!only && existsSync(labDir)) {
  const inputs = labInputs(labDir);
  labObjects = inputs.files.length;
  try {
    lab = compare(`lab ${labDir}`, inputs.files) ? "agrees" : "differs";
  } finally {
    inputs.cleanup();
  }
}

console.log("\ncode     both  istio-only  ktriage-only");
for (const [code, row] of [...perCode].sort()) {
  console.log(`${code}  ${String(row.both).padStart(5)}  ${String(row.istioOnly).padStart(10)}  ${String(row.ktriageOnly).padStart(12)}`);
}
console.log(`\nexact agreement: ${agree}/${cases.length} single-cluster cases${defaultNamespace ? " (objects without a namespace in default)" : ""}; lab (${labObjects} files): ${lab}`);
