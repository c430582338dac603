import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, formatPath, reportIstio, valueAt, yamlOf } from "./finding.js";
import { refOf } from "../../k8s/objects.js";
import { GROUP_KINDS, GROUP_VERSIONS, SPEC_SCHEMAS, validate, type SchemaProblem } from "../../istio/schema.js";
import { closest } from "../../istio/suggest.js";
import { istioValidation } from "../../istio/validation/index.js";
import { gatewayPods, selectorUnindexedWithoutServers } from "../../istio/gateways.js";

export const schemaValidation = defineRule({
  id: "istio/schema-validation",
  category: "config-schema-error",
  severity: "error",
  title: "Istio resource does not match its schema",
  docs: {
    cause: "A field has the wrong type (a string where a list or number is expected), a misspelt name, or a value outside its enum, or the kind/apiVersion is not an Istio API; or the values break a rule of Istio's validating webhook (an HTTP route with neither route, redirect nor direct response; a host that is not a valid DNS name; a TLS server without certificates). The API server rejects the resource (`kubectl apply` fails), or, with older CRDs, silently drops the field so the behaviour it configures never happens.",
    fix: "Correct the field as the message says; `kubectl explain <kind>.spec` and the Istio reference list the fields.",
    verify: ["istioctl analyze -n <namespace>", "kubectl apply --dry-run=server -f <file>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0106/", "https://istio.io/latest/docs/reference/config/networking/"],
  },
  equivalents: ["IST0106", "IST0101"],
  inputs: ["istio", "manifests", "pods", "workloads"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "schema-error": "{resource} {field}: {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const loaded of view.objects) {
      const object = loaded.object;
      const apiVersion = object.apiVersion ?? "";
      const slash = apiVersion.indexOf("/");
      const group = slash > 0 ? apiVersion.slice(0, slash) : "";
      if (!group.endsWith("istio.io")) continue;
      let problems = problemsByObject.get(object);
      if (!problems) problemsByObject.set(object, (problems = schemaProblems(object, group, apiVersion.slice(slash + 1))));
      for (const problem of problems.slice(0, 20)) {
        const current = valueAt(object, problem.path);
        const last = problem.path[problem.path.length - 1];
        const after =
          problem.suggestion && typeof last === "string" && problem.message.startsWith("unknown field")
            ? yamlOf({ [problem.suggestion]: current })
            : problem.suggestion
              ? yamlOf({ [String(last)]: problem.suggestion })
              : undefined;
        // istioctl analyze also reports a server-less Gateway's selector as not found (IST0101): one defect, both its codes.
        // When no pod matches the selector, istio/gateway-workload-not-found gives that IST0101 itself.
        const unindexed =
          object.kind === "Gateway" && problem.message === "gateway must have at least one server" && gatewayPods(view, object).length > 0 ? selectorUnindexedWithoutServers(view, object) : undefined;
        reportIstio(this, ctx, {
          object,
          code: "IST0106",
          ...(unindexed
            ? {
                equivalents: ["IST0101"],
                evidence: [{ source: "istioctl analyze", text: `istioctl analyze also reports IST0101 Referenced selector not found: "${unindexed}": it looks a Gateway's selector up among the servers of the Gateways, and this one has none` }],
              }
            : {}),
          args: [`${formatPath(problem.path)}: ${problem.message}`],
          path: problem.path,
          message: "schema-error",
          data: { resource: refOf(object), field: formatPath(problem.path), problem: problem.message },
          cause: problem.message.startsWith("unknown field")
            ? "Istio CRDs reject unknown fields (or drop them with older CRDs), so what this field was meant to configure does not happen."
            : "The API server validates Istio resources against their schema and rejects this one; nothing of it is applied.",
          fix: {
            description: problem.suggestion ? `Use ${problem.suggestion}.` : `Correct ${formatPath(problem.path)}.`,
            ...(after !== undefined ? { yaml: { before: yamlOf({ [String(last)]: current }), after, target: refOf(object) } } : {}),
            commands: [`kubectl explain ${object.kind.toLowerCase()}.${formatPath(problem.path.filter((part) => typeof part === "string")).replace(/^spec\.?/, "spec.")}`.replace(/\.$/, ""), `kubectl apply --dry-run=server -f ${view.loadedOf(object)?.origin.file ?? "<file>"}`],
          },
          verify: [analyzeCommand(object), "kubectl apply --dry-run=server -f <file>"],
        });
      }
    }
  },
});

/** The schema's and the validating webhook's errors of one object: the same whichever view holds it, so computed once per object. */
const problemsByObject = new WeakMap<KubeObject, SchemaProblem[]>();

function schemaProblems(object: KubeObject, group: string, version: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const kinds = GROUP_KINDS[group];
  if (!kinds) {
    problems.push({ path: ["apiVersion"], message: `unknown Istio API group "${group}"`, severity: "error" });
  } else if (kinds.length > 0 && !kinds.includes(object.kind)) {
    const suggestion = closest(object.kind, kinds);
    problems.push({ path: ["kind"], message: `kind ${object.kind} is not served by ${group}${suggestion ? ` (did you mean ${suggestion}?)` : ""}: no such CRD`, ...(suggestion ? { suggestion } : {}), severity: "error" });
  } else if (!(GROUP_VERSIONS[group] ?? []).includes(version)) {
    problems.push({ path: ["apiVersion"], message: `${group} does not serve version ${version} (served: ${(GROUP_VERSIONS[group] ?? []).join(", ")})`, suggestion: `${group}/v1`, severity: "error" });
  } else {
    const schema = SPEC_SCHEMAS[`${group}/${object.kind}`];
    if (schema) {
      if (object.spec === undefined && ["VirtualService", "DestinationRule", "Gateway", "ServiceEntry"].includes(object.kind)) problems.push({ path: ["spec"], message: "spec is missing", severity: "error" });
      validate(object.spec, schema, ["spec"], problems, closest);
    }
    // What the validating webhook rejects beyond the structure: values, combinations, references.
    if (problems.length === 0) for (const message of istioValidation(object)) if (message.level === "error") problems.push({ path: message.path, message: message.message, severity: "error" });
  }
  return problems;
}
