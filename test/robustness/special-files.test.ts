// Regression files for inputs that were read forever or silently gave "No problems found": a FIFO
// (and a device) given as a file or found in a folder, a folder of symbolic links to manifests,
// a symbolic link to a folder, a link loop and a dangling link.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

const broken = resolve(import.meta.dirname, "../../examples/manifests/broken");
const dir = mkdtempSync(join(tmpdir(), "ktriage-special-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, "pipe.yaml");
execFileSync("mkfifo", [fifo]);

function lintJson(args: string[]) {
  return runCli(["lint", ...args, "-o", "json", "--fail-on", "none"]);
}

describe("special files", () => {
  it("a FIFO given as a file is named and skipped at once, never read forever; nothing else given: exit 2", async () => {
    const run = await runCli(["lint", fifo]);
    expect(run.crash).toBeUndefined();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${fifo}: a FIFO (named pipe), not a regular file: skipped`);
    expect(run.stdout).not.toMatch(/No problems found/);
  }, 20_000);

  it("a FIFO and /dev/zero beside real manifests cost only themselves", async () => {
    const folder = join(dir, "with-fifo");
    mkdirSync(folder);
    copyFileSync(join(broken, "workloads.yaml"), join(folder, "workloads.yaml"));
    execFileSync("mkfifo", [join(folder, "stream.yaml")]);
    const run = await lintJson([folder, "-f", "/dev/zero"]);
    expect(run.crash).toBeUndefined();
    const report = JSON.parse(run.stdout) as { findings: Array<{ resource: { file?: string } }>; inputs: { problems: Array<{ file: string; message: string }> } };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding) => finding.resource.file === join(folder, "workloads.yaml"))).toBe(true);
    const named = report.inputs.problems.map((problem) => `${problem.file}: ${problem.message}`);
    expect(named).toContainEqual(expect.stringMatching(new RegExp(`^${join(folder, "stream.yaml")}: a FIFO \\(named pipe\\), not a regular file: skipped`)));
    expect(named).toContainEqual(expect.stringMatching(/^\/dev\/zero: a character device, not a regular file: skipped/));
  }, 20_000);

  it("a link to a file of the same folder is read once, also when the folder is given by a symbolic link", async () => {
    const folder = join(dir, "real-folder");
    mkdirSync(folder);
    copyFileSync(join(broken, "workloads.yaml"), join(folder, "a.yaml"));
    symlinkSync(join(folder, "a.yaml"), join(folder, "b.yaml"));
    const via = join(dir, "via-link");
    symlinkSync(folder, via);
    const run = await lintJson([via]);
    const report = JSON.parse(run.stdout) as { inputs: { problems: Array<{ file: string; message: string }> } };
    const named = report.inputs.problems.map((problem) => `${problem.file}: ${problem.message}`);
    expect(named).toContainEqual(`${join(via, "b.yaml")}: the same file as another one in the folder (a symbolic link to ${realpathSync(join(folder, "a.yaml"))}): read once`);
  }, 20_000);

  it("a folder of symbolic links to manifests is read like the files, with the same findings", async () => {
    const links = join(dir, "links");
    mkdirSync(links);
    for (const file of ["workloads.yaml", "networking.yaml"]) symlinkSync(join(broken, file), join(links, file));
    const copies = join(dir, "copies");
    mkdirSync(copies);
    for (const file of ["workloads.yaml", "networking.yaml"]) copyFileSync(join(broken, file), join(copies, file));
    const viaLinks = JSON.parse((await lintJson([links])).stdout) as { findings: Array<{ rule: string; resource: { name: string } }> };
    const viaCopies = JSON.parse((await lintJson([copies])).stdout) as { findings: Array<{ rule: string; resource: { name: string } }> };
    expect(viaLinks.findings.length).toBeGreaterThan(0);
    const shape = (findings: Array<{ rule: string; resource: { name: string } }>) => findings.map((finding) => `${finding.rule} ${finding.resource.name}`).sort();
    expect(shape(viaLinks.findings)).toEqual(shape(viaCopies.findings));
  }, 20_000);

  it("a symbolic link to a folder, a loop and a dangling link: each named, the real files read once", async () => {
    const tree = join(dir, "tree");
    mkdirSync(join(tree, "apps"), { recursive: true });
    copyFileSync(join(broken, "workloads.yaml"), join(tree, "apps", "workloads.yaml"));
    symlinkSync(join(tree, "apps"), join(tree, "apps-again"));
    symlinkSync(tree, join(tree, "apps", "up"));
    symlinkSync(join(tree, "gone.yaml"), join(tree, "dangling.yaml"));
    const run = await lintJson([tree]);
    expect(run.crash).toBeUndefined();
    const report = JSON.parse(run.stdout) as { findings: Array<{ rule: string; resource: { name: string } }>; inputs: { problems: Array<{ file: string; message: string }> } };
    const once = JSON.parse((await lintJson([join(broken, "workloads.yaml")])).stdout) as { findings: unknown[] };
    expect(report.findings).toHaveLength(once.findings.length);
    const messages = report.inputs.problems.map((problem) => `${problem.file}: ${problem.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/dangling\.yaml: a symbolic link that cannot be followed: no such file or directory/));
    expect(messages.some((message) => /a symbolic link to a folder already read/.test(message))).toBe(true);
  }, 20_000);
});
