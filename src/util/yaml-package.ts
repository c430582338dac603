import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let loaded: typeof Yaml | undefined;

/**
 * The yaml package (the YAML document model: positions, YAML output), loaded the first time it is needed:
 * most runs read YAML with js-yaml alone and never need it. require() in the command line's bundle, which
 * holds the package; Node's require from this file elsewhere (the module tree, tests).
 */
export function yamlPackage(): typeof Yaml {
  return (loaded ??= (typeof require === "function" ? require("yaml") : createRequire(import.meta.url)("yaml")) as typeof Yaml);
}
