import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const script = resolve(__dirname, "../../scripts/control-plane/build.sh");
const dir = mkdtempSync(join(tmpdir(), "ktriage-cp-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The script with no Go on PATH and none where it looks next. */
function buildWithoutGo(cache: string) {
  return spawnSync("bash", [script], { encoding: "utf8", env: { HOME: dir, PATH: "/usr/bin:/bin", KTRIAGE_CP_CACHE: cache, KTRIAGE_GO_DIRS: join(dir, "no-go-here"), KUBERNETES_VERSION: "v1.33.13", KWOK_VERSION: "v0.7.0" } });
}

describe("scripts/control-plane/build.sh", () => {
  it("fails with one clear line when Go is missing and nothing is cached", () => {
    const result = buildWithoutGo(join(dir, "empty-cache"));
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^\[control-plane build\] ERROR: Go toolchain not found \(PATH or .*no-go-here\)\. Install Go >= 1\.24/);
    expect(result.stdout).toBe("");
  });

  it("needs no Go when the binaries are cached", () => {
    const bin = join(dir, "cache", "k8s-v1.33.13_kwok-v0.7.0", "bin");
    mkdirSync(bin, { recursive: true });
    for (const name of ["kube-apiserver", "etcd", "kwok"]) {
      writeFileSync(join(bin, name), "#!/bin/sh\n");
      chmodSync(join(bin, name), 0o755);
    }
    const result = buildWithoutGo(join(dir, "cache"));
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(bin);
  });
});
