/** A parsed kubectl label selector: `app=api,tier!=db,env in (prod,stage),!legacy,canary`. */
export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

export function parseLabelSelector(text: string): LabelSelector {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    if (term === "") continue;
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const [, key, op, list] = match;
      const values = new Set(list!.split(",").map((v) => v.trim()).filter(Boolean));
      requirements.push(op === "in" ? (l) => key! in l && values.has(l[key!]!) : (l) => !(key! in l) || !values.has(l[key!]!));
    } else if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term))) {
      const [, key, op, value] = match;
      requirements.push(op === "!=" ? (l) => l[key!] !== value : (l) => l[key!] === value);
    } else if ((match = /^!([\w./-]+)$/.exec(term))) {
      const key = match[1]!;
      requirements.push((l) => !(key in l));
    } else if ((match = /^([\w./-]+)$/.exec(term))) {
      const key = match[1]!;
      requirements.push((l) => key in l);
    } else {
      throw new Error(`invalid label selector "${text}": cannot read "${term}"`);
    }
  }
  return (labels) => requirements.every((requirement) => requirement(labels ?? {}));
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}
