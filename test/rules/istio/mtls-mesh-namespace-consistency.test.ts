import { describe, expect, it } from "vitest";
import { kialiMtlsConsistency } from "../../../src/rules/istio/kiali-mtls-consistency.js";
import { runRule, testRule } from "../../helpers/rule-tester.js";

/**
 * Kiali's mTLS matrix: PeerAuthentication mode x DestinationRule TLS mode x scope (mesh: root
 * namespace / `*.local`; namespace: no selector / `*.bookinfo.svc.cluster.local`; workload: a
 * selector / one host; port: portLevelMtls / portLevelSettings), with auto mTLS on (Istio's
 * default) and off. Each expected cell is Kiali's answer (business/checkers in kiali/kiali).
 */
type Scope = "mesh" | "namespace" | "workload" | "port";
type PeerMode = "STRICT" | "PERMISSIVE" | "DISABLE" | "none";
type TlsMode = "ISTIO_MUTUAL" | "DISABLE" | "SIMPLE" | "none";

function peerAuthentication(scope: Scope, mode: PeerMode): string {
  if (mode === "none") return "";
  const namespace = scope === "mesh" ? "istio-system" : "bookinfo";
  const selector = scope === "workload" || scope === "port" ? "  selector:\n    matchLabels:\n      app: reviews\n" : "";
  const mtls = scope === "port" ? "  mtls:\n    mode: PERMISSIVE\n  portLevelMtls:\n    9080:\n      mode: " + mode + "\n" : `  mtls:\n    mode: ${mode}\n`;
  return `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n${selector}${mtls}`;
}

function destinationRule(scope: Scope, mode: TlsMode): string {
  if (mode === "none") return "";
  const [namespace, host] = scope === "mesh" ? ["istio-system", "*.local"] : scope === "namespace" ? ["bookinfo", "*.bookinfo.svc.cluster.local"] : ["bookinfo", "reviews"];
  const tls = mode === "SIMPLE" ? `      mode: SIMPLE\n      sni: reviews.example.com\n` : `      mode: ${mode}\n`;
  const policy = scope === "port" ? `  trafficPolicy:\n    portLevelSettings:\n    - port:\n        number: 9080\n      tls:\n  ${tls.replace(/\n(?=.)/g, "\n  ")}` : `  trafficPolicy:\n    tls:\n${tls}`;
  return `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n  host: "${host}"\n${policy}`;
}

