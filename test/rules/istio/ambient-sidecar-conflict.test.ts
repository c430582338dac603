import { ambientSidecarConflict } from "../../../src/rules/istio/ambient-sidecar-conflict.js";
import { describe, expect, it } from "vitest";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { deployment, docs, namespace, pod } from "./ambient-fixtures.js";

const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient" });
const sidecar = namespace("bookinfo", { "istio-injection": "enabled" });
const both = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio-injection": "enabled" });

testRule(ambientSidecarConflict, {
  valid: [
    { name: "ambient namespace, ambient pod", files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "ambient")) } },
    { name: "sidecar namespace, sidecar pod", files: { "a.yaml": docs(sidecar, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "sidecar")) } },
    { name: "workload opts out of injection in an ambient namespace", files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo", { "sidecar.istio.io/inject": "false" })) } },
    { name: "workload opts out of ambient in a namespace with both labels... and injection disabled", files: { "a.yaml": docs(namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio-injection": "disabled" }), deployment("reviews", "bookinfo")) } },
    { name: "manifests: ambient namespace, template opted out of ambient, no injection", files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo", { "istio.io/dataplane-mode": "none" })) } },
    { name: "manifests: Namespace not among them", files: { "a.yaml": docs(deployment("reviews", "bookinfo", { "sidecar.istio.io/inject": "true" })) } },
    { name: "ingress gateway in an ambient namespace", files: { "a.yaml": docs(ambient, pod("istio-ingressgateway", "bookinfo", "sidecar", { istio: "ingressgateway" })) } },
  ],
  invalid: [
    {
      name: "namespace labelled for both modes",
      files: { "a.yaml": docs(both, deployment("reviews", "bookinfo")) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "reviews-v1" }, summary: /ask for both ambient mode and sidecar injection/, fixIncludes: [`{"spec":{"template":{"metadata":{"labels":{"sidecar.istio.io/inject":"false"}}}}}`, "rollout restart deployment reviews-v1"], equivalents: ["KIA1311"] },
    },
    {
      name: "namespace labelled for both modes, its manifest giving it a stray metadata.namespace",
      files: { "a.yaml": docs(`${both}\n  namespace: default`, deployment("reviews", "bookinfo")) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "reviews-v1" }, summary: /ask for both ambient mode and sidecar injection/, equivalents: ["KIA1311"] },
    },
    {
      name: "workload asks for a sidecar in an ambient namespace (labels only, manifests)",
      files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo", { "sidecar.istio.io/inject": "true" })) },
      expect: { summary: /its pods will run a sidecar \(its template's label sidecar.istio.io\/inject=true\) in namespace bookinfo, whose data plane is ambient/, equivalents: ["KIA1311", "KIA1315", "KIA1316"], count: 1 },
    },
    {
      name: "manifests: ambient namespace, template opted out of ambient, asks for a sidecar",
      files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo", { "istio.io/dataplane-mode": "none", "sidecar.istio.io/inject": "true" })) },
      expect: { summary: /will run a sidecar/, equivalents: ["KIA1316"], count: 1 },
    },
    {
      name: "sidecar namespace, pod still captured by ztunnel",
      files: { "a.yaml": docs(sidecar, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "ambient")) },
      expect: { summary: /captured by ztunnel/, equivalents: ["KIA1314"] },
    },
    {
      name: "ambient namespace, pod runs a sidecar",
      files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "sidecar")) },
      expect: { summary: /runs an istio-proxy sidecar/, equivalents: ["KIA1315", "KIA1316"], count: 1 },
    },
    {
      name: "ambient namespace, workload opted out of ambient but its pod runs a sidecar",
      files: { "a.yaml": docs(ambient, deployment("reviews", "bookinfo", { "istio.io/dataplane-mode": "none" }), pod("reviews", "bookinfo", "sidecar", { "istio.io/dataplane-mode": "none" })) },
      expect: { summary: /whose data plane is ambient/, equivalents: ["KIA1316"] },
    },
  ],
});

/** The exact codes of one workload's finding: on manifests KIA1315 is foretold from the labels, as Kiali gives it once the pods run. */
function codes(name: string, text: string): string[] {
  const findings = runRule(ambientSidecarConflict, { name, files: { "a.yaml": text } });
  expect(findings).toHaveLength(1);
  return findings[0]!.equivalents;
}

describe("istio/ambient-sidecar-conflict: Kiali's codes on manifests and on running pods", () => {
  it("a template in a namespace labelled for both modes will run sidecars that ztunnel skips (KIA1311, KIA1315, KIA1316)", () => {
    expect(codes("both", docs(both, deployment("reviews", "bookinfo")))).toEqual(["KIA1311", "KIA1315", "KIA1316"]);
  });
  it("a template asking for a sidecar in an ambient namespace (KIA1311, KIA1315, KIA1316)", () => {
    expect(codes("inject", docs(ambient, deployment("reviews", "bookinfo", { "sidecar.istio.io/inject": "true" })))).toEqual(["KIA1311", "KIA1315", "KIA1316"]);
  });
  it("a template opted out of ambient is not labelled for ambient: KIA1316 only", () => {
    expect(codes("opt-out", docs(ambient, deployment("reviews", "bookinfo", { "istio.io/dataplane-mode": "none", "sidecar.istio.io/inject": "true" })))).toEqual(["KIA1316"]);
  });
  it("running pods decide, not the prediction: labels for both modes with pods captured by ztunnel is KIA1311 and KIA1314, no KIA1315", () => {
    expect(codes("running", docs(both, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "ambient")))).toEqual(["KIA1311", "KIA1314"]);
  });
});
