import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, ensureBuiltCli, repoRoot } from "../cluster/support.js";

describe("docs/rules.md", () => {
  it("is what the rules' metadata generates (npm run docs:rules)", () => {
    ensureBuiltCli();
    const check = spawnSync(process.execPath, [join(repoRoot, "scripts/docs-rules.mjs"), "--check"], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("has a section for every rule the CLI lists", () => {
    ensureBuiltCli();
    const rules = JSON.parse(spawnSync(process.execPath, [cliPath, "rules", "-o", "json"], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout) as { id: string }[];
    const page = readFileSync(join(repoRoot, "docs/rules.md"), "utf8");
    const missing = rules.filter((rule) => !page.includes(`### \`${rule.id}\``)).map((rule) => rule.id);
    expect(missing).toEqual([]);
    expect(rules.length).toBeGreaterThan(100);
  });
});
