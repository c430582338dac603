// ktriage and istioctl side by side on the same inputs, each run as a user runs it (a fresh process):
//   1. Istio's analyzer testdata (../shared/peer/istio-analyzers/testdata), every file at once;
//   2. one small file: start-up;
//   3. 10,002 objects of Istio configuration (the set bench/lint-10k.mjs generates).
// `ktriage lint PATH` against `istioctl analyze --use-kube=false FILES`. With --use-kube=false istioctl
// leaves Pods, Services, Namespaces, Nodes and Secrets of files out, so it does less work than ktriage
// on the same input; this is what users run. Prints each tool's median wall and CPU time and the ratio.
//
//   npm run build && node bench/vs-istioctl.mjs [--runs 7]
//   ISTIOCTL=/path/to/istioctl node bench/vs-istioctl.mjs   # else istioctl on PATH or ~/.cache/anchors/bin/istioctl
//   KTRIAGE_DIST=/other/checkout/dist node bench/vs-istioctl.mjs
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ktriageCli, machine, ms, ratio, timeRuns } from "./side-by-side/timing.mjs";

const repo = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 7;
const cli = ktriageCli(repo);
const istioctl = findIstioctl();
if (!istioctl) {
  console.error(`istioctl not found (ISTIOCTL=, PATH, ~/.cache/anchors/bin/istioctl). It builds from the Go module proxy:
  mkdir -p ~/.cache/istioctl-build && cd ~/.cache/istioctl-build && go mod init x
  go get istio.io/istio/istioctl/cmd/istioctl@v0.0.0-20260827124520-eed52ebb66ad
  nice -n 19 go build -p 1 -trimpath -o ~/.cache/anchors/bin/istioctl istio.io/istio/istioctl/cmd/istioctl`);
  process.exit(2);
}

const testdata = resolve(repo, "../shared/peer/istio-analyzers/testdata");
const work = mkdtempSync(join(tmpdir(), "ktriage-vs-istioctl-"));
try {
  const small = join(work, "small.yaml");
  writeFileSync(small, `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: v1 }
`);
  const generated = spawnSync(process.execPath, [join(repo, "bench/lint-10k.mjs"), "10000"], { encoding: "utf8", env: { ...process.env, GENERATE_ONLY: "1" } }).stdout.trim();
  const sets = [
    ...(existsSync(testdata) ? [{ name: "Istio's analyzer testdata", path: testdata }] : []),
    { name: "one small file (start-up)", path: small },
    ...(generated && existsSync(generated) ? [{ name: "10,002 objects (bench/lint-10k.mjs)", path: generated }] : []),
  ];
  console.log(`machine: ${machine()}`);
  console.log(`istioctl: ${istioctl} (${spawnSync(istioctl, ["version", "--remote=false", "--short"], { encoding: "utf8" }).stdout.trim() || "version unknown"}); ktriage: ${cli}; ${runs} runs each`);
  const out = join(work, "out");
  for (const set of sets) {
    const files = yamlFiles(set.path);
    const ours = timeRuns(process.execPath, [cli, "lint", set.path, "-o", "json", "--fail-on", "none"], { runs, out });
    const findings = count(() => JSON.parse(ours.last.stdout).findings.length);
    const theirs = timeRuns(istioctl, ["analyze", "--use-kube=false", ...files], { runs, out, okStatus: [0, 79] });
    const messages = theirs.last.stdout.split("\n").filter((line) => /^(Error|Warning|Info) \[IST\d+\]/.test(line)).length;
    console.log(`${set.name}: ${files.length} files`);
    console.log(`  ktriage lint        wall ${ms(ours.wall).padStart(8)}  cpu ${ms(ours.cpu).padStart(8)}  findings ${findings} (exit ${ours.last.status})`);
    console.log(`  istioctl analyze    wall ${ms(theirs.wall).padStart(8)}  cpu ${ms(theirs.cpu).padStart(8)}  messages ${messages} (exit ${theirs.last.status})`);
    console.log(`  ratio: ${ratio(ours.wall, theirs.wall)} (wall), ${ratio(ours.cpu, theirs.cpu)} (cpu)`);
  }
  if (generated) rmSync(generated, { recursive: true, force: true });
} finally {
  rmSync(work, { recursive: true, force: true });
}

function findIstioctl() {
  if (process.env.ISTIOCTL) return process.env.ISTIOCTL;
  const onPath = spawnSync("bash", ["-c", "command -v istioctl"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const cached = join(homedir(), ".cache/anchors/bin/istioctl");
  return existsSync(cached) ? cached : undefined;
}

function yamlFiles(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? yamlFiles(join(path, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(path, entry.name)] : []));
}

function count(read) {
  try {
    return read();
  } catch {
    return -1;
  }
}
