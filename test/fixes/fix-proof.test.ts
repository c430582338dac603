import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { applyChange, changesOf } from "../../src/engine/fix-proof.js";
import { jsonPatch, mergePatch, strategicMerge } from "../../src/engine/patch/strategic-merge.js";
import type { Finding } from "../../src/model/finding.js";
import type { KubeObject } from "../../src/model/kube.js";
import { allRules } from "../../src/rules/index.js";
import { expectSafe } from "./expect-safe.js";
import { buildView } from "../helpers/rule-tester.js";
import { crashLoop, deployment, list, pod } from "../rules/pod/fixtures.js";
import { commandOnAlpine, commandOverridesEntrypoint, missingConfigMapVolume } from "./issue-examples.js";

const template = (containers: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", generation: 1 }, spec: { template: { spec: { containers, ...extra } } } });
const patchOf = (spec: unknown) => ({ spec: { template: { spec } } });

describe("strategic merge, as kubectl patch --type strategic applies it", () => {
  const original = template([{ name: "app", image: "api:1", command: ["/app"], env: [{ name: "A", value: "1" }], ports: [{ containerPort: 8080, name: "http" }], volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }] }], { volumes: [{ name: "cfg", configMap: { name: "a" } }, { name: "tmp", emptyDir: {} }] });

  it("leaves the original as it was (a frozen original merges without error) and shares what the patch does not touch", () => {
    const freeze = (value: unknown): unknown => {
      if (value && typeof value === "object") for (const child of Object.values(Object.freeze(value))) freeze(child);
      return value;
    };
    const frozen = freeze(JSON.parse(JSON.stringify({ ...original, metadata: { name: "api", labels: { a: "1" }, finalizers: ["x"] } }))) as any;
    const before = JSON.stringify(frozen);
    const merged = strategicMerge(frozen, { metadata: { labels: { a: null, b: "2" }, $retainKeys: ["name", "labels"], "$deleteFromPrimitiveList/finalizers": ["x"] }, spec: { template: { spec: { volumes: [{ name: "tmp", $patch: "delete" }], containers: [{ name: "app", command: null, env: [{ name: "A", value: "9" }] }] } } } }) as any;
    expect(JSON.stringify(frozen)).toBe(before);
    expect(merged.metadata).toEqual({ name: "api", labels: { b: "2" } });
    expect(merged.spec.template.spec.containers[0]).toEqual({ name: "app", image: "api:1", env: [{ name: "A", value: "9" }], ports: [{ containerPort: 8080, name: "http" }], volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }] });
    expect(merged.spec.template.spec.volumes).toEqual([{ name: "cfg", configMap: { name: "a" } }]);
    expect(merged.spec.template.spec.volumes[0]).toBe(frozen.spec.template.spec.volumes[0]);
    expect(merged.spec.template.spec.containers[0].ports).toBe(frozen.spec.template.spec.containers[0].ports);
  });

  it("an empty env list and a bare container name change nothing (the two patches that left generation at 1)", () => {
    expect(strategicMerge(original, patchOf({ containers: [{ name: "app", env: [] }] }))).toEqual(original);
    expect(strategicMerge(original, patchOf({ containers: [{ name: "app" }] }))).toEqual(original);
  });

  it("null removes a field; $patch: delete removes a list element by its merge key", () => {
    const removed = strategicMerge(original, patchOf({ containers: [{ name: "app", command: null }] })) as any;
    expect(removed.spec.template.spec.containers[0].command).toBeUndefined();
    expect(removed.spec.template.spec.containers[0].image).toBe("api:1");
    const deleted = strategicMerge(original, patchOf({ volumes: [{ name: "tmp", $patch: "delete" }] })) as any;
    expect(deleted.spec.template.spec.volumes).toEqual([{ name: "cfg", configMap: { name: "a" } }]);
  });

  it("merges containers and volumes by name, env by name, ports by containerPort, mounts by mountPath; replaces command", () => {
    const merged = strategicMerge(original, patchOf({ volumes: [{ name: "cfg", configMap: { name: "b" } }], containers: [{ name: "app", command: ["/bin/app"], env: [{ name: "B", value: "2" }], ports: [{ containerPort: 8080, protocol: "TCP" }], volumeMounts: [{ mountPath: "/etc/app", readOnly: true }] }] })) as any;
    const container = merged.spec.template.spec.containers[0];
    expect(merged.spec.template.spec.volumes).toEqual([{ name: "cfg", configMap: { name: "b" } }, { name: "tmp", emptyDir: {} }]);
    expect(container.command).toEqual(["/bin/app"]);
    expect(container.env).toEqual([{ name: "A", value: "1" }, { name: "B", value: "2" }]);
    expect(container.ports).toEqual([{ containerPort: 8080, name: "http", protocol: "TCP" }]);
    expect(container.volumeMounts).toEqual([{ name: "cfg", mountPath: "/etc/app", readOnly: true }]);
  });

  it("merge patch replaces lists; JSON patch removes what a merge cannot", () => {
    expect((mergePatch({ spec: { ports: [{ port: 80 }, { port: 443 }] } }, { spec: { ports: [{ port: 80 }] } }) as any).spec.ports).toEqual([{ port: 80 }]);
    const removed = jsonPatch(original, [{ op: "remove", path: "/spec/template/spec/containers/0/command" }]) as any;
    expect(removed.spec.template.spec.containers[0].command).toBeUndefined();
    expect(() => jsonPatch(original, [{ op: "remove", path: "/spec/template/spec/containers/0/args" }])).toThrow(/does not exist/);
  });
});

