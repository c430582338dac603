import { Command } from "commander";
import type { Rule } from "../../engine/rule.js";
import { CATEGORIES, isCategory } from "../../model/categories.js";
import { findTerm } from "../../model/terms.js";
import { allRules } from "../../rules/index.js";
import { UsageError, writeStdout } from "../shared.js";

function describeRule(rule: Rule): string {
  const lines = [
    `${rule.id} — ${rule.title}`,
    `category: ${rule.category} · severity: ${rule.severity}${rule.equivalents.length ? ` · equivalents: ${rule.equivalents.join(", ")}` : ""}`,
    `reads: ${rule.inputs.join(", ")} · runs in: ${rule.scopes.join(", ")}${rule.optIn ? ` · opt-in: --enable ${rule.id}` : ""}`,
    "",
    "Cause",
    `  ${rule.docs.cause}`,
    "",
    "Fix",
    `  ${rule.docs.fix}`,
    "",
    "Verify",
    ...rule.docs.verify.map((command) => `  $ ${command}`),
  ];
  if (rule.docs.references.length) lines.push("", "References", ...rule.docs.references.map((ref) => `  - ${ref}`));
  return lines.join("\n");
}

/** Looks a topic up as a rule id, a category, or another tool's code (IST0101, KIA1107, kube-linter:latest-tag). */
export function explain(topic: string): string {
  const rule = allRules.find((candidate) => candidate.id === topic);
  if (rule) return describeRule(rule);
  if (isCategory(topic)) {
    const rules = allRules.filter((candidate) => candidate.category === topic);
    return [`${topic}: ${CATEGORIES[topic]}`, "", rules.length ? "Rules:" : "No rule reports this category yet.", ...rules.map((r) => `  ${r.id} — ${r.title}`)].join("\n");
  }
  const term = findTerm(topic);
  if (term) {
    const rules = allRules.filter((candidate) => term.categories.includes(candidate.category));
    return [`${term.term} (${term.kind}): ${term.meaning}`, "", `Causes to look at: ${term.categories.join(", ")}`, ...(rules.length ? ["", "Rules:", ...rules.map((r) => `  ${r.id} — ${r.title}`)] : [])].join("\n");
  }
  const upper = topic.toUpperCase();
  const byCode = allRules.filter((candidate) => candidate.equivalents.some((code) => code.toUpperCase() === upper || code.toUpperCase().endsWith(`:${upper}`)));
  if (byCode.length > 0) return byCode.map(describeRule).join("\n\n");
  const partial = allRules.filter((candidate) => candidate.id.includes(topic)).map((candidate) => candidate.id);
  throw new UsageError(`nothing known as "${topic}"${partial.length ? `; did you mean ${partial.slice(0, 5).join(", ")}?` : ": try `ktriage rules`"}`);
}

export function register(program: Command): void {
  program.addCommand(
    new Command("explain")
      .description("print what a rule, a category or another tool's code means, how to fix it and how to verify")
      .argument("<topic>", "rule id (pod/oom-killed), category (oom-killed) or code (IST0101, KIA1107)")
      .action(async (topic: string) => {
        await writeStdout(explain(topic) + "\n");
      }),
  );
}
