import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(__dirname, "../..");

function ktriage(args: string[]) {
  const result = spawnSync(process.execPath, [resolve(root, "dist/cli.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("ktriage mesh describe pod", () => {
  it("prints the pod's place in the mesh from a snapshot, as text and JSON", () => {
    const text = ktriage(["mesh", "describe", "pod", "catalog-5899bbc954-xnq22", "-n", "istioinaction", "--snapshot", "examples/lab"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Pod: catalog-5899bbc954-xnq22\n/);
    expect(text.stdout).toContain("Service: catalog\n   Port: http 80/HTTP targets pod port 3000");
    expect(text.stdout).toContain("VirtualService: catalog-v1-v2.istioinaction (gateways: catalog-gateway)");
    const json = ktriage(["mesh", "describe", "pod", "catalog-5899bbc954-xnq22", "-n", "istioinaction", "--snapshot", "examples/lab", "-o", "json"]);
    const description = JSON.parse(json.stdout) as { pod: { name: string }; services: Array<{ name: string }> };
    expect(description.pod.name).toBe("catalog-5899bbc954-xnq22");
    expect(description.services.map((svc) => svc.name)).toEqual(["catalog"]);
  });

  it("an unknown pod is a usage error with the nearest names", () => {
    const typo = ktriage(["mesh", "describe", "pod", "catalog-5899bbc954-xnq2", "-n", "istioinaction", "--snapshot", "examples/lab"]);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain("did you mean catalog-5899bbc954-xnq22?");
  });
});