function diagnose(text: string): Finding[] {
  return runRules(allRules, buildView({ name: "case", files: { "case.json": text }, now: "2025-06-02T10:15:00Z" }), { scope: "diagnose" }).findings;
}

function patchedDeployment(text: string, finding: Finding): KubeObject {
  const view = buildView({ name: "case", files: { "case.json": text } });
  const change = finding.fix!.change;
  expect(change!.kind).toBe("Deployment");
  return applyChange(view.get("Deployment", change!.namespace, change!.name)!, change!);
}

describe("the examples of the issue", () => {
  it("a volume naming a missing ConfigMap: the fix renames the volume's ConfigMap, not env: []", () => {
    const finding = diagnose(missingConfigMapVolume).find((f) => f.rule === "pod/missing-config-reference")!;
    expect(finding.fix!.change!.patch).not.toContain('"env":[]');
    const after = patchedDeployment(missingConfigMapVolume, finding);
    expect(after.spec.template.spec.volumes).toEqual([{ name: "cfg", configMap: { name: "app-config" } }]);
    expect(after.spec.template.spec.containers[0].env).toEqual([{ name: "LOG_LEVEL", value: "info" }]);
  });

  it("a command overriding a working ENTRYPOINT: the patch removes command (null), so it changes the Deployment", () => {
    const finding = diagnose(commandOverridesEntrypoint).find((f) => f.rule === "pod/bad-command")!;
    expect(finding.fix!.change!.patch).toContain('"command":null');
    expect(patchedDeployment(commandOverridesEntrypoint, finding).spec.template.spec.containers[0].command).toBeUndefined();
  });

  it("alpine's crash sample: no fix removes the command (the default shell exits 0 and loops); it is guidance", () => {
    const finding = diagnose(commandOnAlpine).find((f) => f.rule === "pod/bad-command")!;
    expect(finding.fix!.proven).toBe(false);
    expect(finding.fix!.change?.patch ?? "").not.toContain('"command":null');
    expect(finding.fix!.commands.join("\n")).toMatch(/<[^>]+>/);
  });

  it("removing the command of an alpine container is caught by the proof as a new problem", () => {
    const view = buildView({ name: "case", files: { "case.json": commandOnAlpine }, mode: "lint" });
    const result = runRules(allRules, view, { scope: "lint" });
    // Lint of the same Deployment without its command: command-exits-immediately must fire, which is what drops such a fix.
    const without = buildView({ name: "case", files: { "case.json": commandOnAlpine.replace(/,\s*"command":\s*\[\s*"\/bin\/not-exist"\s*\]/g, "") }, mode: "lint" });
    expect(runRules(allRules, without, { scope: "lint" }).findings.some((f) => f.rule === "manifest/command-exits-immediately" && f.resource.kind === "Deployment")).toBe(true);
    expect(result.findings.some((f) => f.rule === "manifest/command-exits-immediately" && f.resource.kind === "Deployment")).toBe(false);
  });

  it('a dependency error "connection to server at \\"postgres\\"" waits for host postgres, never "at"', () => {
    const text = list(pod({ owner: "Deployment/orders-sync", containers: [{ status: crashLoop({ exitCode: 1 }) }] }), deployment("orders-sync", [{}]));
    const view = buildView({ name: "case", files: { "case.json": text }, now: "2025-06-02T10:15:00Z", logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: 'psycopg2.OperationalError: connection to server at "postgres" (10.96.151.170), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n' }] });
    const finding = runRules(allRules, view, { scope: "diagnose" }).findings.find((f) => f.rule === "pod/dependency-unavailable")!;
    const fixText = JSON.stringify(finding.fix);
    expect(fixText).toContain("nc -z -w 2 postgres 5432");
    expect(fixText).not.toMatch(/nc -z -w 2 at\b/);
  });

  it("every unproven fix is guidance: changing commands carry a placeholder or are commented out", () => {
    for (const text of [missingConfigMapVolume, commandOverridesEntrypoint, commandOnAlpine]) {
      for (const finding of diagnose(text)) expectSafe(finding);
    }
  });
});


