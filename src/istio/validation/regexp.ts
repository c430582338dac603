/**
 * The RE2 syntax errors Istio's validation reports for a regular expression (Go's `regexp.Compile`,
 * https://github.com/google/re2/wiki/Syntax), worded as Go words them. Only the errors that can be
 * told without a full RE2 parser: parentheses and brackets that do not close, Perl's lookarounds
 * and backreferences (which RE2 does not support), and a repetition with nothing to repeat.
 * Anything else is accepted, so a pattern is never rejected where Go would accept it.
 */
export function re2SyntaxError(pattern: string): string | undefined {
  const openings: number[] = [];
  let previous: "start" | "atom" | "repeat" = "start";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) return "trailing backslash at end of expression: ``";
      if (/[1-9]/.test(next)) return `invalid escape sequence: \`\\${next}\``;
      i++;
      previous = "atom";
      continue;
    }
    if (ch === "[") {
      const end = classEnd(pattern, i);
      if (end < 0) return `missing closing ]: \`${pattern.slice(i)}\``;
      i = end;
      previous = "atom";
      continue;
    }
    if (ch === "(") {
      if (pattern[i + 1] === "?") {
        const head = pattern.slice(i, i + 4);
        if (/^\(\?[=!]/.test(head)) return `invalid or unsupported Perl syntax: \`${head.slice(0, 3)}\``;
        if (/^\(\?<[=!]/.test(head)) {
          // Go reads `(?<` as a named group whose name is not valid.
          const end = pattern.indexOf(">", i);
          return `invalid named capture: \`${end < 0 ? pattern.slice(i) : pattern.slice(i, end + 1)}\``;
        }
      }
      openings.push(i);
      previous = "start";
      continue;
    }
    if (ch === ")") {
      if (openings.length === 0) return `unexpected ): \`${pattern}\``;
      openings.pop();
      previous = "atom";
      continue;
    }
    if (ch === "|") {
      previous = "start";
      continue;
    }
    if (ch === "*" || ch === "+" || ch === "?") {
      if (previous === "start") return `missing argument to repetition operator: \`${ch}\``;
      // A `?` after a repetition makes it lazy; a second repetition is an error in RE2.
      if (previous === "repeat" && ch !== "?") return `invalid nested repetition operator: \`${pattern.slice(i - 1, i + 1)}\``;
      previous = "repeat";
      continue;
    }
    previous = "atom";
  }
  if (openings.length > 0) return `missing closing ): \`${pattern}\``;
  return undefined;
}

/** The index of the `]` closing the class opened at `start`, or -1. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "[" && pattern[i + 1] === ":") {
      const close = pattern.indexOf(":]", i + 2);
      if (close >= 0) i = close + 1;
    } else if (pattern[i] === "]") return i;
  }
  return -1;
}

/** Istio's `validateStringRegexp`: at most 1024 characters, and RE2 syntax. */
export function regexProblem(pattern: string, where: string): string | undefined {
  if (pattern.length > 1024) return `"${where}": regex is too large, max length allowed is 1024`;
  const problem = re2SyntaxError(pattern);
  return problem ? `"${where}": error parsing regexp: ${problem}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)` : undefined;
}
