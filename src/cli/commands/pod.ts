import { Command } from "commander";
import type { Finding } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { runRules } from "../../engine/engine.js";
import { allRules } from "../../rules/index.js";
import { loadPaths } from "../../sources/files.js";
import { ViewBuilder } from "../../view/builder.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { gather, hasOfflineInputs, type InputFlags } from "../gather.js";
import { addInputOptions, addOutputOptions, collect, emit, toReport, UsageError, type OutputOptions, ruleSelection } from "../shared.js";

interface PodFlags extends InputFlags, OutputOptions {
  container?: string;
  logs: string[];
  previousLogs: string[];
  events: string[];
}

export function register(program: Command): void {
  const command = new Command("pod")
    .description("diagnose one pod in depth: status, last state, previous logs, events, spec and what it references")
    .argument("[name]", "the pod (optional offline when the inputs hold one pod)")
    .option("-c, --container <name>", "the container --logs/--previous-logs belong to")
    .option("--logs <file>", "current log of the container (kubectl logs POD -c C)", collect, [])
    .option("--previous-logs <file>", "log of the previous instance (kubectl logs POD -c C --previous)", collect, [])
    .option("--events <file>", "kubectl get events output (table, JSON or YAML)", collect, [])
    .addHelpText(
      "after",
      `
Examples:
  ktriage pod api-7d9f8c-x2x4q -n shop                     # live
  ktriage pod -f describe.txt                               # kubectl describe pod, pasted into a file
  ktriage pod api-7d9f8c-x2x4q -f pod.json --previous-logs prev.log --events events.txt -o json
  ktriage pod --previous-logs crash.log                     # a log alone still gets a diagnosis`,
    );
  addInputOptions(command);
  addOutputOptions(command);
  command.action(async (name: string | undefined, flags: PodFlags) => {
    const selection = ruleSelection(flags, allRules);
    const extraFiles = flags.logs.length + flags.previousLogs.length + flags.events.length > 0;
    let builder: ViewBuilder | undefined;
    if (extraFiles || hasOfflineInputs(flags)) {
      builder = new ViewBuilder();
      const target = { namespace: flags.namespace, pod: name, container: flags.container };
      loadPaths(flags.previousLogs, builder, { forceKind: "log", logTarget: { ...target, previous: true } });
      loadPaths(flags.logs, builder, { forceKind: "log", logTarget: { ...target, previous: false } });
      loadPaths(flags.events, builder);
    } else if (!name) {
      throw new UsageError("pod: give the pod NAME (live), or inputs with -f, --snapshot, --logs, --previous-logs or --events");
    }
    const { view } = await gather(flags, { pod: name, builder });
    const pod = choosePod(view, name, flags.namespace);
    if (name && !pod && view.mode === "live") throw new UsageError(`pod ${name} not found in namespace ${flags.namespace ?? "(context default)"}`);
    const result = runRules(allRules, view, { scope: "diagnose", ...selection });
    const keep = (finding: Finding) => !pod || isAbout(view, finding, pod);
    program.setOptionValue("exitCode", await emit(toReport(name ? `pod ${name}` : "pod", view, result, result.findings.filter(keep), keep), flags));
  });
  program.addCommand(command);
}

function choosePod(view: ClusterView, name: string | undefined, namespace: string | undefined): KubeObject | undefined {
  const pods = view.kind("Pod");
  if (name) return pods.find((pod) => pod.metadata.name === name && (namespace === undefined || pod.metadata.namespace === namespace));
  return pods.length === 1 ? pods[0] : undefined;
}

/** Findings on the pod itself or on the workloads that own it. */
function isAbout(view: ClusterView, finding: Finding, pod: KubeObject): boolean {
  const r = finding.resource;
  if (r.kind === "Pod") return r.name === pod.metadata.name && (r.namespace ?? "") === (pod.metadata.namespace ?? r.namespace ?? "");
  return view.ownerChain(pod).some((owner) => owner.kind === r.kind && owner.metadata.name === r.name);
}