const meshConfig = (autoMtls: boolean) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    enableAutoMtls: ${autoMtls}\n`;

function codes(scope: Scope, peer: PeerMode, tls: TlsMode, autoMtls = true): string[] {
  const files: Record<string, string> = { "mesh.yaml": meshConfig(autoMtls) };
  const pa = peerAuthentication(scope, peer);
  const dr = destinationRule(scope, tls);
  if (pa) files["pa.yaml"] = pa;
  if (dr) files["dr.yaml"] = dr;
  return runRule(kialiMtlsConsistency, { name: `${scope} ${peer} ${tls}`, mode: "lint", files })
    .flatMap((finding) => finding.equivalents.map((code) => `${code} ${finding.resource.kind}`))
    .sort();
}

// [scope, PeerAuthentication, DestinationRule, codes with auto mTLS on, codes with auto mTLS off]
const MATRIX: Array<[Scope, PeerMode, TlsMode, string[], string[]]> = [
  ["mesh", "STRICT", "ISTIO_MUTUAL", [], []],
  ["mesh", "STRICT", "DISABLE", ["KIA0208 DestinationRule"], ["KIA0208 DestinationRule", "KIA0401 PeerAuthentication"]],
  ["mesh", "STRICT", "SIMPLE", [], ["KIA0401 PeerAuthentication"]],
  ["mesh", "STRICT", "none", [], ["KIA0401 PeerAuthentication"]],
  ["mesh", "PERMISSIVE", "ISTIO_MUTUAL", [], []],
  ["mesh", "PERMISSIVE", "DISABLE", [], []],
  ["mesh", "PERMISSIVE", "none", [], []],
  ["mesh", "DISABLE", "ISTIO_MUTUAL", ["KIA0205 DestinationRule", "KIA0506 PeerAuthentication"], ["KIA0205 DestinationRule", "KIA0506 PeerAuthentication"]],
  ["mesh", "DISABLE", "DISABLE", [], []],
  ["mesh", "DISABLE", "SIMPLE", [], []],
  ["mesh", "none", "ISTIO_MUTUAL", ["KIA0205 DestinationRule"], ["KIA0205 DestinationRule"]],
  ["mesh", "none", "DISABLE", [], []],
  ["namespace", "STRICT", "ISTIO_MUTUAL", [], []],
  ["namespace", "STRICT", "DISABLE", ["KIA0207 DestinationRule"], ["KIA0207 DestinationRule", "KIA0501 PeerAuthentication"]],
  ["namespace", "STRICT", "SIMPLE", [], ["KIA0501 PeerAuthentication"]],
  ["namespace", "STRICT", "none", [], ["KIA0501 PeerAuthentication"]],
  ["namespace", "PERMISSIVE", "ISTIO_MUTUAL", [], []],
  ["namespace", "PERMISSIVE", "DISABLE", [], []],
  ["namespace", "DISABLE", "ISTIO_MUTUAL", ["KIA0505 PeerAuthentication"], ["KIA0206 DestinationRule", "KIA0505 PeerAuthentication"]],
  ["namespace", "DISABLE", "DISABLE", [], []],
  ["namespace", "DISABLE", "SIMPLE", [], []],
  ["namespace", "none", "ISTIO_MUTUAL", [], ["KIA0206 DestinationRule"]],
  ["namespace", "none", "DISABLE", [], []],
  ["workload", "STRICT", "DISABLE", [], []],
  ["workload", "DISABLE", "ISTIO_MUTUAL", [], []],
  ["workload", "STRICT", "none", [], []],
  ["port", "STRICT", "DISABLE", [], []],
  ["port", "DISABLE", "ISTIO_MUTUAL", [], []],
];

describe("Kiali mTLS matrix", () => {
  for (const [scope, peer, tls, withAuto, withoutAuto] of MATRIX) {
    it(`${scope}: PeerAuthentication ${peer} x DestinationRule ${tls}`, () => {
      expect(codes(scope, peer, tls, true)).toEqual(withAuto);
      expect(codes(scope, peer, tls, false)).toEqual(withoutAuto);
    });
  }

  it("mesh-wide STRICT against a namespace-wide DISABLE with no namespace policy", () => {
    const files = { "mesh.yaml": meshConfig(true), "pa.yaml": peerAuthentication("mesh", "STRICT"), "dr.yaml": destinationRule("namespace", "DISABLE") };
    expect(runRule(kialiMtlsConsistency, { name: "mixed", mode: "lint", files }).map((finding) => finding.equivalents)).toEqual([["KIA0208"]]);
  });
  it("namespace PERMISSIVE shields a namespace-wide DISABLE from a mesh STRICT", () => {
    const files = { "mesh.yaml": meshConfig(true), "mesh-pa.yaml": peerAuthentication("mesh", "STRICT"), "pa.yaml": peerAuthentication("namespace", "PERMISSIVE"), "dr.yaml": destinationRule("namespace", "DISABLE") };
    expect(runRule(kialiMtlsConsistency, { name: "shielded", mode: "lint", files })).toEqual([]);
  });
  it("namespace DISABLE with a mesh-wide ISTIO_MUTUAL rule and no namespace rule", () => {
    const files = { "mesh.yaml": meshConfig(true), "pa.yaml": peerAuthentication("namespace", "DISABLE"), "dr.yaml": destinationRule("mesh", "ISTIO_MUTUAL"), "mesh-pa.yaml": peerAuthentication("mesh", "PERMISSIVE") };
    expect(runRule(kialiMtlsConsistency, { name: "mesh rule", mode: "lint", files }).map((finding) => finding.equivalents)).toEqual([["KIA0505"]]);
  });
});

testRule(kialiMtlsConsistency, {
  scope: "lint",
  valid: [{ name: "mesh STRICT with auto mTLS", mode: "lint", files: { "pa.yaml": peerAuthentication("mesh", "STRICT") } }],
  invalid: [
    {
      name: "namespace-wide DISABLE against a STRICT namespace",
      mode: "lint",
      files: { "pa.yaml": peerAuthentication("namespace", "STRICT"), "dr.yaml": destinationRule("namespace", "DISABLE") },
      expect: { severity: "error", resource: { kind: "DestinationRule", namespace: "bookinfo", line: 10 }, summary: /TLS strict mode found, it should be permissive \(PeerAuthentication bookinfo\/default\)/, equivalents: ["KIA0207"] },
    },
  ],
});
