import { parseBoundedYaml as parse } from "../util/bounded-yaml.js";
import type { FieldLocator, KubeObject } from "../model/kube.js";
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
export function addMeshConfigFromObjects(objects: readonly KubeObject[], file: string, builder: ViewBuilder): void {
  for (const object of objects) {
    if (object.kind !== "ConfigMap") continue;
    const name = object.metadata.name ?? "";
    if (name !== "istio" && !name.startsWith("istio-")) continue;
    if (name !== "istio" && !/^istio-[a-z0-9-]+$/.test(name)) continue;
    const data = (object.data ?? {}) as Record<string, unknown>;
    if (name === "istio" || typeof data.mesh === "string") {
      if (typeof data.mesh === "string" && (name === "istio" || !builder.hasMeshConfig())) {
        const mesh = parseMeshConfigText(data.mesh, file, builder);
        if (mesh) builder.setMeshConfig(mesh);
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
