import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { EXIT_USAGE, UsageError, warn } from "./usage.js";
type Register = (program: Command) => void;

/** Subcommands in the order `--help` lists them; only the one invoked is loaded. */
const COMMANDS: ReadonlyArray<[name: string, load: () => Promise<{ register: Register }>]> = [
  ["scan", () => import("./commands/scan.js")],
  ["pod", () => import("./commands/pod.js")],
  ["lint", () => import("./commands/lint.js")],
  ["snapshot", () => import("./commands/snapshot.js")],
  ["watch", () => import("./commands/watch.js")],
  ["envoy", () => import("./commands/envoy.js")],
  ["mesh", () => import("./commands/mesh.js")],
  ["rules", () => import("./commands/rules.js")],
  ["explain", () => import("./commands/explain.js")],
  ["version", () => import("./commands/version.js")],
  ["completion", () => import("./commands/completion.js")],
];

/** Commands that need the whole tree registered (completion is generated from it). */
const NEEDS_EVERY_COMMAND = new Set(["completion", "__complete"]);

/** `kubectl ktriage` when run through kubectl's plugin mechanism (the kubectl-ktriage bin), else `ktriage`. */
export function programName(argv1: string | undefined = process.argv[1]): string {
  return argv1 !== undefined && /(^|[\\/])kubectl-ktriage(\.[a-z]+)?$/.test(argv1) ? "kubectl ktriage" : "ktriage";
}

export function buildProgram(name: string = programName()): Command {
  return new Command(name)
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

/** The program with every command registered (what completion is generated from). */
export async function fullProgram(name?: string): Promise<Command> {
  const program = buildProgram(name);
  for (const [, load] of COMMANDS) (await load()).register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const invoked = argv[2];
  // `--version` alone needs no command; help and completion list them all.
  const wanted = invoked === "--version" && argv.length === 3 ? [] : COMMANDS.some(([name]) => name === invoked) && !NEEDS_EVERY_COMMAND.has(invoked!) ? COMMANDS.filter(([name]) => name === invoked) : COMMANDS;
  for (const [, load] of wanted) (await load()).register(program);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      warn(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }
  const code = program.getOptionValue("exitCode");
  return typeof code === "number" ? code : 0;
}
