import { cidrContains } from "../k8s/network-policy.js";
import { isQuantity } from "../k8s/quantities.js";
import { editDistance, nearestWithin } from "../util/suggest.js";
import { parseProxyConfigAnnotation } from "./mesh-config.js";

type Check = (value: string) => string | undefined;

const quantity: Check = (value) => (isQuantity(value) ? undefined : `"${value}" is not a Kubernetes quantity (e.g. 100m, 512Mi)`);
const bool: Check = (value) => (value === "true" || value === "false" ? undefined : `"${value}" must be "true" or "false"`);
const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    allowed.includes(value) ? undefined : `"${value}" must be one of ${allowed.join(", ")}`;
const portList: Check = (value) => (value.trim() === "*" || value.trim() === "" || value.split(",").every((part) => /^\s*\d{1,5}\s*$/.test(part) && Number(part) <= 65535) ? undefined : `"${value}" must be a comma-separated list of ports or *`);
const cidrList: Check = (value) =>
  value.trim() === "*" || value.trim() === "" || value.split(",").every((part) => /^\s*[\d.]+\/\d{1,2}\s*$/.test(part) && cidrContains(part.trim(), part.trim().split("/")[0]!)) || value.split(",").every((part) => /^\s*[0-9a-fA-F:]+\/\d{1,3}\s*$/.test(part))
    ? undefined
    : `"${value}" must be a comma-separated list of CIDRs or *`;
const integer: Check = (value) => (/^\d+$/.test(value.trim()) ? undefined : `"${value}" must be an integer`);
const logLevel = oneOf("trace", "debug", "info", "warning", "error", "critical", "off");
const freeForm: Check = () => undefined;
const proxyConfig: Check = (value) => {
  const parsed = parseProxyConfigAnnotation(value);
  if (parsed.error) return parsed.error;
  const problems = proxyConfigProblems(parsed.value ?? {});
  return problems.length > 0 ? problems.join("; ") : undefined;
};

/** Sidecar and proxy annotations Istio 1.2x reads on pods, with how their values are checked. */
export const SIDECAR_ANNOTATIONS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ["sidecar.istio.io/inject", bool],
  ["sidecar.istio.io/status", freeForm],
  ["sidecar.istio.io/proxyCPU", quantity],
  ["sidecar.istio.io/proxyCPULimit", quantity],
  ["sidecar.istio.io/proxyMemory", quantity],
  ["sidecar.istio.io/proxyMemoryLimit", quantity],
  ["sidecar.istio.io/proxyImage", freeForm],
  ["sidecar.istio.io/proxyImageType", oneOf("default", "debug", "distroless")],
  ["sidecar.istio.io/logLevel", logLevel],
  ["sidecar.istio.io/agentLogLevel", freeForm],
  ["sidecar.istio.io/componentLogLevel", freeForm],
  ["sidecar.istio.io/interceptionMode", oneOf("REDIRECT", "TPROXY", "NONE")],
  ["sidecar.istio.io/enableCoreDump", bool],
  ["sidecar.istio.io/rewriteAppHTTPProbers", bool],
  ["sidecar.istio.io/nativeSidecar", bool],
  ["sidecar.istio.io/bootstrapOverride", freeForm],
  ["sidecar.istio.io/discoveryAddress", freeForm],
  ["sidecar.istio.io/controlPlaneAuthPolicy", oneOf("NONE", "MUTUAL_TLS")],
  ["sidecar.istio.io/extraStatTags", freeForm],
  ["sidecar.istio.io/statsInclusionPrefixes", freeForm],
  ["sidecar.istio.io/statsInclusionRegexps", freeForm],
  ["sidecar.istio.io/statsInclusionSuffixes", freeForm],
  ["sidecar.istio.io/statsHistogramBuckets", freeForm],
  ["sidecar.istio.io/statsCompression", freeForm],
  ["sidecar.istio.io/templates", freeForm],
  ["sidecar.istio.io/userVolume", freeForm],
  ["sidecar.istio.io/userVolumeMount", freeForm],
  ["sidecar.istio.io/proxyStatsMatcher", freeForm],
  ["proxy.istio.io/config", proxyConfig],
  ["proxy.istio.io/overrides", freeForm],
  ["traffic.sidecar.istio.io/includeInboundPorts", portList],
  ["traffic.sidecar.istio.io/excludeInboundPorts", portList],
  ["traffic.sidecar.istio.io/includeOutboundPorts", portList],
  ["traffic.sidecar.istio.io/excludeOutboundPorts", portList],
  ["traffic.sidecar.istio.io/includeOutboundIPRanges", cidrList],
  ["traffic.sidecar.istio.io/excludeOutboundIPRanges", cidrList],
  ["traffic.sidecar.istio.io/excludeInterfaces", freeForm],
  ["traffic.sidecar.istio.io/kubevirtInterfaces", freeForm],
  ["status.sidecar.istio.io/port", integer],
  ["readiness.status.sidecar.istio.io/applicationPorts", portList],
  ["readiness.status.sidecar.istio.io/initialDelaySeconds", integer],
  ["readiness.status.sidecar.istio.io/periodSeconds", integer],
  ["readiness.status.sidecar.istio.io/failureThreshold", integer],
]);

const SIDECAR_PREFIXES = ["sidecar.istio.io/", "proxy.istio.io/", "traffic.sidecar.istio.io/", "status.sidecar.istio.io/", "readiness.status.sidecar.istio.io/"];

