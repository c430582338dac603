import { describe, expect, it } from "vitest";
import { kialiMtlsConsistency } from "../../../src/rules/istio/kiali-mtls-consistency.js";
import { runRule, testRule } from "../../helpers/rule-tester.js";

/**
 * Kiali's mTLS grid: PeerAuthentication mode x DestinationRule TLS mode x scope (mesh: root
 * namespace / `*.local`; namespace: no selector / `*.bookinfo.svc.cluster.local`; workload: a
 * selector / one host; port: portLevelMtls / portLevelSettings), each cell with auto mTLS on
 * (Istio's default) and off. Each expected cell is Kiali's answer (business/checkers in
 * kiali/kiali: destinationrules/*_mtls_checker.go and peerauthentications/*_checker.go). Kiali's
 * mTLS checkers read selector-less policies and the `*.local` / `*.<ns>.svc.cluster.local` hosts
 * only, so the workload and port columns are empty by its semantics; per-workload conflicts are
 * istio/mtls-destinationrule-conflict's.
 */
type Scope = "mesh" | "namespace" | "workload" | "port";
type PeerMode = "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET" | "none";
type TlsMode = "ISTIO_MUTUAL" | "MUTUAL" | "SIMPLE" | "DISABLE" | "none";

function peerAuthentication(scope: Scope, mode: PeerMode, name = "default"): string {
  if (mode === "none") return "";
  const namespace = scope === "mesh" ? "istio-system" : "bookinfo";
  const selector = scope === "workload" || scope === "port" ? "  selector:\n    matchLabels:\n      app: reviews\n" : "";
  const mtls = scope === "port" ? "  mtls:\n    mode: PERMISSIVE\n  portLevelMtls:\n    9080:\n      mode: " + mode + "\n" : `  mtls:\n    mode: ${mode}\n`;
  return `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n${selector}${mtls}`;
}

function destinationRule(scope: Scope, mode: TlsMode | "no mode"): string {
  if (mode === "none") return "";
  const [namespace, host] = scope === "mesh" ? ["istio-system", "*.local"] : scope === "namespace" ? ["bookinfo", "*.bookinfo.svc.cluster.local"] : ["bookinfo", "reviews"];
  const tls =
    mode === "SIMPLE" ? `      mode: SIMPLE\n      sni: reviews.example.com\n`
    : mode === "MUTUAL" ? `      mode: MUTUAL\n      clientCertificate: /etc/certs/client.pem\n      privateKey: /etc/certs/key.pem\n`
    : mode === "no mode" ? `      sni: reviews.example.com\n`
    : `      mode: ${mode}\n`;
  const policy = scope === "port" ? `  trafficPolicy:\n    portLevelSettings:\n    - port:\n        number: 9080\n      tls:\n  ${tls.replace(/\n(?=.)/g, "\n  ")}` : `  trafficPolicy:\n    tls:\n${tls}`;
  return `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n  host: "${host}"\n${policy}`;
}

