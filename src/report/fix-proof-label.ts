import type { Fix } from "../model/finding.js";

const PLACEHOLDER = /<[^<>\n]+>/;

/** What the engine's proof of a fix says, as reporters print it beside "Fix". */
export function fixProofLabel(fix: Fix): { proven: boolean; text: string } | undefined {
  if (fix.proven === true) return { proven: true, text: "proven: applied to the view and re-checked" };
  if (fix.proven !== false) return undefined;
  const fillIn = fix.commands.some((command) => PLACEHOLDER.test(command)) || (fix.yaml !== undefined && PLACEHOLDER.test(fix.yaml.after)) ? "; fill in every <...>" : "";
  const proof = fix.proof ?? "check before running";
  return { proven: false, text: fix.checkedSafe ? `checked safe, not proven: ${proof}${fillIn}` : `guidance, not proven: ${proof}${fillIn}` };
}
