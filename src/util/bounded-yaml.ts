import { yamlPackage } from "./yaml-package.js";
import { checkExpansion, LimitError, PARSE_LIMITS, yamlTooDeep } from "./limits.js";

/**
 * One YAML value (a MeshConfig, a ProxyConfig annotation) parsed within the
 * limits every input is held to: nesting depth checked before the parser
 * runs, aliases counted after. Throws LimitError or the parser's error.
 */
export function parseBoundedYaml(text: string): unknown {
  if (text.length > PARSE_LIMITS.maxYamlBytes) throw new LimitError(`is over ${PARSE_LIMITS.maxYamlBytes} bytes; not read`);
  const deep = yamlTooDeep(text);
  if (deep) throw new LimitError(`nests deeper than ${PARSE_LIMITS.maxDepth} levels; not read`, deep.line);
  let value: unknown;
  try {
    value = yamlPackage().parse(text, { maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof RangeError) throw new LimitError("is too deeply nested to read");
    throw error;
  }
  if (text.includes("*") || text.includes("<<")) checkExpansion(value, Math.max(PARSE_LIMITS.maxExpandedValues, text.length));
  return value;
}
