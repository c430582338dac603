import { Command } from "commander";
import { runRules } from "../../engine/engine.js";
import { buildLintInput, isReportable } from "../../sources/lint-input.js";
import { ensureHeapFor } from "../heap.js";
import type { Finding } from "../../model/finding.js";
import { rulesFor } from "../../rules/registry.js";
import { loadPaths } from "../../sources/files.js";
import { ViewBuilder } from "../../view/builder.js";
import { inputProblemLines } from "../../report/text.js";
import { requireExistingPaths } from "../lookup.js";
import { addOutputOptions, collect, emit, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, setExitCode, toReport, UsageError, warn, type OutputOptions, ruleSelection } from "../shared.js";

interface LintFlags extends OutputOptions {
  filename: string[];
  namespace: string;
  meshConfig?: string;
  meshNetworks?: string;
  defaultGateway: boolean;
  snapshot?: string;
  againstCluster?: boolean;
  context?: string;
  kubeconfig?: string;
  cluster: string[];
}

export function register(program: Command): void {
  const command = new Command("lint")
    .description("check Kubernetes and Istio manifests before deploy (istioctl analyze parity, and more)")
    .argument("[path...]", "files, folders (recursive) or - for stdin: YAML/JSON manifests, Lists, multi-document YAML")
    .option("-f, --filename <path>", "a file, folder or - (same as the positional PATHs, as kubectl apply -f); repeatable", collect, [])
    .option("-n, --namespace <ns>", "namespace for objects that name none (as kubectl apply -n)", "default")
    .option("--mesh-config <file>", "MeshConfig YAML (or the istio ConfigMap) to analyse against")
    .option("--mesh-networks <file>", "MeshNetworks YAML to analyse against")
    .option("--no-default-gateway", "do not assume the istio-ingressgateway Pod and Service in istio-system")
    .option("--snapshot <dir>", "resolve references against what a snapshot of the cluster already has")
    .option("--against-cluster", "resolve references against the live cluster (kubeconfig)")
    .option("--context <name>", "kubeconfig context for --against-cluster")
    .option("--kubeconfig <file>", "kubeconfig file for --against-cluster")
    .option("--cluster <name=path>", "manifests of one cluster of a multi-cluster mesh (compared with the other clusters'); repeatable", collect, [])
    .addHelpText(
      "after",
      `
Only findings about objects in PATH are reported; --snapshot and --against-cluster
only supply what the manifests refer to (Services, Gateways, pods, DestinationRules).

Examples:
  ktriage lint k8s/ istio/                          # everything in two folders
  ktriage lint vs.yaml -o istioctl                  # istioctl analyze lines, then cause and fix
  helm template ./chart | ktriage lint -            # rendered chart from stdin
  ktriage lint istio/ --snapshot snap/ -o sarif > ktriage.sarif
  ktriage lint istio/ --mesh-config meshconfig.yaml --fail-on warning
  ktriage lint --cluster east=east/ --cluster west=west/   # a multi-cluster mesh`,
    );
  addOutputOptions(command);
  command.action(async (positional: string[], flags: LintFlags) => {
    const paths = [...positional, ...flags.filename];
    const rules = await rulesFor("lint");
    const selection = await ruleSelection(flags, rules);
    const clusters = flags.cluster.map(parseCluster);
    if (paths.length === 0 && clusters.length === 0) throw new UsageError("lint needs at least one PATH (file, folder or -) or --cluster NAME=PATH");
    requireExistingPaths([...paths, ...clusters.flatMap((cluster) => cluster.paths), ...(flags.snapshot ? [flags.snapshot] : []), ...(flags.meshConfig ? [flags.meshConfig] : []), ...(flags.meshNetworks ? [flags.meshNetworks] : [])]);
    let context: ViewBuilder | undefined;
    if (flags.snapshot) {
      context = new ViewBuilder();
      loadPaths([flags.snapshot], context, { onListed: ensureHeapFor });
    }
    if (flags.againstCluster) {
      context ??= new ViewBuilder();
      // The Kubernetes client (node:http, https, zlib) is loaded only when a lint reads the cluster.
      const { gatherLive, LiveUnavailableError } = await import("../../sources/live/index.js");
      try {
        await gatherLive(context, { kubeconfig: flags.kubeconfig, context: flags.context, allNamespaces: true });
      } catch (error) {
        if (error instanceof LiveUnavailableError) throw new UsageError(error.message);
        throw error;
      }
    }
    const { view, reportable, assumed } = buildLintInput({
      paths,
      defaultNamespace: flags.namespace,
      defaultGateway: flags.defaultGateway,
      ...(flags.meshConfig ? { meshConfigFile: flags.meshConfig } : {}),
      ...(flags.meshNetworks ? { meshNetworksFile: flags.meshNetworks } : {}),
      ...(context ? { context } : {}),
      ...(clusters.length > 0 ? { clusters } : {}),
      onListed: ensureHeapFor,
    });
    const result = runRules(rules, view, { scope: "lint", ...selection, assumed });
    const keep = (finding: Finding) => isReportable(finding, reportable, Boolean(flags.meshConfig || flags.meshNetworks));
    const report = toReport("lint", view, result, rules, result.findings.filter(keep), keep);
    if (reportable.size === 0 && !flags.meshConfig && !flags.meshNetworks) {
      // Nothing in PATH could be read, or PATH holds no object (an empty file or stdin): an input error, never "no problems".
      for (const line of inputProblemLines(report)) warn(line);
      warn(`nothing to lint: ${paths.join(", ") || "the --cluster paths"} hold${paths.length === 1 ? "s" : ""} no Kubernetes or Istio object`);
      setExitCode(program, EXIT_USAGE);
      return;
    }
    const code = await emit(report, flags, { view });
    // A manifest that cannot be read would fail `kubectl apply`: it fails the lint like an error finding.
    const unreadable = view.inputs.problems.length > 0 && flags.failOn !== "none" ? EXIT_FINDINGS : EXIT_CLEAN;
    setExitCode(program, Math.max(code, unreadable));
  });
  program.addCommand(command);
}

/** `--cluster east=manifests/east`: the cluster's name and its manifests (comma-separated paths). */
function parseCluster(value: string): { name: string; paths: string[] } {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)$/.exec(value);
  if (!match) throw new UsageError(`--cluster ${value}: expected NAME=PATH (for example east=manifests/east)`);
  return { name: match[1]!, paths: match[2]!.split(",").filter((path) => path !== "") };
}
