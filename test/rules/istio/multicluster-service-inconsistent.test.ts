import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRules } from "../../../src/engine/engine.js";
import { buildLintInput } from "../../../src/sources/lint-input.js";
import { multiclusterServiceInconsistent } from "../../../src/rules/istio/multicluster-service-inconsistent.js";

const dir = mkdtempSync(join(tmpdir(), "ktriage-multicluster-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const service = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  selector:\n    app: reviews\n${spec}`;
const http9080 = "  ports:\n  - name: http\n    protocol: TCP\n    port: 9080\n    targetPort: 9080\n";

function lint(east: string, west: string) {
  writeFileSync(join(dir, "east.yaml"), east);
  writeFileSync(join(dir, "west.yaml"), west);
  const { view } = buildLintInput({ paths: [], clusters: [{ name: "east", paths: [join(dir, "east.yaml")] }, { name: "west", paths: [join(dir, "west.yaml")] }] });
  return runRules([multiclusterServiceInconsistent], view, { scope: "lint" }).findings;
}

describe("istio/multicluster-service-inconsistent", () => {
  it("says nothing when both clusters define the Service the same way, or only one has it", () => {
    expect(lint(service(http9080), service(http9080))).toEqual([]);
    expect(lint(service(http9080), service(http9080).replace("name: reviews", "name: ratings"))).toEqual([]);
  });

  it("reports ports that differ, with both definitions as evidence", () => {
    const [finding, ...rest] = lint(service(http9080), service(http9080.replace("name: http", "name: tcp")));
    expect(rest).toEqual([]);
    expect(finding!.equivalents).toEqual(["IST0170"]);
    expect(finding!.summary).toBe("Service bookinfo/reviews differs between clusters east, west: service ports are inconsistent");
    expect(finding!.evidence.map((item) => item.text)).toEqual(expect.arrayContaining(["cluster east: type ClusterIP, ports http 9080/TCP", "cluster west: type ClusterIP, ports tcp 9080/TCP"]));
    expect(finding!.fix.yaml?.after).toContain("name: http");
    expect(finding!.fix.commands).toEqual(["kubectl --context east apply -f reviews-service.yaml", "kubectl --context west apply -f reviews-service.yaml"]);
  });

  it("reports a headless Service in one cluster and a type that differs", () => {
    const [headless] = lint(service(`  clusterIP: None\n${http9080}`), service(http9080));
    expect(headless!.summary).toMatch(/service has mixed mode like headless and clusterIP/);
    const [type] = lint(service(`  type: ClusterIP\n${http9080}`), service(`  type: LoadBalancer\n${http9080}`));
    expect(type!.summary).toMatch(/service type is inconsistent/);
    expect(type!.severity).toBe("warning");
  });

  it("does nothing without clusters", () => {
    writeFileSync(join(dir, "one.yaml"), service(http9080));
    const { view } = buildLintInput({ paths: [join(dir, "one.yaml")] });
    expect(runRules([multiclusterServiceInconsistent], view, { scope: "lint" }).findings).toEqual([]);
  });
});