describe("a change the API server refuses in place is never printed as a patch to run", () => {
  const claimWithMissingClass = JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "rancher.io/local-path" },
      { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "exports", namespace: "reports" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standrad", resources: { requests: { storage: "1Gi" } } }, status: { phase: "Pending" } },
    ],
  });
  const findingIn = (mode: "lint" | "diagnose") => {
    const view = buildView({ name: "case", files: { "claims.json": claimWithMissingClass }, ...(mode === "lint" ? { mode } : {}) });
    return runRules(allRules, view, { scope: mode }).findings.find((f) => f.rule === "manifest/storage-class-missing")!;
  };

  it("in a cluster: guidance that re-creates the claim; the class is changed under spec", () => {
    const finding = findingIn("diagnose");
    expect(finding.fix!.yaml!.after).toContain("storageClassName: standard");
    expect(JSON.parse(finding.fix!.change!.patch)).toEqual({ spec: { storageClassName: "standard" } });
    expect(finding.fix!.proven).toBe(false);
    expect(finding.fix!.proof).toContain("refuses to change spec.storageClassName");
    expect(finding.fix!.commands.filter((command) => command.startsWith("kubectl patch") || command.startsWith("kubectl delete"))).toEqual([]);
    expect(finding.fix!.commands).toContain("# kubectl delete persistentvolumeclaim exports -n reports   # a bound claim's data then follows its volume's reclaim policy");
  });

  it("in manifests: the edited file is proven, with how to re-create a claim that exists already", () => {
    const finding = findingIn("lint");
    expect(finding.fix!.proven).toBe(true);
    expect(finding.fix!.commands[0]).toBe("kubectl apply --dry-run=server -f claims.json");
    expect(finding.fix!.commands.some((command) => /^# spec\.storageClassName of PersistentVolumeClaim exports cannot be changed in place .*\(if it already exists in the cluster\)$/.test(command))).toBe(true);
  });
});

describe("a rule that reports one object twice: each fix is proven on its own finding", () => {
  // Istio's Bookinfo (samples/bookinfo/platform/kube/bookinfo.yaml): reviews-v1 mounts two emptyDirs without a
  // sizeLimit, and manifest/ephemeral-storage-unbounded reports each; bounding one leaves the other reported.
  const reviews = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v1
  labels: { app: reviews, version: v1 }
spec:
  replicas: 1
  selector:
    matchLabels: { app: reviews, version: v1 }
  template:
    metadata:
      labels: { app: reviews, version: v1 }
    spec:
      serviceAccountName: bookinfo-reviews
      containers:
      - name: reviews
        image: registry.istio.io/release/examples-bookinfo-reviews-v1:1.20.3
        imagePullPolicy: IfNotPresent
        env:
        - name: LOG_DIR
          value: "/tmp/logs"
        ports:
        - containerPort: 9080
        volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: wlp-output
          mountPath: /opt/ibm/wlp/output
      volumes:
      - name: wlp-output
        emptyDir: {}
      - name: tmp
        emptyDir: {}
`;
  const unbounded = (files: Record<string, string>) =>
    runRules(allRules, buildView({ name: "bookinfo", files, mode: "lint" }), { scope: "lint" }).findings.filter((finding) => finding.rule === "manifest/ephemeral-storage-unbounded");

  it("bounding wlp-output answers the wlp-output finding, bounding tmp the tmp one", () => {
    const findings = unbounded({ "bookinfo.yaml": reviews });
    expect(findings.map((finding) => finding.summary)).toEqual(["emptyDir volume wlp-output of Deployment reviews-v1 has no sizeLimit", "emptyDir volume tmp of Deployment reviews-v1 has no sizeLimit"]);
    for (const finding of findings) {
      expect(finding.fix!.proven, finding.fix!.proof).toBe(true);
      expect(finding.fix!.proof).toContain("this finding is gone");
    }
  });

  it("with a third emptyDir, each of the three fixes is proven on its own finding", () => {
    const findings = unbounded({ "bookinfo.yaml": reviews.replace("- name: wlp-output\n        emptyDir: {}", "- name: wlp-output\n        emptyDir: {}\n      - name: logs\n        emptyDir: {}") });
    expect(findings).toHaveLength(3);
    for (const finding of findings) expect(finding.fix!.proven).toBe(true);
  });
});
