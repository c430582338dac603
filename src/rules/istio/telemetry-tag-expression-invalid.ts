import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, kubectl, reportIstio } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";
import { formatCelProblem, parseCel } from "../../istio/cel.js";

const STATS_PLUGIN = "https://github.com/istio/proxy/blob/master/source/extensions/filters/http/istio_stats/istio_stats.cc";

/** The tags of Istio's standard metrics: an override of one of them replaces it, any other name adds a tag. */
const STANDARD_TAGS = new Set([
  "reporter", "source_workload", "source_workload_namespace", "source_principal", "source_app", "source_version",
  "source_canonical_service", "source_canonical_revision", "source_cluster", "destination_workload",
  "destination_workload_namespace", "destination_principal", "destination_app", "destination_version", "destination_service",
  "destination_service_name", "destination_service_namespace", "destination_canonical_service", "destination_canonical_revision",
  "destination_cluster", "request_protocol", "response_flags", "connection_security_policy", "response_code", "grpc_response_status",
]);

/** The value as a CEL string literal, when the author most likely meant constant text: it then parses. */
function quoted(value: string): string | undefined {
  if (/['"\n\\]/.test(value)) return undefined;
  const literal = `'${value}'`;
  return parseCel(literal).expression ? literal : undefined;
}

export const telemetryTagExpressionInvalid = defineRule({
  id: "istio/telemetry-tag-expression-invalid",
  category: "istio-config-other",
  severity: "warning",
  title: "Telemetry tag override value is not a valid CEL expression",
  docs: {
    cause:
      "A Telemetry `metrics[].overrides[].tagOverrides[<tag>].value` is a CEL expression that the proxy's stats plugin evaluates for each request. Istio's webhook does not parse it, so the Telemetry is accepted; the proxy cannot parse it, logs `Failed to parse expression` at info level only, and drops the tag from the standard metrics it overrides (for a tag of its own, never adds it). Dashboards and alerts grouped by that tag lose it without an error.",
    fix: "Write the value as a CEL expression: constant text in quotes (`'canary'`), an attribute (`request.host`), or a header (`request.headers['x-user']`).",
    verify: ["istioctl proxy-config listeners deploy/<workload> -o json | grep -B2 -A8 istio.stats", "kubectl exec deploy/<workload> -c istio-proxy -- pilot-agent request GET stats/prometheus | grep istio_requests_total"],
    references: ["https://istio.io/latest/docs/reference/config/telemetry/#MetricsOverrides-TagOverride", "https://istio.io/latest/docs/tasks/observability/metrics/customize-metrics/", STATS_PLUGIN],
  },
  equivalents: [],
  inputs: ["istio"],
  reads: ["Telemetry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "tag-expression-invalid": "{resource} metrics[{metric}] tag override {tag} is not a valid CEL expression ({problem}): the proxy {effect}",
  },
  analyze(ctx) {
    for (const telemetry of ctx.view.kind("Telemetry")) {
      if (!(telemetry.apiVersion ?? "").startsWith("telemetry.istio.io/")) continue;
      arrayOf<unknown>(recordOf(telemetry.spec)?.metrics).forEach((metrics, metric) => {
        arrayOf<unknown>(recordOf(metrics)?.overrides).forEach((override, overrideIndex) => {
          for (const [tag, entry] of Object.entries(recordOf(recordOf(override)?.tagOverrides) ?? {})) {
            const operation = recordOf(entry);
            const value = operation?.value;
            // REMOVE and an UPSERT without a value are Istio's webhook's to reject (IST0106).
            if ((operation?.operation || "UPSERT") !== "UPSERT" || typeof value !== "string" || value === "") continue;
            const { problem } = parseCel(value);
            if (!problem) continue;
            const standard = STANDARD_TAGS.has(tag);
            const effect = standard ? `drops the tag ${tag} from the metrics it overrides` : `never adds the tag ${tag}`;
            const literal = quoted(value);
            reportIstio(this, ctx, {
              object: telemetry,
              path: ["spec", "metrics", metric, "overrides", overrideIndex, "tagOverrides", tag, "value"],
              message: "tag-expression-invalid",
              data: { resource: refOf(telemetry), metric, tag, problem: formatCelProblem(problem), effect },
              cause: `The stats plugin parses each tag value as CEL when it loads its configuration (${STATS_PLUGIN}); this one does not parse (${formatCelProblem(problem)}), so the plugin logs "Failed to parse expression" at info level and ${standard ? `leaves ${tag} out of the metrics` : `does not add ${tag}`}. Istio's webhook does not parse tag values, so nothing rejected the Telemetry.`,
              fix: {
                description: literal
                  ? `If the tag is meant to be the constant text ${JSON.stringify(value)}, quote it as a CEL string: ${literal}.`
                  : "Correct the expression: constant text in quotes, an attribute (request.host), or a header (request.headers['x-user']).",
                ...(literal ? { yaml: { before: `value: ${JSON.stringify(value)}`, after: `value: ${JSON.stringify(literal)}`, target: refOf(telemetry) } } : {}),
                commands: [kubectl("edit", telemetry)],
              },
              verify: [analyzeCommand(telemetry), "kubectl exec deploy/<workload> -c istio-proxy -- pilot-agent request GET stats/prometheus | grep istio_requests_total"],
            });
          }
        });
      });
    }
  },
});
