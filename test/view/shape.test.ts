import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadText } from "../../src/sources/files.js";
import { ViewBuilder } from "../../src/view/builder.js";

const healthy = resolve(import.meta.dirname, "../../../shared/peer/healthy");

function problemsOf(text: string, name: string): string[] {
  const builder = new ViewBuilder();
  builder.addSource(name);
  loadText(text, name, name, builder);
  return builder.build({ mode: "lint" }).inputs.problems.map((problem) => problem.message);
}

describe("object shapes", () => {
  it("reads a CRD's openAPIV3Schema as a schema: properties called kind, name or key are not Kubernetes fields", () => {
    // Argo CD v3.5.1 install.yaml, as published: 12 valid CRDs whose schemas gave 2,246 "should be a string" lines.
    const problems = problemsOf(readFileSync(resolve(healthy, "argo-cd/install.yaml"), "utf8"), "install.yaml");
    expect(problems.filter((message) => /openAPIV3Schema|should be a string/.test(message))).toEqual([]);
  });

  it("still reports a wrong type in a built-in kind", () => {
    const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: { repo: nginx }\n";
    expect(problemsOf(pod, "pod.yaml").join("\n")).toMatch(/image should be a string, found a mapping/);
  });
});
