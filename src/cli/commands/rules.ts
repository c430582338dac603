import { Command } from "commander";
import { metadataOf } from "../../contract/rule.js";
import { allRules } from "../../rules/index.js";
import { outputOption, writeStdout } from "../shared.js";

export function register(program: Command): void {
  program.addCommand(
    new Command("rules")
      .description("list every rule with its category, severity and the codes other tools use")
      .addOption(outputOption(["text", "json"]))
      .action(async (flags: { output: string }) => {
        if (flags.output === "json") {
          await writeStdout(JSON.stringify(allRules.map(metadataOf), null, 2) + "\n");
          return;
        }
        const idWidth = Math.max(...allRules.map((rule) => rule.id.length), 4) + 2;
        const categoryWidth = Math.max(...allRules.map((rule) => rule.category.length), 8) + 2;
        const lines = [`${"RULE".padEnd(idWidth)}${"CATEGORY".padEnd(categoryWidth)}${"SEVERITY".padEnd(10)}TITLE`];
        for (const rule of allRules) {
          lines.push(`${rule.id.padEnd(idWidth)}${rule.category.padEnd(categoryWidth)}${rule.severity.padEnd(10)}${rule.title}${rule.optIn ? " (opt-in: --enable)" : ""}`);
        }
        lines.push("", `${allRules.length} rules. \`ktriage explain RULE\` prints a rule's cause, fix and verification.`);
        await writeStdout(lines.join("\n") + "\n");
      }),
  );
}
