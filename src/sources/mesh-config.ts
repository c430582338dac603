import { parseBoundedYaml as parse } from "../util/bounded-yaml.js";
import type { FieldLocator, KubeObject } from "../model/kube.js";
import type { MeshConfig } from "../model/mesh-config.js";
import { isObject } from "../k8s/pod-templates.js";
import { BlockYamlLines } from "./yaml-lines.js";
import type { ViewBuilder } from "../view/builder.js";

/** Parses a MeshConfig or MeshNetworks YAML document; problems go to the builder. */
export function parseMeshConfigText(text: string, file: string, builder: ViewBuilder): Record<string, any> | undefined {
  try {
    const value = parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, any>;
    builder.addProblem({ file, line: 1 }, "mesh config is not a YAML mapping");
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? (error as { line?: number }).line;
    builder.addProblem({ file, line }, `mesh config is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  return undefined;
}

/** The `istio` ConfigMap in istio-system holds MeshConfig under `mesh` and MeshNetworks under `meshNetworks`. */
export function addMeshConfigFromObjects(objects: readonly KubeObject[], file: string, builder: ViewBuilder, locateOf?: (object: KubeObject) => FieldLocator | undefined): void {
  for (const object of objects) {
    if (object.kind !== "ConfigMap") continue;
    const name = object.metadata.name ?? "";
    if (name !== "istio" && !name.startsWith("istio-")) continue;
    if (name !== "istio" && !/^istio-[a-z0-9-]+$/.test(name)) continue;
    const data = (object.data ?? {}) as Record<string, unknown>;
    if (name === "istio" || typeof data.mesh === "string") {
      if (typeof data.mesh === "string" && (name === "istio" || !builder.hasMeshConfig())) {
        const mesh = parseMeshConfigText(data.mesh, file, builder);
        if (mesh) setMeshConfig(mesh, builder, file, { line: locateOf?.(object)?.(["data", "mesh"]) });
      }
      if (typeof data.meshNetworks === "string") {
        const networks = parseMeshConfigText(data.meshNetworks, file, builder);
        if (networks) builder.setMeshNetworks(networks, { file });
      }
    }
  }
}

/** Field lines of a block-style MeshConfig/MeshNetworks file: the deepest part of the path that is found. */
export function meshTextLocator(text: string): FieldLocator {
  let lines: BlockYamlLines | undefined;
  return (path) => (lines ??= new BlockYamlLines(text, 1)).deepestLineOf(path);
}

/** A MeshConfig problem at a field path; the caller gives it a file and line. */
interface MeshConfigProblem {
  path: Array<string | number>;
  message: string;
}

/** The typed MeshConfig of a parsed document; fields of the wrong type become problems and are left out. */
export function typedMeshConfig(document: Record<string, unknown>): { config: MeshConfig; problems: MeshConfigProblem[] } {
  const problems: MeshConfigProblem[] = [];
  const config: MeshConfig = {};
  const wrong = (path: Array<string | number>, expected: string) => problems.push({ path, message: `mesh config: ${path.join(".")} is not ${expected}; it is read as unset` });
  const present = (value: unknown) => value !== undefined && value !== null;
  const string = (key: "rootNamespace" | "trustDomain" | "accessLogFormat") => {
    const value = document[key];
    if (typeof value === "string") config[key] = value;
    else if (present(value)) wrong([key], "a string");
  };
  const list = (key: "defaultServiceExportTo" | "defaultVirtualServiceExportTo" | "defaultDestinationRuleExportTo") => {
    const value = document[key];
    if (Array.isArray(value)) config[key] = value.map(String);
    else if (present(value)) wrong([key], "a list");
  };
  string("rootNamespace");
  string("trustDomain");
  string("accessLogFormat");
  list("defaultServiceExportTo");
  list("defaultVirtualServiceExportTo");
  list("defaultDestinationRuleExportTo");
  if (Array.isArray(document.trustDomainAliases)) config.trustDomainAliases = stringsOf(document.trustDomainAliases, ["trustDomainAliases"], wrong);
  else if (present(document.trustDomainAliases)) wrong(["trustDomainAliases"], "a list of strings");
  if (typeof document.enableAutoMtls === "boolean") config.enableAutoMtls = document.enableAutoMtls;
  else if (present(document.enableAutoMtls)) wrong(["enableAutoMtls"], "true or false");
  if ("accessLogFile" in document) {
    const file = document.accessLogFile;
    config.accessLogFile = typeof file === "string" ? file : "";
    if (present(file) && typeof file !== "string") wrong(["accessLogFile"], "a string");
  }
  const outbound = document.outboundTrafficPolicy;
  if (isObject(outbound)) {
    config.outboundTrafficPolicy = {};
    if (typeof outbound.mode === "string") config.outboundTrafficPolicy.mode = outbound.mode;
    else if (present(outbound.mode)) wrong(["outboundTrafficPolicy", "mode"], "a string");
  } else if (present(outbound)) wrong(["outboundTrafficPolicy"], "a mapping");
  const providers = document.defaultProviders;
  if (isObject(providers)) {
    config.defaultProviders = {};
    for (const section of ["accessLogging", "tracing", "metrics"] as const) {
      const names = providers[section];
      if (Array.isArray(names)) config.defaultProviders[section] = stringsOf(names, ["defaultProviders", section], wrong);
      else if (present(names)) wrong(["defaultProviders", section], "a list of provider names");
    }
  } else if (present(providers)) wrong(["defaultProviders"], "a mapping");
  if (Array.isArray(document.extensionProviders)) {
    config.extensionProviders = document.extensionProviders.filter((provider, index) => isObject(provider) || (wrong(["extensionProviders", index], "a mapping"), false)) as Array<Record<string, unknown>>;
  } else if (present(document.extensionProviders)) wrong(["extensionProviders"], "a list");
  if (isObject(document.defaultConfig)) config.defaultConfig = document.defaultConfig;
  else if (present(document.defaultConfig)) wrong(["defaultConfig"], "a mapping of ProxyConfig fields");
  return { config, problems };
}

function stringsOf(items: readonly unknown[], path: Array<string | number>, wrong: (path: Array<string | number>, expected: string) => void): string[] {
  return items.filter((item, index) => typeof item === "string" || (wrong([...path, index], "a string"), false)) as string[];
}

/** Sets the typed MeshConfig of a parsed document; each problem is reported at its field's line (`locate`), else at `line`. */
export function setMeshConfig(document: Record<string, unknown>, builder: ViewBuilder, file: string, where: { locate?: FieldLocator; line?: number } = {}): void {
  const { config, problems } = typedMeshConfig(document);
  for (const problem of problems) builder.addProblem({ file, line: where.locate?.(problem.path) ?? where.line }, problem.message);
  builder.setMeshConfig(config);
}
