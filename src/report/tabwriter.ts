/**
 * Column alignment with the exact semantics of Go's text/tabwriter, which
 * istioctl uses for its tables: cells end at a tab, the last cell of a line
 * is not aligned, and a column's width is computed per block of consecutive
 * lines that have a cell in that column.
 */
export interface TabWriterOptions {
  minWidth: number;
  padding: number;
  padChar?: string;
}

interface Cell {
  text: string;
  width: number;
}

export class TabWriter {
  private buffer = "";
  private lines: Cell[][] = [];
  private widths: number[] = [];
  private output = "";

  constructor(private readonly options: TabWriterOptions) {}

  /** Adds text; `\t` ends a cell and `\n` ends a line, as with fmt.Fprint to a tabwriter. */
  write(text: string): this {
    this.buffer += text;
    return this;
  }

  /** Writes a line of cells joined by tabs. */
  row(...cells: Array<string | number | boolean>): this {
    return this.write(cells.map(String).join("\t") + "\n");
  }

  /** Formats everything written so far and returns it. */
  flush(): string {
    const rawLines = this.buffer.split("\n");
    // The text after the last newline is an unterminated line (empty when the text ends with a newline).
    this.lines = rawLines.map((line) => line.split("\t").map((text) => ({ text, width: runeCount(text) })));
    this.output = "";
    this.widths = [];
    this.format(0, this.lines.length);
    this.buffer = "";
    return this.output;
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= this.lines[current]!.length - 1) continue;
      this.writeLines(line0, current);
      line0 = current;
      let width = this.options.minWidth;
      for (; current < line1; current++) {
        const cells = this.lines[current]!;
        if (column >= cells.length - 1) break;
        const candidate = cells[column]!.width + this.options.padding;
        if (candidate > width) width = candidate;
      }
      this.widths.push(width);
      this.format(line0, current);
      this.widths.pop();
      line0 = current;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    const pad = this.options.padChar ?? " ";
    for (let index = line0; index < line1; index++) {
      const line = this.lines[index]!;
      let text = "";
      for (let column = 0; column < line.length; column++) {
        const cell = line[column]!;
        text += cell.text;
        if (column < this.widths.length) text += pad.repeat(Math.max(0, this.widths[column]! - cell.width));
      }
      this.output += index + 1 === this.lines.length ? text : text + "\n";
    }
  }
}

function runeCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
