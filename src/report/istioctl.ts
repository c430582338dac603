import type { Report } from "./report.js";

const LEVEL = { error: "Error", warning: "Warning", info: "Info" } as const;

/** Lines as `istioctl analyze` prints them: `Error [IST0101] (VirtualService default/reviews vs.yaml:14) message`. */
export function renderIstioctl(report: Report): string {
  const lines = report.findings.map((f) => {
    const code = f.equivalents.find((e) => /^IST\d{4}$/.test(e)) ?? f.rule;
    const r = f.resource;
    const name = r.namespace ? `${r.namespace}/${r.name}` : r.name;
    const where = r.file ? ` ${r.file}${r.line ? `:${r.line}` : ""}` : "";
    return `${LEVEL[f.severity]} [${code}] (${r.kind} ${name}${where}) ${f.message ?? f.summary}`;
  });
  if (lines.length === 0) return "✔ No validation issues found.\n";
  return lines.join("\n") + "\n";
}
