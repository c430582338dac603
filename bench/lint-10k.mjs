// Lint speed for Istio configuration at scale: generates N objects (per app a
// Deployment, Service, DestinationRule with subsets, VirtualService with a
// canary split (v2 deployed for 90% of apps), and per team a Gateway, PeerAuthentication and Sidecar; about
// 1% with the mistakes the istio rules find), then times loading and the lint
// rules in-process and the whole CLI run. Prints figures; asserts nothing.
// Target: 10k objects in at most 3 s wall on a 2-core machine.
//
//   npm run build && node bench/lint-10k.mjs [objects=10000]
//   KTRIAGE_DIST=/path/to/dist node bench/lint-10k.mjs
//   GENERATE_ONLY=1 node bench/lint-10k.mjs   # write the files, print the folder, time nothing
//   KEEP=1 node bench/lint-10k.mjs            # keep the generated folder
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const dist = process.env.KTRIAGE_DIST ?? new URL("../dist/", import.meta.url).pathname;
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const target = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10000);

function team(t) {
  const ns = `team-${t}`;
  return [
    `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: ${ns}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: { number: 443, name: https, protocol: HTTPS }
    tls: { mode: SIMPLE, credentialName: ${ns}-cert }
    hosts: ["*.${ns}.example.com"]`,
    `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: ${ns}
spec:
  mtls: { mode: STRICT }`,
    `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${ns}
spec:
  egress:
  - hosts: ["./*", "istio-system/*"]`,
  ];
}

function app(i, teams) {
  const ns = `team-${i % teams}`;
  const name = `app-${i}`;
  const broken = i % 100 === 7;
  return [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-v1
  namespace: ${ns}
spec:
  selector:
    matchLabels: { app: ${name}, version: v1 }
  template:
    metadata:
      labels: { app: ${name}, version: v1 }
    spec:
      containers:
      - name: app
        image: registry.example.com/${ns}/${name}:1.${i % 20}.0
        ports:
        - { name: http, containerPort: 8080 }`,
    ...(i % 10 === 3
      ? []
      : [
          `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-v2
  namespace: ${ns}
spec:
  selector:
    matchLabels: { app: ${name}, version: v2 }
  template:
    metadata:
      labels: { app: ${name}, version: v2 }
    spec:
      containers:
      - name: app
        image: registry.example.com/${ns}/${name}:2.${i % 20}.0
        ports:
        - { name: http, containerPort: 8080 }`,
        ]),
    `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: { app: ${name} }
  ports:
  - { name: ${broken ? "web" : "http"}, port: 80, targetPort: 8080 }`,
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  host: ${name}
  subsets:
  - name: v1
    labels: { version: v1 }
  - name: v2
    labels: { version: v2 }`,
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts: [${name}.${ns}.example.com, ${name}]
  gateways: [public, mesh]
  http:
  - route:
    - destination: { host: ${name}, subset: v1 }
      weight: 90
    - destination: { host: ${name}, subset: ${broken ? "v3" : "v2"} }
      weight: 10`,
  ];
}

const teams = Math.max(1, Math.round(target / 400));
const docs = [];
for (let t = 0; t < teams; t++) docs.push(...team(t));
for (let i = 0; docs.length < target; i++) docs.push(...app(i, teams));
const dir = mkdtempSync(join(tmpdir(), "ktriage-lint-bench-"));
const perFile = 500;
for (let f = 0; f * perFile < docs.length; f++) writeFileSync(join(dir, `istio-${String(f).padStart(3, "0")}.yaml`), docs.slice(f * perFile, (f + 1) * perFile).join("\n---\n") + "\n");

try {
  if (process.env.GENERATE_ONLY) { console.log(dir); process.exit(0); }
  // sources/lint-input.js, or istio/lint-input.js in builds before it moved.
  const { buildLintInput } = await load(existsSync(join(dist, "sources", "lint-input.js")) ? "sources/lint-input.js" : "istio/lint-input.js");
  const { runRules } = await load("engine/engine.js");
  const { allRules } = await load("rules/index.js");
  const t0 = performance.now();
  const { view } = buildLintInput({ paths: [dir], defaultNamespace: "default" });
  const t1 = performance.now();
  const result = runRules(allRules, view, { scope: "lint" });
  const t2 = performance.now();
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`in-process objects=${view.inputs.objects} load_ms=${(t1 - t0).toFixed(0)} rules_ms=${(t2 - t1).toFixed(0)} findings=${result.findings.length} rss_mb=${rss.toFixed(0)}`);

  const start = performance.now();
  const run = spawnSync(process.execPath, [join(dist, "cli.js"), "lint", dir, "-o", "json", "--fail-on", "none"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const wall = performance.now() - start;
  let findings = -1;
  try {
    findings = JSON.parse(run.stdout).findings.length;
  } catch {
    // Reported as -1.
  }
  console.log(`cli objects=${docs.length} wall_ms=${wall.toFixed(0)} findings=${findings} loadavg=${loadavg()[0].toFixed(2)}`);
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);
}
