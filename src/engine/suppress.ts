import type { Finding } from "../model/finding.js";
import type { ClusterView } from "../view/cluster-view.js";

/** The annotation istioctl honours on any resource: IST codes (comma-separated) or `*` not to report on it. */
export const SUPPRESS_ANNOTATION = "galley.istio.io/analyze-suppress";

/** A finding left out because the user asked for its Istio code not to be reported on that resource. */
export interface SuppressedFinding {
  rule: string;
  code: string;
  resource: string;
  by: "annotation" | "--suppress";
  /** The finding itself, for commands that narrow what they report (lint's PATHs, -l, one pod); not in the JSON. */
  finding: Finding;
}

/**
 * `--suppress` values as istioctl takes them: `CODE=Kind name.namespace` (`IST0102=Namespace frod`,
 * `IST0101=VirtualService *.default`); `*` matches any run of characters in the resource. CODE may
 * also be a ktriage rule id (`manifest/cpu-unset=Deployment *.batch`).
 */
export interface SuppressRule {
  code: string;
  resource: RegExp;
}

export function parseSuppressRule(value: string): SuppressRule | undefined {
  const match = /^(IST\d{4}|[a-z]+\/[a-z0-9-]+)=(\S+) (\S+)$/.exec(value.trim());
  if (!match) return undefined;
  const pattern = `${match[2]} ${match[3]}`.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return { code: match[1]!, resource: new RegExp(`^${pattern}$`) };
}

/** `Kind name.namespace`, as istioctl names resources in --suppress. */
function istioctlName(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind} ${r.name}${r.namespace ? `.${r.namespace}` : ""}`;
}

/**
 * Splits findings into those to report and those the user suppressed: by the analyze-suppress
 * annotation on the resource, or by a --suppress rule naming one of its IST codes or its rule id.
 * A finding is left out when any of its IST codes is suppressed, as in istioctl.
 */
export function applySuppressions(view: ClusterView, findings: Finding[], rules: readonly SuppressRule[]): { kept: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const codes = finding.equivalents.filter((code) => /^IST\d{4}$/.test(code));
    const byRule = rules.find((rule) => rule.code === finding.rule && rule.resource.test(istioctlName(finding)));
    const hit = byRule ? { code: finding.rule, by: "--suppress" as const } : codes.length > 0 ? suppression(view, finding, codes, rules) : undefined;
    if (hit) suppressed.push({ rule: finding.rule, code: hit.code, resource: istioctlName(finding), by: hit.by, finding });
    else kept.push(finding);
  }
  return { kept, suppressed };
}

function suppression(view: ClusterView, finding: Finding, codes: string[], rules: readonly SuppressRule[]): { code: string; by: SuppressedFinding["by"] } | undefined {
  const name = istioctlName(finding);
  for (const rule of rules) {
    if (codes.includes(rule.code) && rule.resource.test(name)) return { code: rule.code, by: "--suppress" };
  }
  const r = finding.resource;
  const value = view.get(r.kind, r.namespace, r.name)?.metadata?.annotations?.[SUPPRESS_ANNOTATION];
  if (typeof value !== "string") return undefined;
  const listed = value.split(",").map((code) => code.trim());
  if (listed.includes("*")) return { code: codes[0]!, by: "annotation" };
  const code = codes.find((candidate) => listed.includes(candidate));
  return code ? { code, by: "annotation" } : undefined;
}
