#!/usr/bin/env node
// Runs cel-go's parser (the version Istio links, as Istio's Telemetry validation calls it) on the
// CEL table of test/fixtures/cel/expressions.mjs and compares with the verdicts recorded in
// test/fixtures/cel/cel-go-verdicts.json, which the unit test holds ktriage's parser to.
//   node bench/vs-cel-go/compare.mjs           # cel-go against the recorded verdicts
//   node bench/vs-cel-go/compare.mjs --write   # record cel-go's verdicts
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { depthCases, expressions } from "../../test/fixtures/cel/expressions.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const verdictsFile = join(here, "../../test/fixtures/cel/cel-go-verdicts.json");
const cache = join(process.env.KTRIAGE_CACHE ?? join(homedir(), ".cache/ktriage"), "cel-go");
const bin = join(cache, "cel-parse");
if (!existsSync(bin)) {
  mkdirSync(join(cache, "src"), { recursive: true });
  for (const file of ["main.go", "go.mod", "go.sum"]) copyFileSync(join(here, file), join(cache, "src", file));
  execFileSync("go", ["build", "-o", bin, "."], { cwd: join(cache, "src"), stdio: "inherit" });
}
const table = [...expressions, ...depthCases()];
const output = execFileSync(bin, { input: table.map((e) => JSON.stringify(e)).join("\n") + "\n", maxBuffer: 1 << 28 }).toString();
const verdicts = output.trim().split("\n").map((line) => JSON.parse(line)).map((v) => (v.ok ? { ok: true } : { ok: false, error: v.error.split("\n")[0] }));
if (process.argv.includes("--write")) {
  writeFileSync(verdictsFile, JSON.stringify(verdicts.map((v, i) => ({ expression: table[i].length > 80 ? `${table[i].slice(0, 40)}… (${table[i].length} code units)` : table[i], ...v })), null, 1) + "\n");
  console.log(`recorded ${verdicts.length} verdicts in ${verdictsFile}`);
} else {
  const recorded = JSON.parse(readFileSync(verdictsFile, "utf8"));
  const differ = verdicts.filter((v, i) => v.ok !== recorded[i]?.ok);
  console.log(`${verdicts.length - differ.length}/${verdicts.length} recorded verdicts agree with cel-go (${verdicts.filter((v) => v.ok).length} accepted)`);
  process.exitCode = differ.length ? 1 : 0;
}
