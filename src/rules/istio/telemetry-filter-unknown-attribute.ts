import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, kubectl, reportIstio } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";
import { parseCel } from "../../istio/cel.js";
import { closest } from "../../istio/suggest.js";
import { unknownAttributes, type AttributeProblem } from "../../envoy/attributes.js";

const ATTRIBUTES_DOC = "https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/advanced/attributes";

const REASONS: Record<AttributeProblem["reason"], string> = {
  "unknown-attribute": "is not an Envoy attribute",
  "unknown-field": "is not a field of that attribute",
  "wasm-only": "is only given to Wasm extensions, not to the access-log filter",
  "not-a-message": "selects a field of a value that has none",
};

export const telemetryFilterUnknownAttribute = defineRule({
  id: "istio/telemetry-filter-unknown-attribute",
  category: "istio-config-other",
  severity: "warning",
  title: "Telemetry access-log filter refers to an attribute Envoy does not have",
  docs: {
    cause: "A Telemetry `accessLogging[].filter.expression` names an attribute Envoy does not provide (`response.status` for `response.code`, `request.header` for `request.headers`, a bare `status`). Istio only parses the expression, so the Telemetry is accepted; in the proxy the expression evaluates to an error wherever it needs that value, and Envoy's CEL access-log filter treats an error as false: those requests are not logged.",
    fix: "Use the attribute Envoy documents (the finding names the closest one); header values are read as `request.headers['name']`.",
    verify: ["istioctl proxy-config listeners deploy/<workload> -o json | grep -A3 '\"expression\"'", "kubectl logs deploy/<workload> -c istio-proxy --tail=20"],
    references: [ATTRIBUTES_DOC, "https://istio.io/latest/docs/reference/config/telemetry/#AccessLogging-Filter", "https://istio.io/latest/docs/tasks/observability/logs/telemetry-api/"],
  },
  equivalents: [],
  inputs: ["istio"],
  reads: ["Telemetry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "unknown-attribute": "{resource} accessLogging[{index}] filter refers to {path}, which {reason}: the filter is false wherever it needs it and those requests are not logged",
  },
  analyze(ctx) {
    for (const telemetry of ctx.view.kind("Telemetry")) {
      arrayOf<unknown>(recordOf(telemetry.spec)?.accessLogging).forEach((entry, index) => {
        const expression = recordOf(recordOf(entry)?.filter)?.expression;
        if (typeof expression !== "string") return;
        // An expression Istio rejects is istio/schema-validation's (IST0106).
        const parsed = parseCel(expression).expression;
        if (!parsed) return;
        for (const problem of unknownAttributes(parsed)) {
          const suggestion = suggestionFor(problem);
          const rewritten = suggestion ? expression.replace(new RegExp(`(?<![\\w.])${problem.path.replace(/\./g, "\\.")}(?!\\w)`, "g"), suggestion) : expression;
          const path = ["spec", "accessLogging", index, "filter", "expression"];
          reportIstio(this, ctx, {
            object: telemetry,
            path,
            message: "unknown-attribute",
            data: { resource: refOf(telemetry), index, path: problem.path, reason: REASONS[problem.reason] },
            cause: `Envoy evaluates the filter against its attributes (${ATTRIBUTES_DOC}); \`${problem.path}\` ${REASONS[problem.reason]}, so the expression evaluates to an error where it needs it, and the access-log filter counts an error as false.`,
            fix: {
              description: suggestion ? `Write ${suggestion} instead of ${problem.path}.` : `Replace ${problem.path} with one of the attributes Envoy documents (${ATTRIBUTES_DOC}).`,
              ...(rewritten !== expression ? { yaml: { before: `expression: ${JSON.stringify(expression)}`, after: `expression: ${JSON.stringify(rewritten)}`, target: refOf(telemetry) } } : {}),
              commands: [kubectl("edit", telemetry)],
            },
            verify: [analyzeCommand(telemetry)],
          });
        }
      });
    }
  },
});

/** The documented attribute the reference most likely meant: the only candidate, or the one whose last name is closest. */
function suggestionFor(problem: AttributeProblem): string | undefined {
  if (problem.candidates.length === 1) return problem.candidates[0];
  const byLast = new Map(problem.candidates.map((candidate) => [candidate.split(".").pop()!, candidate]));
  const name = closest(problem.path.split(".").pop()!, byLast.keys());
  return name ? byLast.get(name) : undefined;
}
