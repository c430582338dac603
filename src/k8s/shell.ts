/**
 * A small reading of `sh -c` scripts: the statements at the top level (not
 * inside if/case/loops/functions/braces/subshells), each with whether it is
 * guarded by `||` / `&&`.
 */
export interface Statement {
  text: string;
  guarded: boolean;
}

const OPENERS = /^(if|case|while|until|for|select)\b/;
const CLOSERS = /^(fi|esac|done)\b/;

export function topLevelStatements(script: string): Statement[] {
  const statements: Statement[] = [];
  let depth = 0;
  const pieces = script
    .replace(/\\\n/g, " ")
    .split(/\n|;(?!;)/)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== "" && !piece.startsWith("#"));
  for (const piece of pieces) {
    const words = piece.split(/\s+/);
    const first = words[0] ?? "";
    const opensBlock = OPENERS.test(first) || /\(\)\s*\{?$/.test(piece) || first === "{" || (first.startsWith("(") && !piece.includes(")"));
    const closesBlock = CLOSERS.test(first) || first === "}" || first === ")";
    if (closesBlock) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth === 0 && !opensBlock) statements.push({ text: piece, guarded: /\|\||&&/.test(piece) });
    if (opensBlock) depth++;
    // Single-line blocks: `if x; then y; fi` is split into pieces, so closers are seen separately.
  }
  return statements;
}

/** `exit 3` / `exit $?` ... -> the literal status, when it is a number. */
export function exitStatus(statement: string): number | undefined {
  const match = /^exit(?:\s+(\d+))?$/.exec(statement.trim());
  if (!match) return undefined;
  return match[1] === undefined ? undefined : Number(match[1]);
}
