import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullProgram } from "../../src/cli/main.js";
import { commandTree } from "../../src/cli/commands/completion.js";
import { OUTPUT_FORMATS } from "../../src/report/index.js";
import { cliPath, ensureBuiltCli, repoRoot } from "../cluster/support.js";

// The generated bash script, sourced in a real bash, asked for completions the way bash asks
// (COMP_WORDS / COMP_CWORD, then the function `complete -F` registered).

let work: string;
let script: string;
let program: Command;

beforeAll(async () => {
  ensureBuiltCli();
  work = mkdtempSync(join(tmpdir(), "ktriage-completion-"));
  // `ktriage` on PATH, as an installed package puts it (the script calls it back for names).
  const bin = join(work, "bin");
  spawnSync("mkdir", [bin]);
  writeFileSync(join(bin, "ktriage"), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
  chmodSync(join(bin, "ktriage"), 0o755);
  const generated = spawnSync(process.execPath, [cliPath, "completion", "bash"], { encoding: "utf8" });
  expect(generated.status).toBe(0);
  script = join(work, "ktriage.bash");
  writeFileSync(script, generated.stdout);
  program = await fullProgram("ktriage");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Completions bash offers for each command line (the last word is the one being completed). */
function complete(lines: string[][]): string[][] {
  const queries = lines.map((words) => `ask ${words.map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(" ")}`).join("\n");
  const driver = `set -u
source '${script}'
ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMP_LINE="$*"; COMPREPLY=(); _ktriage; printf '%s\\n' "\${COMPREPLY[@]}" | sort; echo '--end--'; }
${queries}
`;
  const run = spawnSync("bash", ["--norc", "--noprofile", "-c", driver], { cwd: repoRoot, encoding: "utf8", env: { PATH: `${join(work, "bin")}:${process.env.PATH}`, HOME: work, KUBECONFIG: join(work, "no-kubeconfig") } });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return run.stdout.split("--end--\n").slice(0, lines.length).map((block) => block.split("\n").filter((line) => line !== ""));
}

describe("ktriage completion bash", () => {
  it("completes every command and subcommand of the tree", () => {
    const specs = commandTree(program).filter((spec) => spec.subcommands.length > 0);
    const answers = complete(specs.map((spec) => ["ktriage", ...spec.path.split(" ").filter(Boolean), ""]));
    specs.forEach((spec, index) => expect(answers[index]).toEqual([...spec.subcommands].sort()));
    expect(answers[0]).toEqual(expect.arrayContaining(["scan", "pod", "lint", "envoy", "mesh", "explain", "version", "completion"]));
    expect(answers[0]).not.toContain("__complete");
  });

  it("completes every flag of every command", () => {
    const specs = commandTree(program);
    const answers = complete(specs.map((spec) => ["ktriage", ...spec.path.split(" ").filter(Boolean), "-"]));
    specs.forEach((spec, index) => expect(answers[index]).toEqual([...new Set(spec.flags.flatMap((flag) => flag.names))].sort()));
    const scan = specs.find((spec) => spec.path === "scan")!;
    expect(scan.flags.flatMap((flag) => flag.names)).toEqual(expect.arrayContaining(["-o", "--output", "--fail-on", "--snapshot", "-n", "--sarif-root"]));
  });

  it("completes -o values, flag prefixes and fixed arguments", () => {
    const [output, prefix, failOn, what, shells] = complete([
      ["ktriage", "scan", "-o", ""],
      ["ktriage", "lint", "--fail"],
      ["ktriage", "scan", "--fail-on", "w"],
      ["ktriage", "envoy", "config", "li"],
      ["ktriage", "completion", ""],
    ]);
    expect(output).toEqual([...OUTPUT_FORMATS].sort());
    expect(prefix).toEqual(["--fail-on"]);
    expect(failOn).toEqual(["warning"]);
    expect(what).toEqual(["listeners"]);
    expect(shells).toEqual(["bash", "fish", "zsh"]);
  });

  it("completes namespaces and pods from the --snapshot on the command line, and explain topics", () => {
    const [namespaces, pods, inNamespace, topics] = complete([
      ["ktriage", "scan", "--snapshot", "examples/lab", "-n", "lab-o"],
      ["ktriage", "pod", "--snapshot", "examples/lab", "-n", "shop", "api-"],
      ["ktriage", "pod", "--snapshot", "examples/lab", "-n", "lab-oom", ""],
      ["ktriage", "explain", "pod/oom"],
    ]);
    expect(namespaces).toEqual(["lab-oom"]);
    expect(pods.length).toBeGreaterThan(1);
    expect(pods.every((name) => name.startsWith("api-"))).toBe(true);
    expect(inNamespace.length).toBeGreaterThan(0);
    expect(inNamespace.some((name) => name.startsWith("api-"))).toBe(false);
    expect(topics).toEqual(["pod/oom-killed"]);
  });

  it("skips flag values when it finds the command path, and completes files for -f", () => {
    const [afterValue, files] = complete([
      ["ktriage", "-n", "envoy", "envoy", ""],
      ["ktriage", "lint", "-f", "examples/manifests/brok"],
    ]);
    expect(afterValue).toContain("config");
    expect(files).toEqual(["examples/manifests/broken"]);
  });

  it("zsh and fish scripts come from the same tree", () => {
    const zsh = spawnSync(process.execPath, [cliPath, "completion", "zsh"], { encoding: "utf8" });
    expect(zsh.stdout).toMatch(/^#compdef ktriage kubectl-ktriage\n/);
    expect(zsh.stdout).toContain("bashcompinit");
    const fish = spawnSync(process.execPath, [cliPath, "completion", "fish"], { encoding: "utf8" }).stdout;
    for (const spec of commandTree(program)) for (const flag of spec.flags) {
      const long = flag.names.find((name) => name.startsWith("--"));
      if (long) expect(fish).toContain(` -l ${long.slice(2)}`);
    }
    expect(fish).toContain("-a 'text wide json yaml markdown sarif istioctl'".replace("text wide json yaml markdown sarif istioctl", OUTPUT_FORMATS.join(" ")));
    const unknown = spawnSync(process.execPath, [cliPath, "completion", "tcsh"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown shell "tcsh"/);
  });
});

describe("ktriage version", () => {
  it("prints the package version, and -o json", () => {
    const text = spawnSync(process.execPath, [cliPath, "version"], { encoding: "utf8" });
    expect(text.stdout).toMatch(/^ktriage \d+\.\d+\.\d+ \(Node\.js \d+\.\d+\.\d+, [a-z0-9]+\/[a-z0-9]+\)\n$/);
    const json = JSON.parse(spawnSync(process.execPath, [cliPath, "version", "-o", "json"], { encoding: "utf8" }).stdout) as Record<string, string>;
    expect(json.version).toBe(spawnSync(process.execPath, [cliPath, "--version"], { encoding: "utf8" }).stdout.trim());
    expect(json.tool).toBe("ktriage");
  });
});
