import { Command, Option } from "commander";
import { gatherLive, LiveUnavailableError } from "../../sources/live/index.js";
import { SnapshotDirectoryError, SnapshotRecorder } from "../../sources/snapshot-writer.js";
import { ViewBuilder } from "../../view/builder.js";
import { clearProgress, liveOptions, type ClusterFlags } from "../gather.js";
import { addInputOptions, UsageError, warn } from "../shared.js";

interface SnapshotFlags extends ClusterFlags {
  outputDir?: string;
  output?: string;
}

export function register(program: Command): void {
  const command = new Command("snapshot")
    .description("save what live mode reads (objects, events, current and previous logs; Secret keys only) to a folder that --snapshot reads elsewhere")
    .option("--output-dir <dir>", "folder to write (created; must be empty or an earlier snapshot)")
    .addOption(new Option("-o, --output <dir>", "deprecated: use --output-dir (-o is an output format in every other command)").hideHelp());
  addInputOptions(command, {
    filename: null,
    snapshot: null,
    namespace: "the namespace to save (default: the context's namespace)",
    selector: "only pods with these labels, as kubectl: app=api,tier!=db",
    context: "kubeconfig context",
    kubeconfig: "kubeconfig file (default $KUBECONFIG or ~/.kube/config)",
    timeout: "bound the whole run",
  }).addHelpText(
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
    const options = liveOptions(flags);
    if (flags.namespace && flags.allNamespaces) throw new UsageError("give -n NAMESPACE or -A, not both");
    const recorder = new SnapshotRecorder();
    const capturedAt = new Date();
    let live;
    try {
      live = await gatherLive(new ViewBuilder(), { ...options, sink: recorder });
    } catch (error) {
      if (error instanceof LiveUnavailableError) throw new UsageError(error.message);
      throw error;
    } finally {
      clearProgress();
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
