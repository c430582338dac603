import type { Finding } from "../model/finding.js";
import type { Report } from "./report.js";

const LEVEL = { error: "Error", warning: "Warning", info: "Info" } as const;

/** The IST code of a finding, else its first other equivalent (KIA...), else the rule id. */
export function primaryCode(finding: Finding): string {
  return finding.equivalents.find((code) => /^IST\d{4}$/.test(code)) ?? finding.equivalents.find((code) => /^KIA\d{4}$/.test(code)) ?? finding.rule;
}

/** `Error [IST0101] (VirtualService default/reviews vs.yaml:14) Referenced host+subset in destinationrule not found: "reviews+v3"` */
export function istioctlLine(finding: Finding): string {
  const r = finding.resource;
  const name = r.namespace ? `${r.namespace}/${r.name}` : r.name;
  const where = r.file ? ` ${r.file}${r.line ? `:${r.line}` : ""}` : "";
  return `${LEVEL[finding.severity]} [${primaryCode(finding)}] (${r.kind} ${name}${where}) ${finding.message ?? finding.summary}`;
}

/**
 * Lines as `istioctl analyze` prints them, each followed by ktriage's cause and
 * fix indented under it (so `grep '^Error'` still gives the istioctl lines).
 * `details: false` prints the istioctl lines alone.
 */
export function renderIstioctl(report: Report, options: { details?: boolean } = {}): string {
  const details = options.details ?? true;
  const out: string[] = [];
  for (const problem of report.inputs.problems) {
    out.push(`Error [IST0106] (${problem.origin.file}${problem.origin.line ? `:${problem.origin.line}` : ""}) ${problem.message}`);
  }
  for (const finding of report.findings) {
    out.push(istioctlLine(finding));
    if (!details) continue;
    out.push(`    Why: ${finding.cause}`);
    if (finding.fix) {
      out.push(`    Fix: ${finding.fix.description}`);
      if (finding.fix.yaml?.after) {
        if (finding.fix.yaml.target) out.push(`      # ${finding.fix.yaml.target}`);
        for (const line of finding.fix.yaml.after.split("\n")) out.push(`      ${line}`);
      }
      for (const command of finding.fix.commands) out.push(`      $ ${command}`);
    }
    for (const command of finding.verify.slice(0, 2)) out.push(`    Verify: ${command}`);
  }
  if (report.findings.length === 0 && report.inputs.problems.length === 0) return "✔ No validation issues found.\n";
  return out.join("\n") + "\n";
}
