import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { allRules } from "../../src/rules/index.js";
import { buildView } from "../helpers/rule-tester.js";
import { meshedPod, namespace } from "../rules/sidecar/fixtures.js";

const proxyStatus = `NAME                                 CLUSTER        CDS               ECDS        EDS               LDS               RDS               ISTIOD                      VERSION
orders-7c9d8b6f5-x2k4q.shop          Kubernetes     SYNCED (3m2s)     IGNORED     STALE (8m41s)     SYNCED (3m2s)     STALE (8m41s)     istiod-85798b5866-8ptm6     1.27.0
`;
const starved = `limits:\n  cpu: 50m\n  memory: 256Mi\nrequests:\n  cpu: 10m\n  memory: 128Mi`;

describe("a cause ranks above the symptoms it explains", () => {
  it("sidecar CPU starvation comes first and carries the STALE proxy-status it causes", () => {
    const files = { "ns.yaml": namespace("shop", ["istio-injection: enabled"]), "pod.yaml": meshedPod({ proxyResources: starved }), "proxy-status.txt": proxyStatus };
    const { findings } = runRules(allRules, buildView({ name: "starved", files, now: "2025-10-23T05:10:30Z" }), { scope: "diagnose" });
    const onPod = findings.filter((finding) => finding.resource.kind === "Pod" && finding.resource.name === "orders-7c9d8b6f5-x2k4q");
    expect(onPod[0]!.rule).toBe("sidecar/proxy-cpu-starved");
    expect(onPod[0]!.symptoms?.map((symptom) => symptom.rule)).toContain("envoy/proxy-status-stale");
    expect(onPod.map((finding) => finding.rule)).not.toContain("envoy/proxy-status-stale");
  });

  it("without the starvation the STALE proxy is its own finding", () => {
    const files = { "ns.yaml": namespace("shop", ["istio-injection: enabled"]), "pod.yaml": meshedPod(), "proxy-status.txt": proxyStatus };
    const { findings } = runRules(allRules, buildView({ name: "stale", files, now: "2025-10-23T05:10:30Z" }), { scope: "diagnose" });
    expect(findings.map((finding) => finding.rule)).toContain("envoy/proxy-status-stale");
    expect(findings.map((finding) => finding.rule)).not.toContain("sidecar/proxy-cpu-starved");
  });
});
