import { describe, expect, it } from "vitest";
import { defineRule, type Rule } from "../../src/contract/rule.js";
import { runRules } from "../../src/engine/engine.js";
import type { Fix } from "../../src/model/finding.js";
import { buildView } from "../helpers/rule-tester.js";

const deployment = (name: string, labels: Record<string, string>) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "shop", labels }, spec: { template: { spec: { containers: [{ name: "app", image: "app:1" }] } } } });

const service = (name: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "shop" }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });

const view = () => buildView({ name: "shop", mode: "lint", files: { "shop.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [deployment("api", {}), deployment("web", { tier: "front" })] }) } });

/** A rule that asks every Service for an owner label, with a fix that adds it. */
const ownerRule = defineRule({
  id: "manifest/test-owner-label",
  category: "config-error",
  severity: "warning",
  title: "A test rule: every Service has an owner label",
  docs: { cause: "No owner.", fix: "Add one.", verify: ["kubectl get svc"], references: ["https://kubernetes.io/docs/"] },
  equivalents: [],
  inputs: ["services"],
  scopes: ["lint"],
  messages: { "no-owner": "Service {name} has no owner label" },
  analyze({ view, report }) {
    for (const object of view.kind("Service")) {
      if (object.metadata.labels?.owner) continue;
      const name = object.metadata.name!;
      const patch = JSON.stringify({ metadata: { labels: { owner: "shop" } } });
      report({ message: "no-owner", data: { name }, object, cause: "No owner.", fix: { description: "Add an owner.", commands: [`kubectl patch service ${name} -n shop --type merge -p '${patch}'`] } });
    }
  },
});

/** A rule that asks every Deployment for a tier label, with a fix that adds it; counts how often its fix is built. */
function tierRule(): { rule: Rule; builds: { count: number; contexts: boolean[] } } {
  const builds = { count: 0, contexts: [] as boolean[] };
  const rule = defineRule({
    id: "manifest/test-tier-label",
    category: "config-error",
    severity: "warning",
    title: "A test rule: every Deployment has a tier label",
    docs: { cause: "No tier.", fix: "Add one.", verify: ["kubectl get deploy"], references: ["https://kubernetes.io/docs/"] },
    equivalents: [],
    inputs: ["workloads"],
    scopes: ["lint"],
    messages: { "no-tier": "Deployment {name} has no tier label" },
    analyze({ view, report, fixes }) {
      builds.contexts.push(fixes);
      for (const object of view.kind("Deployment")) {
        if (object.metadata.labels?.tier) continue;
        const name = object.metadata.name!;
        report({
          message: "no-tier",
          data: { name },
          object,
          cause: "No tier.",
          fix: (): Fix => {
            builds.count++;
            const patch = JSON.stringify({ metadata: { labels: { tier: "back" } } });
            return { description: "Add a tier.", commands: [`kubectl patch deployment ${name} -n shop --type merge -p '${patch}'`] };
          },
        });
      }
    },
  });
  return { rule, builds };
}

describe("fix proofs re-run rules without building fixes", () => {
  it("builds each printed finding's fix once; the prover's re-runs build none and still prove it", () => {
    const { rule, builds } = tierRule();
    const result = runRules([rule], view(), { scope: "lint" });
    expect(result.findings.map((finding) => [finding.resource.name, finding.fix?.proven])).toEqual([["api", true]]);
    expect(result.fixes.reruns).toBeGreaterThan(0);
    expect(builds.count).toBe(1);
    expect(builds.contexts).toEqual([true, ...Array(result.fixes.reruns).fill(false)]);
  });

  it("proves changes of two Services of one namespace against one part before the changes: three re-runs, not four", () => {
    const services = buildView({ name: "shop", mode: "lint", files: { "shop.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [service("api"), service("web")] }) } });
    const result = runRules([ownerRule], services, { scope: "lint" });
    expect(result.findings.map((finding) => [finding.resource.name, finding.fix?.proven])).toEqual([["api", true], ["web", true]]);
    expect(result.fixes.reruns).toBe(3);
  });
});

/** A rule of config objects of one kind: each without a `checked` label is reported, with a fix that adds it. */
function labelRule(kind: "ConfigMap" | "Secret"): Rule {
  const resource = kind.toLowerCase();
  return defineRule({
    id: `manifest/test-${resource}-checked`,
    category: "config-error",
    severity: "warning",
    title: `A test rule: every ${kind} is checked`,
    docs: { cause: "Not checked.", fix: "Check it.", verify: [`kubectl get ${resource}`], references: ["https://kubernetes.io/docs/"] },
    equivalents: [],
    inputs: ["config"],
    reads: [kind],
    scopes: ["lint"],
    messages: { unchecked: `${kind} {name} is not checked` },
    analyze({ view, report }) {
      for (const object of view.kind(kind)) {
        if (object.metadata.labels?.checked) continue;
        const name = object.metadata.name!;
        const patch = JSON.stringify({ metadata: { labels: { checked: "yes" } } });
        report({ message: "unchecked", data: { name }, object, cause: "Not checked.", fix: { description: "Check it.", commands: [`kubectl patch ${resource} ${name} -n shop --type merge -p '${patch}'`] } });
      }
    },
  });
}

describe("fix proofs re-run only the rules that read a kind the change makes different", () => {
  it("proves a ConfigMap change with the ConfigMap rule alone: the Secret rule, reading config too, is not re-run", () => {
    const config = buildView({ name: "shop", mode: "lint", files: { "shop.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { a: "1" } }, { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "shop", labels: { checked: "yes" } }, data: {} }] }) } });
    const result = runRules([labelRule("ConfigMap"), labelRule("Secret")], config, { scope: "lint", recordInputs: true });
    expect(result.findings.map((finding) => [finding.resource.name, finding.fix?.proven])).toEqual([["settings", true]]);
    expect(result.fixes).toMatchObject({ reruns: 2, ruleRuns: 2 });
    expect([...result.kindsRead!.get("manifest/test-secret-checked")!]).toEqual(["Secret"]);
  });
});
