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
      // \1 alone is a backreference (unsupported); \12 is an octal code; \8 and \9 are nothing.
      if (/[89]/.test(next) || (/[1-7]/.test(next) && !/[0-7]/.test(pattern[i + 2] ?? ""))) return `invalid escape sequence: \`\\${next}\``;
      if (/[A-Za-z]/.test(next) && !GO_ESCAPES.includes(next)) return `invalid escape sequence: \`\\${next}\``;
      if (next === "x" && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i);
        if (close > 0 && /^[0-9A-Fa-f]+$/.test(pattern.slice(i + 3, close)) && Number.parseInt(pattern.slice(i + 3, close), 16) > 0x10ffff) return `invalid escape sequence: \`${pattern.slice(i, close)}\``;
        i = close < 0 ? pattern.length : close;
        previous = "atom";
        continue;
      }
      if (next === "Q") {
        // \Q...\E is literal text.
        const end = pattern.indexOf("\\E", i + 2);
        i = end < 0 ? pattern.length : end + 1;
        previous = "atom";
        continue;
      }
      i++;
      previous = "atom";
      continue;
    }
    if (ch === "[") {
      const { end, error } = characterClass(pattern, i);
      if (error) return error;
      if (end < 0) return `missing closing ]: \`${pattern.slice(i)}\``;
      i = end;
      previous = "atom";
      continue;
    }
    if (ch === "(") {
      if (pattern[i + 1] === "?") {
        const group = perlGroup(pattern, i);
        if (group.error) return group.error;
        i = group.end;
        // A flags-only group, `(?i)`, adds nothing: a repetition after it applies to what came before.
        if (!group.opens) continue;
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
    const count = ch === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i)) : null;
    if (count) {
      // A brace that is no repeat count ({,3}, {2) is a literal.
      const [min, max] = [Number(count[1]), count[2] === undefined ? Number(count[1]) : count[3] === "" ? -1 : Number(count[3])];
      if (min > 1000 || max > 1000 || (max >= 0 && max < min)) return `invalid repeat count: \`${count[0]}\``;
      if (previous === "start") return `missing argument to repetition operator: \`${count[0]}\``;
      i += count[0].length - 1;
      previous = "repeat";
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

/**
 * The `(?...` forms Go accepts: flags `(?i)`, `(?i:re)`, named groups `(?P<name>re)` and
 * `(?<name>re)`; Perl's lookarounds and anything else are errors. `end` is the last character of
 * the group's head.
 */
function perlGroup(pattern: string, start: number): { end: number; opens: boolean; error?: string } {
  const head = pattern.slice(start, start + 4);
  if (/^\(\?[=!]/.test(head)) return { end: start, opens: false, error: `invalid or unsupported Perl syntax: \`${head.slice(0, 3)}\`` };
  if (head.startsWith("(?P<") || (head.startsWith("(?<") && !/^\(\?<[=!]/.test(head))) {
    const close = pattern.indexOf(">", start);
    const name = close < 0 ? "" : pattern.slice(start + (head.startsWith("(?P") ? 4 : 3), close);
    if (close < 0 || !/^[A-Za-z0-9_]+$/.test(name)) return { end: start, opens: false, error: `invalid named capture: \`${close < 0 ? pattern.slice(start) : pattern.slice(start, close + 1)}\`` };
    return { end: close, opens: true };
  }
  if (/^\(\?<[=!]/.test(head)) {
    // Go reads `(?<` as a named group whose name is not valid.
    const close = pattern.indexOf(">", start);
    return { end: start, opens: false, error: `invalid named capture: \`${close < 0 ? pattern.slice(start) : pattern.slice(start, close + 1)}\`` };
  }
  let j = start + 2;
  while (j < pattern.length && "imsU-".includes(pattern[j]!)) j++;
  if (pattern[j] === ")") return { end: j, opens: false };
  if (pattern[j] === ":") return { end: j, opens: true };
  return { end: start, opens: false, error: `invalid or unsupported Perl syntax: \`${pattern.slice(start, j + 1)}\`` };
}

/** The letters Go accepts after a backslash: \a \f \n \r \t \v, \x, \p \P, \d \D \s \S \w \W, \b \B \A \z, \Q...\E. */
const GO_ESCAPES = "afnrtvxpPdDsSwWbBAzQE";

const POSIX_CLASSES = new Set(["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"]);

/** The index of the `]` closing the class opened at `start` (-1 if none), or the error Go gives for a POSIX class it does not know or a range whose ends are reversed (plain characters only). */
function characterClass(pattern: string, start: number): { end: number; error?: string } {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  const first = i;
  for (; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "]" && i > first) return { end: i };
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "[" && pattern[i + 1] === ":") {
      const close = pattern.indexOf(":]", i + 2);
      if (close >= 0) {
        const name = pattern.slice(i + 2, close).replace(/^\^/, "");
        if (!POSIX_CLASSES.has(name)) return { end: -1, error: `invalid character class range: \`${pattern.slice(i, close + 2)}\`` };
        i = close + 1;
        continue;
      }
    }
    const [dash, high] = [pattern[i + 1], pattern[i + 2]];
    if (dash === "-" && high !== undefined && high !== "]" && high !== "\\" && high !== "[" && high < ch) return { end: -1, error: `invalid character class range: \`${ch}-${high}\`` };
  }
  return { end: -1 };
}

/** Istio's `validateStringRegexp`: at most 1024 characters, and RE2 syntax. */
export function regexProblem(pattern: string, where: string): string | undefined {
  if (pattern.length > 1024) return `"${where}": regex is too large, max length allowed is 1024`;
  const problem = re2SyntaxError(pattern);
  return problem ? `"${where}": error parsing regexp: ${problem}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)` : undefined;
}
