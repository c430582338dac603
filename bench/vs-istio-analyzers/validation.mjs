// Istio's validation (IST0106 errors, IST0133 warnings) on the table of test/fixtures/istio-validation/cases.yaml,
// as Istio's analyzers give it (bench/vs-istio-analyzers, built by build.sh), against the verdicts recorded in
// test/fixtures/istio-validation/istio-verdicts.json, which test/istio/validation-conformance.test.ts holds ktriage to.
//
//   node bench/vs-istio-analyzers/validation.mjs           # Istio's verdicts against the recorded ones
//   node bench/vs-istio-analyzers/validation.mjs --write   # record them again
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const fixtures = resolve(here, "../../test/fixtures/istio-validation");
const cases = join(fixtures, "cases.yaml");
const recorded = join(fixtures, "istio-verdicts.json");
const istio = process.env.ISTIO_ANALYZERS ?? execFileSync("bash", [join(here, "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();

const run = spawnSync(istio, [cases], { encoding: "utf8", maxBuffer: 64 << 20 });
if (run.status !== 0) {
  console.error((run.stderr || `exit ${run.status}`).trim().split("\n").slice(-3).join("\n"));
  process.exit(2);
}
/** Per object (`Kind namespace/name`), the distinct (code, message) pairs, sorted. */
const verdicts = {};
for (const line of run.stdout.split("\n").filter((l) => l.startsWith("{"))) {
  const m = JSON.parse(line);
  if (m.code !== "IST0106" && m.code !== "IST0133") continue;
  const message = m.message.replace(/^.*?Schema validation (error|warning): /s, "");
  (verdicts[m.origin] ??= []).push([m.code, message]);
}
const objects = [...readFileSync(cases, "utf8").matchAll(/^kind: (\w+)\nmetadata: \{name: ([\w.-]+), namespace: (\w+)\}/gm)].map((m) => `${m[1]} ${m[3]}/${m[2]}`);
const table = Object.fromEntries(objects.map((key) => [key, [...new Map((verdicts[key] ?? []).map((v) => [v.join("\0"), v])).values()].sort()]));
if (process.argv.includes("--write")) {
  writeFileSync(recorded, `${JSON.stringify(table, null, 1)}\n`);
  console.log(`recorded Istio's verdicts on ${objects.length} objects`);
} else {
  const before = JSON.parse(readFileSync(recorded, "utf8"));
  const changed = objects.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(table[key]));
  for (const key of changed) console.log(`changed: ${key}`);
  console.log(`${objects.length - changed.length}/${objects.length} objects: Istio's verdicts as recorded`);
}
