import { Command } from "commander";
import { metadataOf, type Rule, type RuleMetadata } from "../../contract/rule.js";
import { CATEGORIES, isCategory } from "../../model/categories.js";
import { findTerm, type Term } from "../../model/terms.js";
import { allRules } from "../../rules/index.js";
import { outputOption, UsageError, writeStdout } from "../shared.js";

/** What a topic turned out to be, and the rules that report it. */
export interface Explanation {
  topic: string;
  kind: "rule" | "category" | "term" | "code";
  category?: { id: string; meaning: string };
  term?: Term;
  rules: RuleMetadata[];
}

/** Looks a topic up as a rule id, a category, a reason/exit code/response flag, or another tool's code (IST0101, KIA1107, kube-linter:latest-tag). */
export function lookUp(topic: string): Explanation {
  const meta = (rules: readonly Rule[]) => rules.map(metadataOf);
  const rule = allRules.find((candidate) => candidate.id === topic);
  if (rule) return { topic, kind: "rule", rules: meta([rule]) };
  if (isCategory(topic)) return { topic, kind: "category", category: { id: topic, meaning: CATEGORIES[topic] }, rules: meta(allRules.filter((candidate) => candidate.category === topic)) };
  const term = findTerm(topic);
  if (term) return { topic, kind: "term", term, rules: meta(allRules.filter((candidate) => term.categories.includes(candidate.category))) };
  const upper = topic.toUpperCase();
  const byCode = allRules.filter((candidate) => candidate.equivalents.some((code) => code.toUpperCase() === upper || code.toUpperCase().endsWith(`:${upper}`)));
  if (byCode.length > 0) return { topic, kind: "code", rules: meta(byCode) };
  const partial = allRules.filter((candidate) => candidate.id.includes(topic)).map((candidate) => candidate.id);
  throw new UsageError(`nothing known as "${topic}"${partial.length ? `; did you mean ${partial.slice(0, 5).join(", ")}?` : ": try `ktriage rules`"}`);
}

function describeRule(rule: Explanation["rules"][number]): string {
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

const ruleLine = (rule: Explanation["rules"][number]) => `  ${rule.id} — ${rule.title}`;

/** The text `ktriage explain TOPIC` prints. */
export function explain(topic: string): string {
  const found = lookUp(topic);
  if (found.kind === "category") {
    return [`${topic}: ${found.category!.meaning}`, "", found.rules.length ? "Rules:" : "No rule reports this category yet.", ...found.rules.map(ruleLine)].join("\n");
  }
  if (found.kind === "term") {
    const term = found.term!;
    return [`${term.term} (${term.kind}): ${term.meaning}`, "", `Causes to look at: ${term.categories.join(", ")}`, ...(found.rules.length ? ["", "Rules:", ...found.rules.map(ruleLine)] : [])].join("\n");
  }
  return found.rules.map(describeRule).join("\n\n");
}

export function register(program: Command): void {
  program.addCommand(
    new Command("explain")
      .description("print what a rule, a category or another tool's code means, how to fix it and how to verify")
      .argument("<topic>", "rule id (pod/oom-killed), category (oom-killed), reason (CrashLoopBackOff), exit code (137), response flag (UF) or code (IST0101, KIA1107)")
      .addOption(outputOption(["text", "json"]))
      .action(async (topic: string, flags: { output: "text" | "json" }) => {
        await writeStdout(flags.output === "json" ? JSON.stringify(lookUp(topic), null, 2) + "\n" : explain(topic) + "\n");
      }),
  );
}
