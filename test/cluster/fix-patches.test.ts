// The patches ktriage prints, applied through a real kube-apiserver with `kubectl patch`: the two fixes that
// once left the Deployment unchanged (generation 1) must now change it.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import { runRules } from "../../src/engine/engine.js";
import type { Finding } from "../../src/model/finding.js";
import { allRules } from "../../src/rules/index.js";
import { commandOverridesEntrypoint, missingConfigMapVolume } from "../fixes/issue-examples.js";
import { buildView } from "../helpers/rule-tester.js";
import type { Plane } from "./scenario.js";

let plane: Plane;

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
}, 1_800_000);

afterAll(async () => {
  await plane?.stop();
});

function fixFor(text: string, rule: string): Finding {
  const findings = runRules(allRules, buildView({ name: "case", files: { "case.json": text }, now: "2025-06-02T10:15:00Z" }), { scope: "diagnose" }).findings;
  const finding = findings.find((f) => f.rule === rule);
  expect(finding?.fix?.change, `${rule} in ${findings.map((f) => f.rule).join(", ")}`).toBeDefined();
  return finding!;
}

/** Creates the case's Deployment under a new name, applies the fix's patch with kubectl, returns it before and after. */
async function applyThroughApiServer(text: string, finding: Finding, name: string) {
  const deployment = JSON.parse(text).items.find((item: { kind: string }) => item.kind === "Deployment");
  deployment.metadata = { name, namespace: "default" };
  const created = await plane.request("POST", "/apis/apps/v1/namespaces/default/deployments", deployment);
  expect(created.status, created.text).toBe(201);
  const change = finding.fix!.change!;
  expect(change.type).toBe("strategic");
  // The command ktriage prints for a Deployment when the fix is proven, with this patch.
  const printed = finding.fix!.commands.find((command) => command.startsWith("kubectl patch deployment"))!;
  expect(printed).toContain(`kubectl patch deployment ${change.name} -n ${change.namespace} --type strategic -p '`);
  execFileSync("kubectl", ["--kubeconfig", plane.kubeconfig, "patch", "deployment", name, "-n", "default", "--type", "strategic", "-p", change.patch], { encoding: "utf8" });
  const after = await plane.request("GET", `/apis/apps/v1/namespaces/default/deployments/${name}`);
  return { before: created.body as any, after: after.body as any };
}

describe("printed patches against a real API server (kubectl patch --type strategic)", () => {
  it("a volume naming a missing ConfigMap: the patch renames the volume's ConfigMap and bumps the generation", async () => {
    const finding = fixFor(missingConfigMapVolume, "pod/missing-config-reference");
    const { before, after } = await applyThroughApiServer(missingConfigMapVolume, finding, "api-configmap");
    expect(before.metadata.generation).toBe(1);
    expect(after.metadata.generation).toBe(2);
    expect(after.spec.template.spec.volumes).toEqual([{ name: "cfg", configMap: { name: "app-config", defaultMode: 420 } }]);
  });

  it("a command overriding a working ENTRYPOINT: the patch removes command and bumps the generation", async () => {
    const finding = fixFor(commandOverridesEntrypoint, "pod/bad-command");
    const { before, after } = await applyThroughApiServer(commandOverridesEntrypoint, finding, "api-command");
    expect(before.spec.template.spec.containers[0].command).toEqual(["/usr/local/bin/api-server"]);
    expect(after.metadata.generation).toBe(2);
    expect(after.spec.template.spec.containers[0].command).toBeUndefined();
  });

  it("the patches of old (env: [] and a bare container name) change nothing, as the proof now says", async () => {
    const deployment = JSON.parse(missingConfigMapVolume).items.find((item: { kind: string }) => item.kind === "Deployment");
    deployment.metadata = { name: "api-noop", namespace: "default" };
    expect((await plane.request("POST", "/apis/apps/v1/namespaces/default/deployments", deployment)).status).toBe(201);
    for (const patch of ['{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[]}]}}}}', '{"spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}}']) {
      execFileSync("kubectl", ["--kubeconfig", plane.kubeconfig, "patch", "deployment", "api-noop", "-n", "default", "--type", "strategic", "-p", patch], { encoding: "utf8" });
    }
    expect(((await plane.request("GET", "/apis/apps/v1/namespaces/default/deployments/api-noop")).body as any).metadata.generation).toBe(1);
  });
});
