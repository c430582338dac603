/** One line of a unified diff: ` ` context, `-` removed, `+` added. */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

export interface DiffHunk {
  /** 1-based first line and line count in the old and new text, as in `@@ -a,b +c,d @@`. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** Above this many cells the longest-common-subsequence table is not built: the whole text is replaced. */
const MAX_TABLE_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The line-by-line edit script from `before` to `after` (longest common subsequence). */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ op: " ", text }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ op: " ", text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_TABLE_CELLS) {
    return [...head, ...midA.map((text) => ({ op: "-" as const, text })), ...midB.map((text) => ({ op: "+" as const, text })), ...tail];
  }
  // lengths[i * (m + 1) + j]: LCS length of midA[i..] and midB[j..]
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] = midA[i] === midB[j] ? lengths[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lengths[(i + 1) * (m + 1) + j]!, lengths[i * (m + 1) + j + 1]!);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) {
      middle.push({ op: " ", text: midA[i]! });
      i++;
      j++;
    } else if (lengths[(i + 1) * (m + 1) + j]! >= lengths[i * (m + 1) + j + 1]!) {
      middle.push({ op: "-", text: midA[i++]! });
    } else {
      middle.push({ op: "+", text: midB[j++]! });
    }
  }
  while (i < n) middle.push({ op: "-", text: midA[i++]! });
  while (j < m) middle.push({ op: "+", text: midB[j++]! });
  return [...head, ...middle, ...tail];
}

/** Hunks with `context` unchanged lines around each change, as `diff -u` groups them. */
export function unifiedHunks(before: string, after: string, context = 3): DiffHunk[] {
  const lines = diffLines(before, after);
  const hunks: DiffHunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  const positions = lines.map((line) => {
    const at = { old: oldLine, new: newLine };
    if (line.op !== "+") oldLine++;
    if (line.op !== "-") newLine++;
    return at;
  });
  let index = 0;
  while (index < lines.length) {
    if (lines[index]!.op === " ") {
      index++;
      continue;
    }
    const first = Math.max(0, index - context);
    let last = index;
    let scan = index;
    while (scan < lines.length) {
      if (lines[scan]!.op !== " ") {
        last = scan;
        scan++;
        continue;
      }
      if (scan - last > 2 * context) break;
      scan++;
    }
    const end = Math.min(lines.length - 1, last + context);
    const slice = lines.slice(first, end + 1);
    hunks.push({
      oldStart: positions[first]!.old,
      oldLines: slice.filter((line) => line.op !== "+").length,
      newStart: positions[first]!.new,
      newLines: slice.filter((line) => line.op !== "-").length,
      lines: slice,
    });
    index = end + 1;
  }
  return hunks;
}

/** `@@ -a,b +c,d @@` headers and lines, as `diff -u` prints them (an empty side starts at line 0). */
export function formatHunks(hunks: readonly DiffHunk[]): string[] {
  const out: string[] = [];
  for (const hunk of hunks) {
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
    out.push(`@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) out.push(`${line.op}${line.text}`);
  }
  return out;
}

/** Applies hunks to `before` (checking every context and removed line); undefined when they do not apply. */
export function applyHunks(before: string, hunks: readonly DiffHunk[]): string | undefined {
  const source = splitLines(before);
  const out: string[] = [];
  let cursor = 0;
  for (const hunk of hunks) {
    const start = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart - 1;
    if (start < cursor) return undefined;
    out.push(...source.slice(cursor, start));
    cursor = start;
    for (const line of hunk.lines) {
      if (line.op === "+") {
        out.push(line.text);
        continue;
      }
      if (source[cursor] !== line.text) return undefined;
      if (line.op === " ") out.push(line.text);
      cursor++;
    }
  }
  out.push(...source.slice(cursor));
  return out.join("\n");
}

/** Parses `@@` hunks as formatHunks prints them. */
export function parseHunks(lines: readonly string[]): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let current: DiffHunk | undefined;
  for (const line of lines) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(line);
    if (header) {
      const [oldStart, oldLines, newStart, newLines] = header.slice(1).map(Number) as [number, number, number, number];
      current = { oldStart: oldLines === 0 ? oldStart + 1 : oldStart, oldLines, newStart: newLines === 0 ? newStart + 1 : newStart, newLines, lines: [] };
      hunks.push(current);
      continue;
    }
    const op = line[0];
    if (current && (op === " " || op === "-" || op === "+")) current.lines.push({ op, text: line.slice(1) });
  }
  return hunks;
}
