import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../src/engine/engine.js";
import { buildLintInput } from "../src/sources/lint-input.js";
import { isCategory } from "../src/model/categories.js";
import { objectKey } from "../src/model/kube.js";
import { allRules } from "../src/rules/index.js";
import { manifestRules } from "../src/rules/manifest/index.js";
import { loadPaths } from "../src/sources/files.js";
import { ViewBuilder } from "../src/view/builder.js";

const examples = resolve(import.meta.dirname, "../examples/manifests");

function lint(paths: string[], readStdin?: () => string) {
  const { view, reportable } = buildLintInput({ paths, defaultNamespace: "default", ...(readStdin ? { readStdin } : {}) });
  const result = runRules(allRules, view, { scope: "lint" });
  const findings = result.findings.filter((f) => reportable.has(objectKey(f.resource.kind, f.resource.namespace, f.resource.name)));
  return { findings, failures: result.failures, problems: view.inputs.problems };
}

describe("healthy manifest sets", () => {
  const sets = [["web-app"], ["database"], ["cronjob"], ["web-app", "database", "cronjob"]];
  for (const set of sets) {
    it(`${set.join(" + ")}: no error-severity finding, no manifest finding at all`, () => {
      const { findings, failures, problems } = lint(set.map((dir) => resolve(examples, dir)));
      expect(failures).toEqual([]);
      expect(problems).toEqual([]);
      expect(findings.filter((f) => f.severity === "error").map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name}: ${f.summary}`)).toEqual([]);
      expect(findings.filter((f) => f.rule.startsWith("manifest/")).map((f) => `${f.rule}: ${f.summary}`)).toEqual([]);
    });
  }
});

describe("broken manifest set", () => {
  const { findings } = lint([resolve(examples, "broken")]);
  const expected: Array<[string, string, string]> = [
    ["manifest/config-reference-missing", "Deployment", "checkout"],
    ["manifest/jvm-heap-exceeds-limit", "Deployment", "checkout"],
    ["manifest/read-only-root-writes", "Deployment", "checkout"],
    ["manifest/liveness-budget-short", "Deployment", "checkout"],
    ["manifest/image-tag-unpinned", "Deployment", "checkout"],
    ["manifest/config-mount-hides-directory", "Deployment", "web"],
    ["manifest/run-as-non-root-conflict", "Deployment", "web"],
    ["manifest/probe-port-undeclared", "Deployment", "web"],
    ["manifest/command-exits-immediately", "Deployment", "hello"],
    ["manifest/selector-mismatch", "Deployment", "ledger"],
    ["manifest/command-single-string", "CronJob", "settlement"],
    ["manifest/env-var-unset", "CronJob", "settlement"],
    ["manifest/service-selector-matches-nothing", "Service", "checkout"],
    ["manifest/service-target-port-undeclared", "Service", "web"],
    ["manifest/ingress-backend-missing", "Ingress", "payments"],
    ["manifest/network-policy-blocks-dns", "NetworkPolicy", "default-deny"],
    ["manifest/quota-will-reject", "Deployment", "worker"],
    ["manifest/rbac-verbs-missing", "Job", "reap-failed"],
    ["manifest/storage-class-missing", "PersistentVolumeClaim", "exports"],
  ];
  for (const [rule, kind, name] of expected) {
    it(`${rule} on ${kind} ${name}, with the file line and a fix`, () => {
      const finding = findings.find((f) => f.rule === rule && f.resource.kind === kind && f.resource.name === name);
      expect(finding, `${rule} in ${findings.map((f) => f.rule).join(", ")}`).toBeDefined();
      expect(finding!.resource.file).toMatch(/examples\/manifests\/broken\/\w+\.yaml$/);
      expect(finding!.resource.line).toBeGreaterThan(0);
      expect(finding!.evidence[0]!.line).toBe(finding!.resource.line);
      expect(finding!.verify.length).toBeGreaterThan(0);
      expect(isCategory(finding!.category)).toBe(true);
      expect(finding!.fix?.description.length ?? 0).toBeGreaterThan(10);
      expect(manifestRules.some((r) => r.id === rule)).toBe(true);
    });
  }
  it("never prints a Secret value", () => {
    expect(JSON.stringify(findings)).not.toContain("change-me");
  });
});

describe("rendered Helm output", () => {
  const rendered = `---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: release-shop
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-shop
  labels:
    helm.sh/chart: shop-0.3.1
    app.kubernetes.io/name: shop
    app.kubernetes.io/instance: release
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: shop
      app.kubernetes.io/instance: release
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop
        app.kubernetes.io/instance: release
    spec:
      serviceAccountName: release-shop
      containers:
        - name: shop
          image: "nginx:1.16.0"
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 80
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /
              port: http
          readinessProbe:
            httpGet:
              path: /
              port: http
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          envFrom:
            - secretRef:
                name: release-shop-env
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: release-shop
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
  selector:
    app.kubernetes.io/name: shop
    app.kubernetes.io/instance: releas
`;
  it("loads from stdin and points at lines in the stream", () => {
    const { findings, problems } = lint(["-"], () => rendered);
    expect(problems).toEqual([]);
    const selector = findings.find((f) => f.rule === "manifest/service-selector-matches-nothing");
    expect(selector?.resource).toMatchObject({ kind: "Service", name: "release-shop", namespace: "default", file: "-", line: 65 });
    const secret = findings.find((f) => f.rule === "manifest/config-reference-missing");
    expect(secret?.severity).toBe("warning");
    expect(secret?.summary).toContain('Secret "release-shop-env"');
  });
});

describe("lint against a cluster snapshot", () => {
  const deploymentUsing = (secret: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.4.2
        envFrom:
        - secretRef:
            name: ${secret}
`;
  function lintWithSnapshot(manifest: string) {
    const dir = mkdtempSync(join(tmpdir(), "ktriage-manifest-snapshot-"));
    try {
      mkdirSync(join(dir, "cluster"), { recursive: true });
      mkdirSync(join(dir, "namespaces", "shop"), { recursive: true });
      writeFileSync(join(dir, "ktriage-snapshot.json"), JSON.stringify({ format: "ktriage-snapshot", version: 1, capturedAt: "2025-06-01T10:00:00Z" }));
      writeFileSync(join(dir, "cluster", "nodes.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Node", metadata: { name: "worker-1" }, status: { allocatable: { cpu: "4", memory: "16Gi" } } }] }));
      writeFileSync(join(dir, "namespaces", "shop", "secrets.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "api-env", namespace: "shop" }, type: "Opaque", data: { DATABASE_URL: "" } }] }));
      writeFileSync(join(dir, "deploy.yaml"), manifest);
      const context = new ViewBuilder();
      loadPaths([join(dir, "namespaces"), join(dir, "cluster")], context);
      const { view, reportable } = buildLintInput({ paths: [join(dir, "deploy.yaml")], defaultNamespace: "default", context });
      return runRules(manifestRules, view, { scope: "lint" }).findings.filter((f) => reportable.has(objectKey(f.resource.kind, f.resource.namespace, f.resource.name)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  it("a Secret the cluster already has is not flagged", () => {
    expect(lintWithSnapshot(deploymentUsing("api-env")).filter((f) => f.rule === "manifest/config-reference-missing")).toEqual([]);
  });
  it("a Secret the cluster lacks is an error, with the closest existing name", () => {
    const finding = lintWithSnapshot(deploymentUsing("api-envs")).find((f) => f.rule === "manifest/config-reference-missing");
    expect(finding?.severity).toBe("error");
    expect(finding?.summary).toContain('did you mean "api-env"');
  });
});
