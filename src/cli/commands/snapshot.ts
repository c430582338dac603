import { Command, Option } from "commander";
import { gatherLive, LiveUnavailableError } from "../../sources/live/index.js";
import { SnapshotDirectoryError, SnapshotRecorder } from "../../sources/snapshot-writer.js";
import { ViewBuilder } from "../../view/builder.js";
import { UsageError, warn } from "../shared.js";

interface SnapshotFlags {
  outputDir?: string;
  output?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  context?: string;
  kubeconfig?: string;
  timeout?: number;
}

export function register(program: Command): void {
  const command = new Command("snapshot")
    .description("save what live mode reads (objects, events, current and previous logs; Secret keys only) to a folder that --snapshot reads elsewhere")
    .option("--output-dir <dir>", "folder to write (created; must be empty or an earlier snapshot)")
    .addOption(new Option("-o, --output <dir>", "deprecated: use --output-dir (-o is an output format in every other command)").hideHelp())
    .option("-n, --namespace <ns>", "the namespace to save (default: the context's namespace)")
    .option("-A, --all-namespaces", "every namespace")
    .option("-l, --selector <selector>", "only pods with these labels, as kubectl: app=api,tier!=db")
    .option("--context <name>", "kubeconfig context")
    .option("--kubeconfig <file>", "kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
    .option("--timeout <seconds>", "bound the whole run", (value) => Number(value))
    .addHelpText(
      "after",
      `
Examples:
  ktriage snapshot --output-dir ./incident-4211 -n shop   # attach the folder to the ticket
  ktriage scan --snapshot ./incident-4211                 # same findings, anywhere, no cluster
  ktriage snapshot --output-dir ./cluster -A --timeout 60`,
    );
  command.action(async (flags: SnapshotFlags) => {
    if (flags.output !== undefined && flags.outputDir === undefined) warn("snapshot -o DIR is deprecated: use --output-dir DIR (-o is an output format in every other command)");
    const dir = flags.outputDir ?? flags.output;
    if (!dir) throw new UsageError("snapshot needs --output-dir DIR, the folder to write");
    if (flags.timeout !== undefined && !(flags.timeout > 0)) throw new UsageError("--timeout takes a number of seconds greater than 0");
    if (flags.namespace && flags.allNamespaces) throw new UsageError("give -n NAMESPACE or -A, not both");
    const recorder = new SnapshotRecorder();
    const capturedAt = new Date();
    let live;
    try {
      live = await gatherLive(new ViewBuilder(), {
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        namespace: flags.namespace,
        allNamespaces: flags.allNamespaces,
        selector: flags.selector,
        timeoutMs: flags.timeout ? flags.timeout * 1000 : undefined,
        progress: process.stderr.isTTY ? (message) => process.stderr.write(`\r\x1b[2K${message}`) : undefined,
        sink: recorder,
      });
    } catch (error) {
      if (error instanceof LiveUnavailableError) throw new UsageError(error.message);
      throw error;
    } finally {
      if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
    }
    let summary;
    try {
      summary = recorder.write(dir, {
        capturedAt: capturedAt.toISOString(),
        context: live.context,
        namespaces: flags.allNamespaces ? "all" : [live.namespace],
        tool: "ktriage snapshot",
      });
    } catch (error) {
      if (error instanceof SnapshotDirectoryError) throw new UsageError(error.message);
      throw new UsageError(`cannot write ${dir}: ${(error as Error).message}`);
    }
    for (const missing of summary.missing) warn(`not saved: ${missing.what} (${missing.status ?? "error"} on ${missing.call}); needs: ${missing.permission ?? "?"}`);
    for (const problem of summary.problems) warn(`${problem.message}`);
    process.stderr.write(
      `ktriage: wrote ${summary.dir}: ${summary.objects} objects, ${summary.logs} logs in ${summary.files} files (${live.requests} API requests, ${((live.durationMs ?? 0) / 1000).toFixed(1)} s). Read it with: ktriage scan --snapshot ${summary.dir}\n`,
    );
  });
  program.addCommand(command);
}
