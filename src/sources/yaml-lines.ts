/**
 * Line of a field in block-style YAML, found by indentation alone: the shape
 * Kubernetes manifests are written in (`key:` per line, `- ` list items). It
 * answers only when it finds the whole path; anything else (flow style,
 * anchors, multi-line keys) returns undefined and the caller uses the full
 * YAML parser. Much cheaper than building a syntax tree of every document.
 */
export class BlockYamlLines {
  private readonly lines: string[];

  /** `firstLine`: 1-based line of the document's first line in its file. */
  constructor(text: string, private readonly firstLine: number) {
    this.lines = text.split("\n");
  }

  /** The line of the deepest part of `path` that is found (the field itself when it exists). */
  deepestLineOf(path: ReadonlyArray<string | number>): number | undefined {
    for (let depth = path.length; depth > 0; depth--) {
      const line = this.lineOf(path.slice(0, depth));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  lineOf(path: ReadonlyArray<string | number>): number | undefined {
    const lines = this.lines;
    // The node being searched: its children start after `start`, are indented more than `indent`;
    // `inline` is the column where a list item's first key sits on the item's own line.
    let start = -1;
    let indent = -1;
    let inline: number | undefined;
    let found: number | undefined;
    for (const part of path) {
      let hit: { line: number; indent: number; inline?: number } | undefined;
      let childIndent: number | undefined;
      const consider = (index: number, column: number, content: string): boolean => {
        if (childIndent === undefined) childIndent = column;
        if (column !== childIndent) return false;
        if (typeof part === "number") {
          if (!content.startsWith("- ") && content !== "-") return false;
          if (part === counter++) {
            const rest = content.slice(1).trimStart();
            hit = { line: index, indent: column, inline: rest === "" ? undefined : column + (content.length - rest.length) };
            return true;
          }
          return false;
        }
        const key = keyOf(content);
        if (key === part) {
          hit = { line: index, indent: column };
          return true;
        }
        return false;
      };
      let counter = 0;
      if (inline !== undefined && typeof part === "string") {
        const content = lines[start]!.slice(inline);
        childIndent = inline;
        if (consider(start, inline, content)) {
          // The item's first key is on the item's own line.
        }
      }
      for (let index = start + 1; hit === undefined && index < lines.length; index++) {
        const line = lines[index]!;
        const column = indentationOf(line);
        if (column === undefined) continue;
        const sameIndentItem = column === indent && typeof part === "number" && line.charCodeAt(column) === 45;
        if (column <= indent && !sameIndentItem) break;
        if (inline !== undefined && column < inline) break;
        if (childIndent !== undefined && column < childIndent) break;
        if (consider(index, column, line.slice(column))) break;
      }
      if (!hit) return undefined;
      const { line, indent: column, inline: itemInline } = hit;
      found = line;
      start = line;
      indent = column;
      inline = itemInline;
    }
    return found === undefined ? undefined : found + this.firstLine;
  }
}

/** Column of the first character, or undefined for blank and comment lines. */
function indentationOf(line: string): number | undefined {
  let column = 0;
  while (column < line.length && line.charCodeAt(column) === 32) column++;
  if (column === line.length) return undefined;
  if (line.charCodeAt(column) === 35) return undefined;
  return column;
}

/** The key of a `key: value` line (plain or quoted), or undefined. */
function keyOf(content: string): string | undefined {
  const first = content.charCodeAt(0);
  if (first === 34 || first === 39) {
    const end = content.indexOf(String.fromCharCode(first), 1);
    if (end === -1 || content.charCodeAt(end + 1) !== 58) return undefined;
    return content.slice(1, end);
  }
  const match = /^([^\s:#{}[\],&*!|>'"%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(content);
  return match ? match[1] : undefined;
}
