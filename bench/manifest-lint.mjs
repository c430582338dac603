// Lint speed for manifest sets: generates N objects (Deployments with their
// Service, ConfigMap, Secret, NetworkPolicy, PDB) as multi-document YAML files,
// then times loading and the lint rules. Prints figures; asserts nothing.
//
//   npm run build && node bench/manifest-lint.mjs [objects=10000] [--all-rules]
//   KTRIAGE_DIST=/path/to/dist node bench/manifest-lint.mjs
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const dist = process.env.KTRIAGE_DIST ?? new URL("../dist/", import.meta.url).pathname;
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const target = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10000);
const allRulesWanted = process.argv.includes("--all-rules");

function app(i) {
  const ns = `team-${i % 40}`;
  const name = `svc-${i}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      serviceAccountName: default
      containers:
      - name: app
        image: registry.example.com/${ns}/${name}:1.${i % 20}.0
        args: ["--listen=:8080"]
        ports:
        - { name: http, containerPort: 8080 }
        envFrom:
        - configMapRef: { name: ${name}-config }
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: { name: ${name}-db, key: ${i % 7 === 0 ? "passwrod" : "password"} }
        resources:
          requests: { cpu: 100m, memory: 256Mi }
          limits: { cpu: 500m, memory: 512Mi }
        readinessProbe:
          httpGet: { path: /ready, port: http }
        livenessProbe:
          httpGet: { path: /live, port: http }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: { app: ${i % 11 === 0 ? `${name}x` : name} }
  ports:
  - { name: http, port: 80, targetPort: http }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: ${name}-db
  namespace: ${ns}
stringData:
  password: x
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  minAvailable: 1
  selector:
    matchLabels: { app: ${name} }
`;
}

const perApp = 5;
const apps = Math.ceil(target / perApp);
const dir = mkdtempSync(join(tmpdir(), "ktriage-bench-"));
const perFile = 200;
let bytes = 0;
for (let file = 0; file * perFile < apps; file++) {
  const docs = [];
  for (let i = file * perFile; i < Math.min(apps, (file + 1) * perFile); i++) docs.push(app(i));
  const text = docs.join("---\n");
  bytes += text.length;
  writeFileSync(join(dir, `apps-${String(file).padStart(3, "0")}.yaml`), text);
}

const { buildLintInput } = await load("sources/lint-input.js");
const { runRules } = await load("engine/engine.js");
const rules = allRulesWanted ? (await load("rules/index.js")).allRules : (await load("rules/manifest/index.js")).manifestRules;

const t0 = performance.now();
const { view } = buildLintInput({ paths: [dir], defaultNamespace: "default" });
const t1 = performance.now();
const result = runRules(rules, view, { scope: "lint" });
const t2 = performance.now();
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);

console.log(`objects: ${view.objects.length} (${apps} apps x ${perApp}), ${(bytes / 1024 / 1024).toFixed(1)} MiB of YAML in ${Math.ceil(apps / perFile)} files`);
console.log(`rules:   ${rules.length} (${allRulesWanted ? "all lint rules" : "manifest rules"})`);
console.log(`load:    ${(t1 - t0).toFixed(0)} ms (parse with field positions)`);
console.log(`rules:   ${(t2 - t1).toFixed(0)} ms`);
console.log(`total:   ${(t2 - t0).toFixed(0)} ms`);
console.log(`findings: ${result.findings.length} (${result.findings.filter((f) => f.severity === "error").length} errors), failures: ${result.failures.length}`);
