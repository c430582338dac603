import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../cluster/support.js";

// The shapes of the files other tools read: krew's plugin manifest, the GitHub Action, the
// pre-commit hook and the Dockerfile (built nowhere here; its steps are the package test's).

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const pkg = JSON.parse(read("package.json")) as { version: string; bin: Record<string, string>; files: string[] };

describe("krew plugin manifest", () => {
  const manifest = parse(read("deploy/krew/ktriage.yaml")) as Record<string, any>;
  it("is a krew v1alpha2 Plugin named for the kubectl-ktriage bin, at the package version", () => {
    expect(manifest.apiVersion).toBe("krew.googlecontainertools.github.com/v1alpha2");
    expect(manifest.kind).toBe("Plugin");
    expect(`kubectl-${manifest.metadata.name}`).toBe(Object.keys(pkg.bin).find((name) => name.startsWith("kubectl-")));
    expect(manifest.spec.version).toBe(`v${pkg.version}`);
    expect(manifest.spec.shortDescription.length).toBeLessThanOrEqual(50);
    expect(manifest.spec.homepage).toMatch(/^https:\/\//);
    for (const key of Object.keys(manifest.spec)) expect(["version", "homepage", "shortDescription", "description", "caveats", "platforms"]).toContain(key);
  });
  it("each platform has a selector, an https uri to the release tarball, a sha256 and files from the npm tarball", () => {
    expect(manifest.spec.platforms.length).toBeGreaterThan(0);
    for (const platform of manifest.spec.platforms) {
      expect(platform.selector.matchExpressions[0]).toMatchObject({ key: "os", operator: "In" });
      expect(platform.uri).toBe(`https://github.com/ktriage/ktriage/releases/download/v${pkg.version}/ktriage-${pkg.version}.tgz`);
      expect(platform.sha256).toMatch(/^[0-9a-f]{64}$/);
      const from = platform.files.map((file: { from: string }) => file.from);
      expect(from).toContain(`package/${pkg.bin["kubectl-ktriage"]}`);
      for (const path of from) expect(pkg.files.some((entry) => path === `package/${entry}` || path.startsWith(`package/${entry}`)) || path === "package/LICENSE").toBe(true);
      expect(platform.bin).toBe(pkg.bin["kubectl-ktriage"]!.split("/").pop());
    }
  });
});

describe("GitHub Action", () => {
  const action = parse(read("action.yml")) as Record<string, any>;
  it("is a composite action that runs ktriage lint -o sarif and uploads it with codeql-action/upload-sarif", () => {
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.runs.using).toBe("composite");
    const steps = action.runs.steps as Record<string, any>[];
    for (const step of steps) {
      expect(Boolean(step.run) !== Boolean(step.uses)).toBe(true);
      if (step.run) expect(step.shell).toBe("bash");
    }
    expect(steps.some((step) => /ktriage lint \$PATHS -o sarif/.test(step.run ?? ""))).toBe(true);
    const upload = steps.find((step) => /^github\/codeql-action\/upload-sarif@v\d+$/.test(step.uses ?? ""));
    expect(upload?.with.sarif_file).toBe("${{ inputs.sarif-file }}");
    const text = read("action.yml");
    for (const [, name] of text.matchAll(/\$\{\{ inputs\.([a-z-]+) \}\}/g)) expect(Object.keys(action.inputs)).toContain(name);
    expect(action.inputs.paths.required).toBe(true);
  });
});

describe("pre-commit hook and Dockerfile", () => {
  it(".pre-commit-hooks.yaml declares ktriage-lint as a node hook on YAML and JSON", () => {
    const hooks = parse(read(".pre-commit-hooks.yaml")) as Record<string, any>[];
    const hook = hooks.find((item) => item.id === "ktriage-lint")!;
    expect(hook).toMatchObject({ language: "node", name: "ktriage lint" });
    expect(hook.entry).toMatch(/^ktriage lint /);
    expect(new RegExp(hook.files).test("k8s/deploy.yaml")).toBe(true);
  });
  it("the Dockerfile installs the packed tarball the way the package test does", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/^FROM node:20-alpine AS build$/m);
    expect(dockerfile).toMatch(/npm ci --ignore-scripts/);
    expect(dockerfile).toMatch(/npm run build && npm pack/);
    expect(dockerfile).toMatch(/npm install -g --omit=dev .*ktriage-\*\.tgz/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["ktriage"\]$/m);
  });
});
