import { describe, expect, it } from "vitest";
import type { Fix } from "../../src/model/finding.js";
import { fixProofLabel } from "../../src/report/fix-proof-label.js";

const fix = (over: Partial<Fix>): Fix => ({ description: "Raise the memory limit", commands: [], ...over });

describe("fixProofLabel", () => {
  it("says proven only for a proven fix", () => {
    expect(fixProofLabel(fix({ proven: true, proof: "applied" }))).toEqual({ proven: true, text: "proven: applied to the view and re-checked" });
    expect(fixProofLabel(fix({}))).toBeUndefined();
  });

  it("asks to fill in placeholders only when the commands or the YAML hold one", () => {
    const withPlaceholder = fix({ proven: false, proof: "needs values the evidence does not show", commands: ["kubectl patch deployment api -p '<the change shown above, once checked>'"] });
    expect(fixProofLabel(withPlaceholder)!.text).toBe("guidance, not proven: needs values the evidence does not show; fill in every <...>");
    const inYaml = fix({ proven: false, proof: "p", yaml: { before: "a: 1", after: "memory: <measured peak plus headroom>" } });
    expect(fixProofLabel(inYaml)!.text).toBe("guidance, not proven: p; fill in every <...>");
    expect(fixProofLabel(fix({ proven: false, proof: "no change to apply: the steps are checks and guidance", commands: ["kubectl get pods -n shop"] }))!.text).toBe("guidance, not proven: no change to apply: the steps are checks and guidance");
  });

  it("names a fix checked safe as such, not as plain guidance", () => {
    const label = fixProofLabel(fix({ proven: false, checkedSafe: true, proof: "applied to Deployment default/api in the view, the change brings no new error or warning", commands: ["kubectl patch deployment api -p '<the change shown above, once checked>'"] }))!;
    expect(label).toEqual({ proven: false, text: "checked safe, not proven: applied to Deployment default/api in the view, the change brings no new error or warning; fill in every <...>" });
  });
});
