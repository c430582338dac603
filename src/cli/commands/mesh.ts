import { Command, Option } from "commander";
import { checkSeverities, computeReadiness } from "../../queries/readiness.js";
import { renderReadiness } from "../../report/mesh-readiness.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { gather, type InputFlags } from "../gather.js";
import { describePod } from "../../queries/describe-pod.js";
import { describeText } from "../../report/mesh-describe.js";
import { didYouMean, nearestNames } from "../lookup.js";
import { VERSION } from "../../version.js";
import { addInputOptions, EXIT_USAGE, exitCodeFor, failOnOption, outputOption, setExitCode, UsageError, useColor, warn, writeStdout } from "../shared.js";

interface ReadinessFlags extends InputFlags {
  output: "text" | "json" | "markdown" | "html";
  color?: boolean;
  failOn?: "error" | "warning" | "info" | "none";
  failOnFail?: boolean;
}

const SNAPSHOT_WORDING = "a ktriage snapshot folder or a `kubectl cluster-info dump` folder";
const KUBECONFIG_WORDING = "kubeconfig file (live mode)";

function warnInputProblems(view: ClusterView): void {
  for (const problem of view.inputs.problems) warn(`${problem.origin.file}${problem.origin.line ? `:${problem.origin.line}` : ""}: ${problem.message}`);
}

export function register(program: Command): void {
  const mesh = new Command("mesh").description("service mesh adoption: readiness checklist, rollout and rollback plan");
  const readiness = new Command("readiness").description("compute the Istio adoption checklist for this cluster, then the four-phase rollout and the rollback, with its namespaces and deployments");
  addInputOptions(readiness, {
    filename: "file or folder of kubectl JSON/YAML (nodes, namespaces, workloads, services, network policies); repeatable",
    snapshot: SNAPSHOT_WORDING,
    namespace: "plan for this namespace only",
    allNamespaces: "every namespace (default offline)",
    selector: null,
    kubeconfig: KUBECONFIG_WORDING,
  });
  readiness
    .addOption(outputOption(["text", "json", "markdown", "html"]))
    .addOption(failOnOption("none", "exit 1 when a checklist item is at or above this level: error (an item fails: reserved ports, UID 1337, under 4 GB), warning (an item warns), info, or none"))
    .addOption(new Option("--fail-on-fail", "deprecated: use --fail-on error").hideHelp())
    .option("--no-color", "never colour the output (NO_COLOR is honoured too)")
    .addHelpText(
      "after",
      `
Examples:
  ktriage mesh readiness --snapshot examples/lab      # offline, from a snapshot
  ktriage mesh readiness -f cluster.yaml -o markdown  # kubectl get nodes,ns,deploy,sts,svc,netpol -A -o yaml > cluster.yaml
  ktriage mesh readiness -A                           # live, every namespace
  ktriage mesh readiness -n shop -o json              # live, plan for one namespace
  ktriage mesh readiness --snapshot snap/ --fail-on error   # CI: exit 1 when an item fails`,
    );
  readiness.action(async (flags: ReadinessFlags) => {
    const { view } = await gather(flags, { istiodLogs: true });
    if (view.inputs.objects === 0) {
      warnInputProblems(view);
      warn("no Kubernetes objects in the inputs: give a snapshot (--snapshot DIR) or kubectl output (-f FILE)");
      setExitCode(readiness, EXIT_USAGE);
      return;
    }
    warnInputProblems(view);
    const report = computeReadiness(view);
    await writeStdout(await renderReadiness(report, flags.output, { color: useColor(flags), now: view.now, sources: view.inputs.sources, toolVersion: VERSION }));
    if (flags.failOnFail) warn("--fail-on-fail is deprecated: use --fail-on error");
    const failOn = flags.failOnFail && flags.failOn === "none" ? "error" : (flags.failOn ?? "none");
    setExitCode(readiness, exitCodeFor(checkSeverities(report.checks), failOn));
  });
  readiness.exitOverride();
  mesh.addCommand(readiness);
  mesh.addCommand(describeCommand());
  program.addCommand(mesh);
}

interface DescribeFlags extends InputFlags {
  output: "text" | "json";
}

/** `ktriage mesh describe pod NAME`: the pod's place in the mesh, as `istioctl x describe pod` shows it. */
function describeCommand(): Command {
  const describe = new Command("describe").description("describe a pod's place in the mesh: Services and ports, DestinationRules and its subset, VirtualServices and gateways, mTLS mode per port, AuthorizationPolicies, and what each does to a request");
  const pod = new Command("pod")
    .description("what the mesh does to traffic for this pod (like istioctl x describe pod), read-only")
    .argument("<name>", "the pod");
  addInputOptions(pod, { filename: "file or folder of kubectl JSON/YAML; repeatable", snapshot: SNAPSHOT_WORDING, namespace: "the pod's namespace", allNamespaces: null, selector: null, kubeconfig: KUBECONFIG_WORDING });
  pod
    .addOption(outputOption(["text", "json"]))
    .addHelpText(
      "after",
      `
Examples:
  ktriage mesh describe pod catalog-5899bbc954-xnq22 -n istioinaction                          # live
  ktriage mesh describe pod catalog-5899bbc954-xnq22 -n istioinaction --snapshot examples/lab  # offline`,
    );
  pod.action(async (name: string, flags: DescribeFlags) => {
    const { view } = await gather(flags, { pod: name });
    warnInputProblems(view);
    const pods = view.kind("Pod").filter((candidate) => flags.namespace === undefined || candidate.metadata.namespace === flags.namespace);
    const target = pods.find((candidate) => candidate.metadata.name === name);
    if (!target) throw new UsageError(`no pod ${name} in ${view.mode === "live" ? `namespace ${flags.namespace ?? "(the context's default)"}` : flags.snapshot ? "the snapshot" : "the inputs"}${didYouMean(nearestNames(name, pods.map((candidate) => candidate.metadata.name ?? "")))}`);
    const description = describePod(view, target);
    await writeStdout(flags.output === "json" ? `${JSON.stringify(description, null, 2)}\n` : describeText(description));
  });
  describe.addCommand(pod);
  return describe;
}
