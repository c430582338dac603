import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { EXIT_USAGE, UsageError } from "./shared.js";

/** Subcommands; each lives in ./commands/<name>.ts and exports register(program). */
const COMMANDS = ["scan", "pod", "lint", "snapshot", "envoy", "mesh", "rules", "explain"] as const;

export function buildProgram(): Command {
  return new Command("ktriage")
    .description("Tells Kubernetes and Istio operators why a workload is broken and how to fix it.")
    .version(VERSION, "--version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  ktriage scan --snapshot examples/lab      diagnose the bundled lab (no cluster needed)
  ktriage scan -n shop                      every problem in a live namespace
  ktriage pod api-7d9f8c-x2x4q -n shop      one pod in depth
  ktriage lint k8s/ istio/                  check manifests before kubectl apply
  ktriage envoy logs gateway.log            summarise an Envoy access log
  ktriage explain IST0101                   what a code means and how to fix it

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error.`,
    );
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const name of COMMANDS) {
    let module: { register?: (program: Command) => void };
    try {
      module = (await import(`./commands/${name}.js`)) as typeof module;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") continue;
      throw error;
    }
    module.register?.(program);
  }
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`ktriage: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const code = program.getOptionValue("exitCode");
  return typeof code === "number" ? code : 0;
}
