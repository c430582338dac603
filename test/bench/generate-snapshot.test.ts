import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { viewFromPaths } from "../../src/sources/load-view.js";

const generator = resolve(__dirname, "../../bench/generate-snapshot.mjs");

describe("bench/generate-snapshot.mjs", () => {
  it("writes a snapshot the loader reads without problems, with the promised mix", () => {
    const out = mkdtempSync(join(tmpdir(), "ktriage-bench-test-"));
    try {
      const summary = JSON.parse(execFileSync(process.execPath, [generator, "--pods", "600", "--out", out], { encoding: "utf8" }));
      const view = viewFromPaths([out]);
      expect(view.inputs.problems).toEqual([]);
      const pods = view.kind("Pod");
      expect(pods).toHaveLength(600);
      expect(summary.pods).toBe(600);
      expect(view.events.length / pods.length).toBeGreaterThan(4.5);
      expect(view.events.length / pods.length).toBeLessThan(6);
      const healthy = pods.filter((pod) => pod.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True"));
      expect(healthy.length / pods.length).toBeGreaterThan(0.8);
      expect(healthy.length / pods.length).toBeLessThan(0.97);
      const reasons = new Set(pods.flatMap((pod) => (pod.status?.containerStatuses ?? []).flatMap((s: { state: { waiting?: { reason: string } }; lastState: { terminated?: { reason: string } } }) => [s.state.waiting?.reason, s.lastState.terminated?.reason])));
      for (const reason of ["CrashLoopBackOff", "OOMKilled", "ImagePullBackOff", "CreateContainerConfigError"]) expect(reasons).toContain(reason);
      expect(pods.some((pod) => pod.status?.phase === "Pending")).toBe(true);
      expect(view.logs.some((stream) => stream.previous)).toBe(true);
      for (const pod of pods) expect(view.ownerChain(pod).map((owner) => owner.kind)).toEqual(["ReplicaSet", "Deployment"]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  it("prints its usage for --help and refuses unknown or valueless arguments, writing nothing", () => {
    const parent = mkdtempSync(join(tmpdir(), "ktriage-bench-test-"));
    const out = join(parent, "snapshot");
    try {
      const help = spawnSync(process.execPath, [generator, "--help", "--out", out], { encoding: "utf8" });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: node bench\/generate-snapshot\.mjs \[--pods N\]/);
      for (const args of [["--pods"], ["--pods", "many"], ["--size", "10"]]) {
        const refused = spawnSync(process.execPath, [generator, ...args, "--out", out], { encoding: "utf8" });
        expect(refused.status).toBe(2);
        expect(refused.stderr).toContain("Usage:");
        expect(refused.stdout).toBe("");
      }
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
