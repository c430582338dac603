#!/usr/bin/env node
// Writes docs/rules.md from the rules' own metadata (`ktriage rules -o json`), so the page
// cannot drift from the code. `--check` exits 1 when the committed page is stale.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const page = `${root}docs/rules.md`;
const rules = JSON.parse(execFileSync(process.execPath, [`${root}dist/cli.js`, "rules", "-o", "json"], { encoding: "utf8", maxBuffer: 64 << 20 }));

export function anchorOf(id) {
  return id.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
}

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
const layers = [...new Set(rules.map((rule) => rule.id.split("/")[0]))].sort();
const lines = [
  "# Rules",
  "",
  "Generated from the rules' metadata by `npm run docs:rules`; do not edit by hand.",
  "`ktriage explain <id>` prints the same text in a terminal.",
  "",
  `${rules.length} rules. Severity is the default: error = will fail, warning = a concrete risk, info = practice and taste.`,
  "",
];
for (const layer of layers) {
  const inLayer = rules.filter((rule) => rule.id.split("/")[0] === layer).sort((a, b) => a.id.localeCompare(b.id));
  lines.push(`## ${layer} (${inLayer.length})`, "", "| rule | severity | category | equivalents | title |", "|---|---|---|---|---|");
  for (const rule of inLayer) {
    lines.push(`| [\`${rule.id}\`](#${anchorOf(rule.id)}) | ${rule.severity} | ${rule.category} | ${cell((rule.equivalents ?? []).join(", "))} | ${cell(rule.title)} |`);
  }
  lines.push("");
}
for (const rule of [...rules].sort((a, b) => a.id.localeCompare(b.id))) {
  lines.push(`<a id="${anchorOf(rule.id)}"></a>`, `### \`${rule.id}\``, "", cell(rule.title), "");
  lines.push(`- Severity: ${rule.severity}; category: \`${rule.category}\`${rule.optIn ? "; opt-in (`--enable`)" : ""}`);
  if (rule.equivalents?.length) lines.push(`- Equivalents: ${rule.equivalents.join(", ")}`);
  if (rule.inputs?.length) lines.push(`- Reads: ${rule.inputs.join(", ")}`);
  lines.push("", `**Cause.** ${rule.docs.cause}`, "", `**Fix.** ${rule.docs.fix}`, "");
  if (rule.docs.verify?.length) lines.push("**Verify.**", "", "```sh", ...rule.docs.verify, "```", "");
  if (rule.docs.references?.length) lines.push("**References.**", "", ...rule.docs.references.map((reference) => `- ${reference}`), "");
}
const text = `${lines.join("\n").trimEnd()}\n`;

if (process.argv.includes("--check")) {
  const current = existsSync(page) ? readFileSync(page, "utf8") : "";
  if (current !== text) {
    console.error("docs/rules.md is stale: run `npm run docs:rules`");
    process.exit(1);
  }
} else {
  writeFileSync(page, text);
  console.log(`docs/rules.md: ${rules.length} rules`);
}
