import { Command } from "commander";
import { VERSION } from "../../version.js";
import { outputOption, writeStdout } from "../shared.js";

/** What `ktriage version -o json` prints (schema/version.schema.json). */
export function versionInfo(): { tool: "ktriage"; version: string; node: string; platform: string } {
  return { tool: "ktriage", version: VERSION, node: process.versions.node, platform: `${process.platform}/${process.arch}` };
}

export function register(program: Command): void {
  program.addCommand(
    new Command("version")
      .description("print the ktriage version (and the Node.js version and platform it runs on)")
      .addOption(outputOption(["text", "json"]))
      .action(async (flags: { output: "text" | "json" }) => {
        const info = versionInfo();
        await writeStdout(flags.output === "json" ? JSON.stringify(info, null, 2) + "\n" : `ktriage ${info.version} (Node.js ${info.node}, ${info.platform})\n`);
      }),
  );
}
