import { expect } from "vitest";
import { changesOf } from "../../src/engine/fix-proof.js";
import type { Finding } from "../../src/model/finding.js";

const CHANGING = /\bkubectl\s+(?:patch|apply|create|delete|replace|set|scale|label|annotate|edit|rollout\s+(?:undo|restart))\b/;

/** A proven fix prints the patch it proved; any other fix prints nothing that changes the cluster as printed. */
export function expectSafe(finding: Finding): void {
  const fix = finding.fix;
  if (!fix) return;
  expect(typeof fix.proven, `${finding.rule}: proven is set`).toBe("boolean");
  if (fix.proven) {
    for (const change of changesOf(fix)) expect(fix.change === undefined || fix.commands.some((c) => c.includes(change.patch)) || change.patch === fix.change.patch, `${finding.rule}: printed patch is the proven one`).toBe(true);
    return;
  }
  for (const command of fix.commands) {
    if (!CHANGING.test(command) || /--dry-run/.test(command)) continue;
    expect(/^#/.test(command) || /<[^<>]+>/.test(command), `${finding.rule}: "${command}" would run as printed`).toBe(true);
  }
}
