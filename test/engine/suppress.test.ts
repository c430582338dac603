import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRules } from "../../src/engine/engine.js";
import { parseSuppressRule } from "../../src/engine/suppress.js";
import { buildLintInput } from "../../src/sources/lint-input.js";
import { toJsonDocument } from "../../src/report/report.js";
import { allRules } from "../../src/rules/index.js";
import { docs, reviewsService, reviewsVirtualService } from "../rules/istio/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "ktriage-suppress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reviews VirtualService routing to subset v3, which no DestinationRule defines (IST0101), with extra metadata lines. */
const virtualService = (annotations = "") => docs(reviewsService, reviewsVirtualService("v3").replace("  namespace: default\n", `  namespace: default\n${annotations}`));

function lint(text: string, suppress: string[] = []) {
  const file = join(dir, `vs-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const { view } = buildLintInput({ paths: [file] });
  const rules = suppress.map((value) => parseSuppressRule(value)!);
  const result = runRules(allRules, view, { scope: "lint", suppress: rules });
  const codes = result.findings.filter((finding) => finding.resource.kind === "VirtualService").flatMap((finding) => finding.equivalents);
  return { codes, suppressed: result.suppressed };
}

describe("suppressing Istio codes, as istioctl does", () => {
  it("reports IST0101 for a subset no DestinationRule defines", () => {
    expect(lint(virtualService()).codes).toContain("IST0101");
  });

  it("honours galley.istio.io/analyze-suppress on the resource", () => {
    const { codes, suppressed } = lint(virtualService("  annotations:\n    galley.istio.io/analyze-suppress: IST0101,IST0108\n"));
    expect(codes).not.toContain("IST0101");
    expect(suppressed).toContainEqual(expect.objectContaining({ rule: "istio/virtualservice-subset-not-found", code: "IST0101", resource: "VirtualService reviews.default", by: "annotation" }));
  });

  it("honours * in the annotation, and leaves other codes alone", () => {
    expect(lint(virtualService("  annotations:\n    galley.istio.io/analyze-suppress: '*'\n")).codes.filter((code) => code.startsWith("IST"))).toEqual([]);
    expect(lint(virtualService("  annotations:\n    galley.istio.io/analyze-suppress: IST0102\n")).codes).toContain("IST0101");
  });

  it("takes --suppress CODE=Kind name.namespace, with * wildcards", () => {
    expect(lint(virtualService(), ["IST0101=VirtualService reviews.default"]).codes).not.toContain("IST0101");
    expect(lint(virtualService(), ["IST0101=VirtualService *.default"]).suppressed[0]).toMatchObject({ code: "IST0101", by: "--suppress" });
    expect(lint(virtualService(), ["IST0101=VirtualService *.prod"]).codes).toContain("IST0101");
  });

  it("takes a ktriage rule id as the code too", () => {
    const { suppressed } = lint(virtualService(), ["istio/virtualservice-subset-not-found=VirtualService reviews.default"]);
    expect(suppressed).toContainEqual(expect.objectContaining({ rule: "istio/virtualservice-subset-not-found", code: "istio/virtualservice-subset-not-found", resource: "VirtualService reviews.default", by: "--suppress" }));
    expect(lint(virtualService(), ["istio/virtualservice-subset-not-found=VirtualService reviews.default"]).codes).not.toContain("IST0101");
  });

  it("lists what was suppressed in the JSON report without the finding itself", () => {
    const { suppressed } = lint(virtualService(), ["IST0101=VirtualService reviews.default"]);
    const document = toJsonDocument({ command: "lint", mode: "lint", findings: [], skipped: [], inputs: { sources: [], objects: 0, events: 0, logs: 0, envoy: 0, problems: [], missing: [] }, failures: [], now: new Date(0), suppressed });
    expect(document.suppressed).toEqual([{ rule: "istio/virtualservice-subset-not-found", code: "IST0101", resource: "VirtualService reviews.default", by: "--suppress" }]);
  });

  it("rejects malformed --suppress values", () => {
    expect(parseSuppressRule("IST0101")).toBeUndefined();
    expect(parseSuppressRule("KIA1107=VirtualService reviews.default")).toBeUndefined();
    expect(parseSuppressRule("IST0101=VirtualService reviews.default")).toBeDefined();
    expect(parseSuppressRule("manifest/cpu-unset=Deployment *.batch")).toBeDefined();
  });
});
