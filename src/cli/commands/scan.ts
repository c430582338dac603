import { Command } from "commander";
import { runRules } from "../../engine/engine.js";
import type { Finding } from "../../model/finding.js";
import { rulesFor } from "../../rules/registry.js";
import { filterBySelector, gather, type InputFlags } from "../gather.js";
import { addInputOptions, addOutputOptions, emit, setExitCode, toReport, type OutputOptions, ruleSelection } from "../shared.js";

export function register(program: Command): void {
  const command = new Command("scan")
    .description("find every problem in a cluster, a snapshot or a set of files, grouped by resource")
    .addHelpText(
      "after",
      `
Examples:
  ktriage scan --snapshot examples/lab          # the bundled lab, no cluster needed
  ktriage scan -f pods.json -f events.yaml      # kubectl output saved to files
  kubectl get pods,events -o yaml | ktriage scan -f -
  ktriage scan -n shop                          # live: the namespace in front of you
  ktriage scan -A -o json --fail-on warning     # live, every namespace, for automation`,
    );
  addInputOptions(command);
  addOutputOptions(command);
  command.action(async (flags: InputFlags & OutputOptions) => {
    const rules = await rulesFor("diagnose");
    const selection = await ruleSelection(flags, rules);
    const { view } = await gather(flags, { timelines: flags.output === "html" });
    const result = runRules(rules, view, { scope: "diagnose", ...selection });
    const selector = view.mode === "live" ? undefined : flags.selector;
    const findings = filterBySelector(view, result.findings, selector);
    const keep = (finding: Finding) => filterBySelector(view, [finding], selector).length > 0;
    setExitCode(program, await emit(toReport("scan", view, result, rules, findings, keep), flags, { view }));
  });
  program.addCommand(command);
}