const meshConfig = (autoMtls: boolean) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    enableAutoMtls: ${autoMtls}\n`;

function codesOf(files: Record<string, string>, name: string): string[] {
  return runRule(kialiMtlsConsistency, { name, mode: "lint", files })
    .flatMap((finding) => finding.equivalents.map((code) => `${code} ${finding.resource.kind}`))
    .sort();
}

function codes(scope: Scope, peer: PeerMode, tls: TlsMode, autoMtls: boolean): string[] {
  const files: Record<string, string> = { "mesh.yaml": meshConfig(autoMtls) };
  const pa = peerAuthentication(scope, peer);
  const dr = destinationRule(scope, tls);
  if (pa) files["pa.yaml"] = pa;
  if (dr) files["dr.yaml"] = dr;
  return codesOf(files, `${scope} ${peer} ${tls}`);
}

const PEER_MODES: PeerMode[] = ["STRICT", "PERMISSIVE", "DISABLE", "UNSET", "none"];
const TLS_MODES: TlsMode[] = ["ISTIO_MUTUAL", "MUTUAL", "SIMPLE", "DISABLE", "none"];
const DR = (code: string) => `${code} DestinationRule`;
const PA = (code: string) => `${code} PeerAuthentication`;

/** Per scope, PeerAuthentication mode -> DestinationRule mode -> [codes with auto mTLS on, codes with it off]; cells not listed expect nothing. */
const GRID: Record<Scope, Partial<Record<PeerMode, Partial<Record<TlsMode, [string[], string[]]>>>>> = {
  mesh: {
    STRICT: { MUTUAL: [[], [PA("KIA0401")]], SIMPLE: [[], [PA("KIA0401")]], DISABLE: [[DR("KIA0208")], [DR("KIA0208"), PA("KIA0401")]], none: [[], [PA("KIA0401")]] },
    DISABLE: { ISTIO_MUTUAL: [[DR("KIA0205"), PA("KIA0506")], [DR("KIA0205"), PA("KIA0506")]], MUTUAL: [[PA("KIA0506")], [PA("KIA0506")]] },
    UNSET: { ISTIO_MUTUAL: [[DR("KIA0205")], [DR("KIA0205")]] },
    none: { ISTIO_MUTUAL: [[DR("KIA0205")], [DR("KIA0205")]] },
  },
  namespace: {
    STRICT: { MUTUAL: [[], [PA("KIA0501")]], SIMPLE: [[], [PA("KIA0501")]], DISABLE: [[DR("KIA0207")], [DR("KIA0207"), PA("KIA0501")]], none: [[], [PA("KIA0501")]] },
    DISABLE: { ISTIO_MUTUAL: [[DR("KIA0206"), PA("KIA0505")], [DR("KIA0206"), PA("KIA0505")]], MUTUAL: [[PA("KIA0505")], [PA("KIA0505")]] },
    UNSET: { ISTIO_MUTUAL: [[DR("KIA0206")], [DR("KIA0206")]] },
    none: { ISTIO_MUTUAL: [[DR("KIA0206")], [DR("KIA0206")]] },
  },
  workload: {},
  port: {},
};

describe("Kiali mTLS grid (5 PeerAuthentication modes x 5 DestinationRule modes x 4 scopes, auto mTLS on and off)", () => {
  for (const scope of Object.keys(GRID) as Scope[]) {
    for (const peer of PEER_MODES) {
      for (const tls of TLS_MODES) {
        const [withAuto, withoutAuto] = GRID[scope][peer]?.[tls] ?? [[], []];
        it(`${scope}: PeerAuthentication ${peer} x DestinationRule ${tls}`, () => {
          expect(codes(scope, peer, tls, true)).toEqual([...withAuto].sort());
          expect(codes(scope, peer, tls, false)).toEqual([...withoutAuto].sort());
        });
      }
    }
  }

  it("mesh-wide STRICT against a namespace-wide DISABLE with no namespace policy", () => {
    const files = { "mesh.yaml": meshConfig(true), "pa.yaml": peerAuthentication("mesh", "STRICT"), "dr.yaml": destinationRule("namespace", "DISABLE") };
    expect(codesOf(files, "mixed")).toEqual([DR("KIA0208")]);
  });
  it("namespace PERMISSIVE shields a namespace-wide DISABLE from a mesh STRICT", () => {
    const files = { "mesh.yaml": meshConfig(true), "mesh-pa.yaml": peerAuthentication("mesh", "STRICT"), "pa.yaml": peerAuthentication("namespace", "PERMISSIVE"), "dr.yaml": destinationRule("namespace", "DISABLE") };
    expect(codesOf(files, "shielded")).toEqual([]);
  });
  it("namespace DISABLE agrees with a namespace-wide DISABLE under a mesh STRICT", () => {
    const files = { "mesh.yaml": meshConfig(true), "mesh-pa.yaml": peerAuthentication("mesh", "STRICT"), "pa.yaml": peerAuthentication("namespace", "DISABLE"), "dr.yaml": destinationRule("namespace", "DISABLE") };
    expect(codesOf(files, "disabled namespace")).toEqual([]);
  });
  it("namespace DISABLE with a mesh-wide ISTIO_MUTUAL rule and no namespace rule", () => {
    const files = { "mesh.yaml": meshConfig(true), "pa.yaml": peerAuthentication("namespace", "DISABLE"), "dr.yaml": destinationRule("mesh", "ISTIO_MUTUAL"), "mesh-pa.yaml": peerAuthentication("mesh", "PERMISSIVE") };
    expect(codesOf(files, "mesh rule")).toEqual([PA("KIA0505")]);
  });
  it("a namespace STRICT policy is answered by a mesh-wide ISTIO_MUTUAL rule (auto mTLS off); the rule still lacks a mesh policy", () => {
    const files = { "mesh.yaml": meshConfig(false), "pa.yaml": peerAuthentication("namespace", "STRICT"), "dr.yaml": destinationRule("mesh", "ISTIO_MUTUAL") };
    expect(codesOf(files, "mesh rule answers namespace")).toEqual([DR("KIA0205")]);
  });
  it("a namespace-wide ISTIO_MUTUAL rule is answered by a mesh PERMISSIVE policy", () => {
    const files = { "mesh.yaml": meshConfig(false), "mesh-pa.yaml": peerAuthentication("mesh", "PERMISSIVE"), "dr.yaml": destinationRule("namespace", "ISTIO_MUTUAL") };
    expect(codesOf(files, "mesh policy answers namespace rule")).toEqual([]);
  });
  it("namespace DISABLE with its own DISABLE rule beside a mesh-wide ISTIO_MUTUAL rule", () => {
    const files = { "mesh.yaml": meshConfig(true), "pa.yaml": peerAuthentication("namespace", "DISABLE"), "ns-dr.yaml": destinationRule("namespace", "DISABLE"), "dr.yaml": destinationRule("mesh", "ISTIO_MUTUAL").replace("name: default", "name: mesh") };
    expect(codesOf(files, "own disable rule")).toEqual([DR("KIA0205")]);
  });
  it("a tls block without a mode is DISABLE", () => {
    const files = { "mesh.yaml": meshConfig(true), "pa.yaml": peerAuthentication("mesh", "STRICT"), "dr.yaml": destinationRule("mesh", "no mode") };
    expect(codesOf(files, "no mode")).toEqual([DR("KIA0208")]);
  });
  it("a rule and a policy that name no namespace are both in default, where kubectl applies them", () => {
    const policy = peerAuthentication("namespace", "STRICT").replace("  namespace: bookinfo\n", "");
    const rule = destinationRule("namespace", "DISABLE").replace("  namespace: bookinfo\n", "").replace("*.bookinfo.svc.cluster.local", "*.default.svc.cluster.local");
    expect(codesOf({ "mesh.yaml": meshConfig(true), "pa.yaml": policy, "dr.yaml": rule }, "no namespace")).toEqual([DR("KIA0207")]);
  });
  it("a PeerAuthentication with an empty selector is not mesh-wide", () => {
    const policy = peerAuthentication("mesh", "STRICT").replace("spec:\n", "spec:\n  selector: {}\n");
    const files = { "mesh.yaml": meshConfig(false), "pa.yaml": policy, "dr.yaml": destinationRule("mesh", "DISABLE") };
    expect(codesOf(files, "empty selector")).toEqual([]);
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
