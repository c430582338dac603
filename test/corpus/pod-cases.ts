import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diagnosePod, type PodFlags } from "../../src/cli/commands/pod.js";

/** The real pod cases of ../shared/cases/pods, read at run time (never copied here). */
export const CASES_DIR = resolve(__dirname, "../../../shared/cases/pods");

export interface PodCase {
  id: string;
  evidence: Array<{ kind: "file" | "events" | "logs" | "previous-logs"; name: string }>;
  expected: string[];
}

export function readCases(): PodCase[] {
  const tsv = join(CASES_DIR, "cases.tsv");
  if (!existsSync(tsv)) return [];
  return readFileSync(tsv, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t"))
    .map(([id, evidence, expected]) => ({
      id: id!,
      evidence: evidence!.split(" ").map((item) => {
        const [kind, name] = item.split("=");
        return { kind: kind as PodCase["evidence"][number]["kind"], name: name! };
      }),
      expected: expected!.split("|"),
    }));
}

function flagsFor(files: Array<{ kind: PodCase["evidence"][number]["kind"]; path: string }>): PodFlags {
  const of = (kind: string) => files.filter((file) => file.kind === kind).map((file) => file.path);
  return { filename: of("file"), events: of("events"), logs: of("logs"), previousLogs: of("previous-logs"), output: "json", failOn: "none" } as PodFlags;
}

/** `ktriage pod -f F --events F --logs F --previous-logs F`, in process; the first finding's category (or "none"). */
export async function firstCategory(testCase: PodCase, transform?: (text: string, name: string) => string): Promise<{ category: string; summary: string; commands: string[] }> {
  let files = testCase.evidence.map((item) => ({ kind: item.kind, path: join(CASES_DIR, item.name) }));
  if (transform) {
    const dir = mkdtempSync(join(tmpdir(), `ktriage-case-${testCase.id}-`));
    files = files.map((file, index) => {
      const path = join(dir, `${index}-${file.path.split("/").pop()}`);
      writeFileSync(path, transform(readFileSync(file.path, "utf8"), file.path));
      return { kind: file.kind, path };
    });
  }
  const { findings } = await diagnosePod(undefined, flagsFor(files));
  const first = findings[0];
  return { category: first?.category ?? "none", summary: first?.summary ?? "", commands: [...(first?.fix?.commands ?? []), ...(first?.verify ?? [])] };
}
