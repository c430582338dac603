import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { defineRule } from "../../src/contract/rule.js";
import { viewFromPaths } from "../../src/sources/load-view.js";

const lab = () => viewFromPaths([resolve(import.meta.dirname, "../../examples/lab")]);

const meta = {
  category: "unknown-crash",
  severity: "warning",
  title: "A test rule of the contract",
  docs: { cause: "What is wrong.", fix: "What to change.", verify: ["kubectl get pods"], references: ["https://kubernetes.io/docs/"] },
  equivalents: ["X1"],
  scopes: ["diagnose"],
} as const;

describe("the rule contract at run time", () => {
  it("builds the finding from the message template, the object and its field line", () => {
    const rule = defineRule({
      ...meta,
      id: "pod/contract-example",
      equivalents: [...meta.equivalents],
      scopes: [...meta.scopes],
      docs: { ...meta.docs, verify: [...meta.docs.verify], references: [...meta.docs.references] },
      inputs: ["pods"],
      messages: { restarts: "pod {name} restarted {count} times" },
      analyze({ view, report }) {
        const pod = view.kind("Pod")[0]!;
        report({ message: "restarts", data: { name: pod.metadata.name!, count: 3 }, object: pod, fieldPath: ["spec", "containers", 0], cause: "It crashes." });
      },
    });
    const view = lab();
    const result = runRules([rule], view, { scope: "diagnose", refuseUndeclared: true });
    expect(result.failures).toEqual([]);
    const pod = view.kind("Pod")[0]!;
    const loaded = view.loadedOf(pod)!;
    const finding = result.findings.find((item) => item.resource.name === pod.metadata.name)!;
    expect(finding.summary).toBe(`pod ${pod.metadata.name} restarted 3 times`);
    expect(finding.resource).toMatchObject({ kind: "Pod", namespace: pod.metadata.namespace, file: loaded.origin.file, line: loaded.locate!(["spec", "containers", 0]) });
    expect(finding.equivalents).toEqual(["X1"]);
    expect(finding.verify).toEqual(["kubectl get pods"]);
  });

  it("refuses a read of an input the rule does not declare, and records it", () => {
    const rule = defineRule({
      ...meta,
      id: "pod/contract-undeclared",
      equivalents: [],
      scopes: ["diagnose"],
      docs: { ...meta.docs, verify: [...meta.docs.verify], references: [...meta.docs.references] },
      inputs: ["pods"],
      messages: { never: "never reported" },
      analyze({ view }) {
        view.eventsFor("Pod", "default", "x");
      },
    });
    const refused = runRules([rule], lab(), { scope: "diagnose", refuseUndeclared: true, recordInputs: true });
    expect(refused.failures).toEqual([{ rule: "pod/contract-undeclared", message: "internal error: pod/contract-undeclared reads events but declares pods" }]);
    expect([...refused.inputsRead!.get("pod/contract-undeclared")!]).toContain("events");
    const recorded = runRules([rule], lab(), { scope: "diagnose", refuseUndeclared: false, recordInputs: true });
    expect(recorded.failures).toEqual([]);
    expect([...recorded.inputsRead!.get("pod/contract-undeclared")!]).toContain("events");
  });

  it("fails a rule that reports a message it does not declare, or leaves a placeholder unfilled", () => {
    const make = (id: string, data: Record<string, string>, message: string) =>
      defineRule({
        ...meta,
        id,
        equivalents: [],
        scopes: ["diagnose"],
        docs: { ...meta.docs, verify: [...meta.docs.verify], references: [...meta.docs.references] },
        inputs: ["pods"],
        messages: { declared: "pod {name}" },
        analyze({ view, report }) {
          report({ message, data, object: view.kind("Pod")[0]!, cause: "c" });
        },
      });
    const result = runRules([make("pod/contract-a", { name: "x" }, "other"), make("pod/contract-b", {}, "declared")], lab(), { scope: "diagnose" });
    expect(result.failures.map((failure) => failure.message)).toEqual([
      'internal error: pod/contract-a reported message "other", which is not among its messages (declared)',
      'internal error: pod/contract-b message "declared" needs {name}, which the report\'s data lacks',
    ]);
  });
});
