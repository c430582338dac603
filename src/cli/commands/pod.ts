import { Command } from "commander";
import type { Finding } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { runRules } from "../../engine/engine.js";
import { rulesFor } from "../../rules/registry.js";
import { loadPaths } from "../../sources/files.js";
import { ViewBuilder } from "../../view/builder.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { gather, hasOfflineInputs, type InputFlags } from "../gather.js";
import { didYouMean, nearestNames, requireExistingPaths } from "../lookup.js";
import { addInputOptions, addOutputOptions, collect, emit, setExitCode, toReport, UsageError, type OutputOptions, ruleSelection } from "../shared.js";

export interface PodFlags extends InputFlags, OutputOptions {
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
    const { view, result, rules, findings, keep, pod } = await diagnosePod(name, flags);
    const page = pod ? { name: pod.metadata.name ?? "", namespace: pod.metadata.namespace } : name ? { name, namespace: flags.namespace } : undefined;
    setExitCode(program, await emit(toReport(name ? `pod ${name}` : "pod", view, result, rules, findings, keep), flags, { view, pod: page }));
  });
  program.addCommand(command);
}

/** The `pod` pipeline without its output: gather, run the rules, keep the findings about the pod. */
export async function diagnosePod(name: string | undefined, flags: PodFlags) {
  const rules = await rulesFor("diagnose");
  const selection = await ruleSelection(flags, rules);
  const extraFiles = flags.logs.length + flags.previousLogs.length + flags.events.length > 0;
  let builder: ViewBuilder | undefined;
  if (extraFiles || hasOfflineInputs(flags)) {
    requireExistingPaths([...flags.previousLogs, ...flags.logs, ...flags.events]);
    builder = new ViewBuilder();
    builder.trafficTimelines = flags.output === "html";
    const target = { namespace: flags.namespace, pod: name, container: flags.container };
    loadPaths(flags.previousLogs, builder, { forceKind: "log", pasted: true, logTarget: { ...target, previous: true } });
    loadPaths(flags.logs, builder, { forceKind: "log", pasted: true, logTarget: { ...target, previous: false } });
    loadPaths(flags.events, builder, { pasted: true });
  } else if (!name) {
    throw new UsageError("pod: give the pod NAME (live), or inputs with -f, --snapshot, --logs, --previous-logs or --events");
  }
  const { view } = await gather(flags, { pod: name, builder, load: { pasted: true }, timelines: flags.output === "html" });
  const pod = choosePod(view, name, flags.namespace);
  if (name && !pod) requirePod(view, name, flags, extraFiles);
  if (pod && flags.container) requireContainer(pod, flags.container);
  const result = runRules(rules, view, { scope: "diagnose", ...selection });
  const keep = (finding: Finding) => !pod || isAbout(view, finding, pod);
  return { view, result, rules, findings: result.findings.filter(keep), keep, pod };
}

/**
 * A pod NAME the inputs do not hold is a usage error naming the nearest pods, offline as live; a
 * log alone (no pod objects at all) is diagnosed under the name given.
 */
function requirePod(view: ClusterView, name: string, flags: PodFlags, logsGiven: boolean): void {
  const pods = view.kind("Pod").filter((pod) => flags.namespace === undefined || pod.metadata.namespace === flags.namespace);
  if (view.mode !== "live" && pods.length === 0 && view.kind("Pod").length === 0 && logsGiven) return;
  const where = view.mode === "live" ? `namespace ${flags.namespace ?? "(the context's default)"}` : flags.snapshot ? "the snapshot" : "the inputs";
  const nearest = nearestNames(name, pods.map((pod) => pod.metadata.name ?? ""));
  const label = (podName: string) => {
    const pod = pods.find((candidate) => candidate.metadata.name === podName);
    return flags.namespace || !pod?.metadata.namespace ? podName : `${podName} (-n ${pod.metadata.namespace})`;
  };
  const some = nearest.length > 0 || pods.length === 0 ? "" : ` (${pods.length} pod${pods.length === 1 ? "" : "s"} there: ${pods.slice(0, 3).map((pod) => label(pod.metadata.name ?? "")).join(", ")}${pods.length > 3 ? ", ..." : ""})`;
  throw new UsageError(`no pod ${name} in ${where}${didYouMean(nearest.map(label))}${some}`);
}

function requireContainer(pod: KubeObject, container: string): void {
  const spec = (pod as { spec?: { containers?: Array<{ name?: string }>; initContainers?: Array<{ name?: string }> } }).spec;
  const names = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((item) => item.name ?? "").filter((item) => item !== "");
  if (names.length === 0 || names.includes(container)) return;
  throw new UsageError(`pod ${pod.metadata.name} has no container ${container} (containers: ${names.join(", ")})`);
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
