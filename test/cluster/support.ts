import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Finding } from "../../src/model/finding.js";

export const repoRoot = resolve(import.meta.dirname, "../..");
export const cliPath = join(repoRoot, "dist", "cli.js");

const ELAPSED = /\b\d+(?:\.\d+)?(?:ms|s|m|h|d)(?:\d+(?:\.\d+)?(?:ms|s|m))*\b/g;

/**
 * What must be equal between two runs over the same cluster state: everything
 * but where the evidence was read from. Runs made at different moments (two
 * commands one after the other) may differ in durations measured from "now"
 * ("next start due in 62s"): `atDifferentTimes` masks durations, nothing else.
 */
export function comparable(findings: readonly Finding[], options: { atDifferentTimes?: boolean } = {}) {
  const text = (value: string) => (options.atDifferentTimes ? value.replace(ELAPSED, "<duration>") : value);
  return findings
    .map((finding) => ({
      rule: finding.rule,
      category: finding.category,
      severity: finding.severity,
      confidence: finding.confidence,
      resource: { kind: finding.resource.kind, namespace: finding.resource.namespace, name: finding.resource.name, container: finding.resource.container },
      summary: text(finding.summary),
      cause: text(finding.cause),
      // A pod spec read from a snapshot file is "manifest" evidence (with file:line), from the API "spec".
      evidence: finding.evidence.map((item) => ({ source: item.source === "manifest" ? "spec" : item.source, text: text(item.text) })),
      fix: finding.fix ? { description: finding.fix.description, yaml: finding.fix.yaml, patch: finding.fix.patch, commands: finding.fix.commands } : undefined,
      verify: finding.verify,
      equivalents: finding.equivalents,
      symptoms: finding.symptoms,
    }))
    .sort((a, b) => JSON.stringify(a.resource).localeCompare(JSON.stringify(b.resource)) || a.rule.localeCompare(b.rule));
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (the tests run the built CLI, as users do). */
export function ensureBuiltCli(): void {
  if (existsSync(cliPath) && statSync(cliPath).mtimeMs >= newestMtime(join(repoRoot, "src"))) return;
  process.stderr.write("[cluster tests] building dist/ for the CLI tests\n");
  const build = spawnSync("npm", ["run", "build"], { cwd: repoRoot, encoding: "utf8" });
  if (!existsSync(cliPath)) {
    // Type errors elsewhere in the tree still emit JavaScript; the CLI needs only that.
    spawnSync(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], { cwd: repoRoot, stdio: "ignore" });
  }
  if (!existsSync(cliPath)) throw new Error(`could not build ${cliPath}: ${build.stderr?.slice(-2000)}`);
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", KUBECONFIG: "", ...env },
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stack trace in output looks like "    at fn (file:line:col)". */
export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
