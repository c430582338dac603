/**
 * What Istio's validation rejects or warns about in Telemetry
 * (https://istio.io/latest/docs/reference/config/telemetry/), WasmPlugin
 * (https://istio.io/latest/docs/reference/config/proxy_extensions/wasm-plugin/) and ProxyConfig.
 */
import { formatCelProblem, parseCel } from "../cel.js";
import { arrayOf, recordOf } from "../../k8s/objects.js";
import { type FieldPath, Messages, policyTargets, type Spec, workloadSelector } from "./common.js";

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const wrapped = (value: unknown): unknown => recordOf(value)?.value ?? value;

function providers(out: Messages, value: unknown, path: FieldPath): void {
  if (arrayOf<unknown>(value).some((provider) => str(recordOf(provider)?.name) === "")) out.error([...path, "providers"], "providers.name may not be empty");
}

export function validateTelemetry(spec: Spec): Messages {
  const out = new Messages();
  policyTargets(out, spec);
  workloadSelector(out, spec.selector, ["spec", "selector"]);
  arrayOf<unknown>(spec.metrics).forEach((entry, index) => {
    const path = ["spec", "metrics", index];
    const metrics = recordOf(entry);
    if (!metrics) return;
    providers(out, metrics.providers, path);
    arrayOf<unknown>(metrics.overrides).forEach((override, overrideIndex) => {
      const at = [...path, "overrides", overrideIndex];
      const record = recordOf(override);
      if (!record) return out.error(at, "tagOverrides may not be null");
      for (const [tag, value] of Object.entries(recordOf(record.tagOverrides) ?? {})) {
        if (tag === "") out.warning([...at, "tagOverrides"], "tagOverrides.name may not be empty");
        const operation = recordOf(value);
        if (!operation) {
          out.error([...at, "tagOverrides", tag], "tagOverrides may not be null");
          continue;
        }
        const kind = str(operation.operation) || "UPSERT";
        if (kind === "UPSERT" && str(operation.value) === "") out.error([...at, "tagOverrides", tag, "value"], "tagOverrides.value must be set when operation is UPSERT");
        if (kind === "REMOVE" && str(operation.value) !== "") out.error([...at, "tagOverrides", tag, "value"], "tagOverrides.value may only be set when operation is UPSERT");
      }
      const match = recordOf(record.match);
      if (match && "customMetric" in match && str(match.customMetric) === "") out.error([...at, "match", "customMetric"], "customMetric may not be empty");
    });
  });
  const tracing = arrayOf<unknown>(spec.tracing);
  if (tracing.length > 1) out.warning(["spec", "tracing"], "multiple tracing is not currently supported");
  tracing.forEach((entry, index) => {
    const path = ["spec", "tracing", index];
    const record = recordOf(entry);
    if (!record) return;
    if (arrayOf(record.providers).length > 1) out.warning([...path, "providers"], "multiple providers is not currently supported");
    providers(out, record.providers, path);
    const sampling = wrapped(record.randomSamplingPercentage);
    if (typeof sampling === "number" && (sampling < 0 || sampling > 100)) out.error([...path, "randomSamplingPercentage"], "randomSamplingPercentage must be in range [0.0, 100.0]");
    for (const [name, tag] of Object.entries(recordOf(record.customTags) ?? {})) {
      const at = [...path, "customTags", name];
      if (name === "") out.error(at, "tag name may not be empty");
      const value = recordOf(tag);
      if (!value) {
        out.error(at, `tag '${name}' may not have a nil value`);
        continue;
      }
      if ("literal" in value && str(recordOf(value.literal)?.value) === "") out.error([...at, "literal"], "literal tag value may not be empty");
      if ("header" in value && str(recordOf(value.header)?.name) === "") out.error([...at, "header"], "header tag name may not be empty");
      if ("environment" in value && str(recordOf(value.environment)?.name) === "") out.error([...at, "environment"], "environment tag name may not be empty");
    }
  });
  arrayOf<unknown>(spec.accessLogging).forEach((entry, index) => {
    const record = recordOf(entry);
    if (!record) return;
    const filter = recordOf(record.filter);
    const problem = filter ? celProblem(str(filter.expression)) : undefined;
    if (problem) out.error(["spec", "accessLogging", index, "filter", "expression"], problem);
    providers(out, record.providers, ["spec", "accessLogging", index]);
  });
  return out;
}

/** Istio parses the filter with cel-go (`cel.NewEnv()` and `Parse`, no type check) and prints cel-go's errors after this text. */
function celProblem(expression: string): string | undefined {
  const { problem } = parseCel(expression);
  return problem ? `must be a valid CEL expression, ${formatCelProblem(problem)}` : undefined;
}

const WASM_SCHEMES = new Set(["", "file", "http", "https", "oci"]);

export function validateWasmPlugin(spec: Spec): Messages {
  const out = new Messages();
  policyTargets(out, spec);
  workloadSelector(out, spec.selector, ["spec", "selector"]);
  const url = str(spec.url);
  if (url === "") out.error(["spec", "url"], "url field needs to be set");
  else {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase() ?? "";
    if (!WASM_SCHEMES.has(scheme)) out.error(["spec", "url"], `url contains unsupported scheme: ${scheme}`);
    else if (/\s/.test(url)) out.error(["spec", "url"], `failed to parse url: parse "${url}": invalid character in URL`);
  }
  const sha = str(spec.sha256);
  if (sha !== "" && sha.length !== 64) out.error(["spec", "sha256"], "sha256 field must be 64 characters long");
  else if (sha !== "" && !/^[a-f0-9]{64}$/.test(sha)) out.error(["spec", "sha256"], "sha256 field must match [a-f0-9]{64} pattern");
  if (str(spec.imagePullSecret).length > 253) out.error(["spec", "imagePullSecret"], "imagePullSecret field must be less than 253 characters long");
  if (str(spec.pluginName).length > 256) out.error(["spec", "pluginName"], "pluginName field must be less than 255 characters long");
  const env = arrayOf<unknown>(recordOf(spec.vmConfig)?.env);
  const names = new Set<string>();
  for (const [index, entry] of env.entries()) {
    const variable = recordOf(entry);
    if (!variable) continue;
    const at = ["spec", "vmConfig", "env", index];
    const name = str(variable.name);
    const problem =
      name === "" ? "spec.vmConfig.env invalid"
      : name.length > 256 ? "env.name field must be less than 255 characters long"
      : names.has(name) ? "duplicate env"
      : (str(variable.valueFrom) || "INLINE") !== "INLINE" && str(variable.value) !== "" ? "value may only be set when valueFrom is INLINE"
      : undefined;
    names.add(name);
    if (problem) {
      out.error(at, problem);
      break;
    }
  }
  matchPorts: for (const [index, selector] of arrayOf<unknown>(spec.match).entries()) {
    for (const [portIndex, port] of arrayOf<unknown>(recordOf(selector)?.ports).entries()) {
      const number = recordOf(port)?.number;
      if (typeof number !== "number" || number <= 0 || number > 65535) {
        out.error(["spec", "match", index, "ports", portIndex], `spec.Match[${index}].Ports[${portIndex}] is out of range: ${String(number ?? 0)}`);
        break matchPorts;
      }
    }
  }
  return out;
}

export function validateProxyConfig(spec: Spec): Messages {
  const out = new Messages();
  workloadSelector(out, spec.selector, ["spec", "selector"]);
  const concurrency = wrapped(spec.concurrency);
  if (typeof concurrency === "number" && concurrency < 0) out.error(["spec", "concurrency"], "concurrency must be greater than or equal to 0");
  return out;
}