/** Whether a pod annotation is one the injector reads (its names and values are checked by sidecarAnnotationProblems). */
export function isSidecarAnnotation(key: string): boolean {
  return SIDECAR_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export interface AnnotationProblem {
  key: string;
  value: string;
  problem: string;
  unknown: boolean;
  /** A known annotation a misspelt one was probably meant to be. */
  suggestion?: string;
}

/** Unknown and malformed sidecar annotations. */
export function sidecarAnnotationProblems(annotations: Record<string, string>): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!isSidecarAnnotation(key)) continue;
    const check = SIDECAR_ANNOTATIONS.get(key);
    if (!check) {
      const suggestion = closest(key);
      problems.push({ key, value, unknown: true, suggestion, problem: `unknown annotation${suggestion ? ` (did you mean ${suggestion}?)` : ""}: the injector ignores it` });
      continue;
    }
    const problem = check(String(value));
    if (problem) problems.push({ key, value: String(value), unknown: false, problem });
  }
  return problems;
}

function closest(key: string): string | undefined {
  return nearestWithin(key, SIDECAR_ANNOTATIONS.keys(), 3);
}

/** ProxyConfig (MeshConfig.defaultConfig) fields that the proxy.istio.io/config annotation may set. */
const PROXY_CONFIG_FIELDS = new Set([
  "configPath",
  "binaryPath",
  "serviceCluster",
  "drainDuration",
  "parentShutdownDuration",
  "discoveryAddress",
  "discoveryRefreshDelay",
  "zipkinAddress",
  "statsdUdpAddress",
  "proxyAdminPort",
  "controlPlaneAuthPolicy",
  "customConfigFile",
  "statNameLength",
  "concurrency",
  "proxyBootstrapTemplatePath",
  "interceptionMode",
  "tracing",
  "sds",
  "envoyAccessLogService",
  "envoyMetricsService",
  "proxyMetadata",
  "runtimeValues",
  "statusPort",
  "extraStatTags",
  "gatewayTopology",
  "terminationDrainDuration",
  "meshId",
  "readinessProbe",
  "proxyStatsMatcher",
  "holdApplicationUntilProxyStarts",
  "caCertificatesPem",
  "image",
  "privateKeyProvider",
  "proxyHeaders",
  "fileFlushInterval",
  "fileFlushMinSizeKb",
  "statsCompression",
  "clusterName",
  "envoyMetricsServiceAddress",
  "envoyAccessLogServiceAddress",
]);

/** Unknown fields and wrong types in a ProxyConfig (annotation or MeshConfig.defaultConfig). */
export function proxyConfigProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!PROXY_CONFIG_FIELDS.has(key)) {
      const near = [...PROXY_CONFIG_FIELDS].find((field) => editDistance(field.toLowerCase(), key.toLowerCase()) <= 2);
      problems.push(`unknown ProxyConfig field "${key}"${near ? ` (did you mean ${near}?)` : ""}`);
      continue;
    }
    if (key === "holdApplicationUntilProxyStarts" && typeof value !== "boolean") problems.push(`holdApplicationUntilProxyStarts must be true or false, not ${JSON.stringify(value)}`);
    if (key === "concurrency" && !(Number.isInteger(value) && (value as number) >= 0)) problems.push(`concurrency must be a non-negative integer, not ${JSON.stringify(value)}`);
    if (key === "proxyMetadata" && (typeof value !== "object" || value === null || Array.isArray(value) || Object.values(value).some((entry) => typeof entry !== "string"))) {
      problems.push("proxyMetadata must map names to string values (quote true/false and numbers)");
    }
    if (key === "interceptionMode" && !["REDIRECT", "TPROXY", "NONE"].includes(String(value))) problems.push(`interceptionMode must be REDIRECT, TPROXY or NONE, not ${JSON.stringify(value)}`);
  }
  return problems;
}

/** Problems in a ProxyConfig resource (networking.istio.io/v1beta1): selector, concurrency, environmentVariables, image. */
export function proxyConfigResourceProblems(spec: Record<string, unknown> | undefined): Array<{ path: string[]; problem: string }> {
  const problems: Array<{ path: string[]; problem: string }> = [];
  for (const [key, value] of Object.entries(spec ?? {})) {
    if (!["selector", "concurrency", "environmentVariables", "image"].includes(key)) {
      problems.push({ path: ["spec", key], problem: `unknown field spec.${key} (ProxyConfig has selector, concurrency, environmentVariables, image)` });
      continue;
    }
    if (key === "concurrency" && !(Number.isInteger(value) && (value as number) >= 0)) problems.push({ path: ["spec", key], problem: `spec.concurrency must be a non-negative integer, not ${JSON.stringify(value)}` });
    if (key === "environmentVariables" && (typeof value !== "object" || value === null || Object.values(value).some((entry) => typeof entry !== "string"))) {
      problems.push({ path: ["spec", key], problem: "spec.environmentVariables must map names to string values" });
    }
    if (key === "image") {
      const imageType = (value as { imageType?: unknown } | null)?.imageType;
      if (imageType !== undefined && !["default", "debug", "distroless"].includes(String(imageType))) {
        problems.push({ path: ["spec", "image", "imageType"], problem: `spec.image.imageType must be default, debug or distroless, not ${JSON.stringify(imageType)}` });
      }
    }
    if (key === "selector" && (typeof value !== "object" || value === null || typeof (value as { matchLabels?: unknown }).matchLabels !== "object")) {
      problems.push({ path: ["spec", key], problem: "spec.selector must have matchLabels" });
    }
  }
  return problems;
}
