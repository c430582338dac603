import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeRule } from "../../../src/engine/engine.js";
import { rolloutStalled } from "../../../src/rules/pod/rollout-stalled.js";
import { loadPaths } from "../../../src/sources/files.js";
import { ViewBuilder } from "../../../src/view/builder.js";

function labView(namespace: string) {
  const builder = new ViewBuilder();
  loadPaths([resolve(import.meta.dirname, `../../../examples/lab/namespaces/${namespace}`)], builder);
  return builder.build({ mode: "offline" });
}

describe("pod/rollout-stalled", () => {
  it("ProgressDeadlineExceeded with revision 1 still serving: rollout undo to it, and the template diff", () => {
    const findings = analyzeRule(rolloutStalled, labView("lab-rollout"));
    expect(findings).toHaveLength(1);
    const finding = findings[0]!;
    expect(finding.resource).toMatchObject({ kind: "Deployment", namespace: "lab-rollout", name: "checkout-api" });
    expect(finding.fix?.commands[0]).toBe("kubectl rollout undo deployment/checkout-api -n lab-rollout --to-revision=1");
    const diff = finding.evidence.find((item) => item.text.startsWith("what the new template changed"))!.text;
    expect(diff).toContain("\n-        - /app/checkout-api\n-      image: ghcr.io/acme/checkout-api:3.4.1\n+        - /app/checkout-apj\n+      image: ghcr.io/acme/checkout-api:3.5.0\n");
    expect(diff).not.toContain("pod-template-hash");
    expect(finding.evidence[0]).toMatchObject({ text: expect.stringMatching(/^Progressing=False ProgressDeadlineExceeded: ReplicaSet "checkout-api-\w+" has timed out progressing\.$/), line: expect.any(Number) });
  });

  it("a first rollout that never came up has nothing to roll back to: no finding (its pod's finding explains it)", () => {
    expect(analyzeRule(rolloutStalled, labView("lab-bad-command"))).toEqual([]);
  });

  it("a rollout in progress inside its deadline is not stalled", () => {
    expect(analyzeRule(rolloutStalled, labView("shop"))).toEqual([]);
  });
});
