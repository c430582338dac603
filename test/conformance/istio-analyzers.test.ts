import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { buildLintInput } from "../../src/sources/lint-input.js";
import { allRules } from "../../src/rules/index.js";
import { ISTIO_ANALYZER_OF_CODE, ISTIO_ANALYZER_OF_RULE } from "../../src/rules/istio/parity.js";

/**
 * Runs every case of Istio's analyzer suite (../shared/peer/istio-analyzers)
 * through ktriage: for each case, the findings whose equivalents hold a code
 * the case's analyzer can emit are compared, as (code, `Kind namespace/name`)
 * sets, with what istioctl analyze reports.
 */
const repoRoot = resolve(import.meta.dirname, "../..");
const peer = resolve(repoRoot, "../shared/peer/istio-analyzers");
const codesFile = resolve(repoRoot, "../shared/reference/ist-codes.tsv");

/** The Go file of Istio's analyzer package that each analyzer in cases.tsv lives in (the `emitted_by` column). */
const ANALYZER_FILES: Record<string, string> = {
  "annotations.K8sAnalyzer": "analyzers/annotations/annotations.go",
  "maturity.AlphaAnalyzer": "analyzers/maturity/maturity.go",
  "deprecation.FieldAnalyzer": "analyzers/deprecation/deprecation.go",
  "externalcontrolplane.ExternalControlPlaneAnalyzer": "analyzers/externalcontrolplane/externalcontrolplane.go",
  "gateway.IngressGatewayPortAnalyzer": "analyzers/gateway/gateway.go",
  "gateway.SecretAnalyzer": "analyzers/gateway/secret.go",
  "gateway.ConflictingGatewayAnalyzer": "analyzers/gateway/conflictinggateway.go",
  "gateway.CertificateAnalyzer": "analyzers/gateway/certificate.go",
  "injection.Analyzer": "analyzers/injection/injection.go",
  "injection.ImageAnalyzer": "analyzers/injection/injection-image.go",
  "injection.ImageAutoAnalyzer": "analyzers/injection/image-auto.go",
  "service.PortNameAnalyzer": "analyzers/service/portname.go",
  "sidecar.SelectorAnalyzer": "analyzers/sidecar/selector.go",
  "virtualservice.ConflictingMeshGatewayHostsAnalyzer": "analyzers/virtualservice/conflictingmeshgatewayhosts.go",
  "virtualservice.DestinationHostAnalyzer": "analyzers/virtualservice/destinationhosts.go",
  "virtualservice.DestinationRuleAnalyzer": "analyzers/virtualservice/destinationrules.go",
  "virtualservice.GatewayAnalyzer": "analyzers/virtualservice/gateways.go",
  "virtualservice.JWTClaimRouteAnalyzer": "analyzers/virtualservice/jwtclaimroute.go",
  "deployment.ServiceAssociationAnalyzer": "analyzers/deployment/services.go",
  "deployment.ApplicationUIDAnalyzer": "analyzers/deployment/pod.go",
  "multicluster.MeshNetworksAnalyzer": "analyzers/multicluster/meshnetworks.go",
  "multicluster.ServiceAnalyzer": "analyzers/multicluster/service.go",
  "authn.BlockedCIDRsAnalyzer": "analyzers/authn/blockedcidrs.go",
  "authz.AuthorizationPoliciesAnalyzer": "analyzers/authz/authorizationpolicies.go",
  "destinationrule.CaCertificateAnalyzer": "analyzers/destinationrule/ca-certificates.go",
  "destinationrule.PodNotSelectedAnalyzer": "analyzers/destinationrule/subset.go",
  "schemaValidation.CollectionValidationAnalyzer(collections.VirtualService)": "analyzers/schema/validation.go",
  "serviceentry.ProtocolAddressesAnalyzer": "analyzers/serviceentry/protocoladdresses.go",
  "serviceentry.ConflictingServiceEntryProtocolAnalyzer": "analyzers/serviceentry/conflictingserviceentries.go",
  "webhook.Analyzer": "analyzers/webhook/webhook.go",
  "envoyfilter.EnvoyPatchAnalyzer": "analyzers/envoyfilter/envoyfilter.go",
  "telemetry.ProviderAnalyzer": "analyzers/telemetry/providers.go",
  "telemetry.SelectorAnalyzer": "analyzers/telemetry/selector.go",
  "telemetry.DefaultSelectorAnalyzer": "analyzers/telemetry/default_selector.go",
  "telemetry.LightstepAnalyzer": "analyzers/telemetry/lightstep.go",
  "k8sgateway.SelectorAnalyzer": "analyzers/k8sgateway/workloadselector.go",
  "k8sgateway.CRDVersionAnalyzer": "analyzers/k8sgateway/crdversion.go",
  "conditions.ConditionAnalyzer": "analyzers/conditions/conditions.go",
};

/**
 * Cases ktriage does not pass yet, and why. They run with it.fails: when one
 * starts passing the test says so, and the entry must go.
 */
const KNOWN_GAPS: Record<string, string> = {
};

interface ConformanceCase {
  name: string;
  analyzer: string;
  inputs: string[];
  meshConfig?: string;
  meshNetworks?: string;
  expected: string[];
}

function readTsv(file: string): string[][] {
  return readFileSync(file, "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t"));
}

function codesByFile(): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const [code, , , , , , emittedBy] of readTsv(codesFile)) {
    for (const file of (emittedBy ?? "").split(",")) {
      let set = map.get(file);
      if (!set) map.set(file, (set = new Set()));
      set.add(code!);
    }
  }
  return map;
}

function readCases(): ConformanceCase[] {
  return readTsv(resolve(peer, "cases.tsv")).map(([name, , analyzer, inputs, meshConfig, meshNetworks, , expected]) => ({
    name: name!,
    analyzer: analyzer!,
    inputs: inputs!.split(","),
    ...(meshConfig ? { meshConfig } : {}),
    ...(meshNetworks ? { meshNetworks } : {}),
    expected: expected === "(none expected)" ? [] : expected!.split("; "),
  }));
}

/** The (code, resource) pairs ktriage reports for one case. */
export function runCase(testCase: ConformanceCase, emitted: Set<string>): string[] {
  const tagged = testCase.inputs.map((input) => /^([a-z0-9-]+):(.*)$/.exec(input));
  const paths = testCase.inputs.filter((_, i) => !tagged[i]).map((input) => resolve(peer, input));
  const clusters = tagged.flatMap((match) => (match ? [{ name: match[1]!, paths: [resolve(peer, match[2]!)] }] : []));
  const { view } = buildLintInput({
    paths,
    ...(clusters.length > 0 ? { clusters } : {}),
    ...(testCase.meshConfig ? { meshConfigFile: resolve(peer, testCase.meshConfig) } : {}),
    ...(testCase.meshNetworks ? { meshNetworksFile: resolve(peer, testCase.meshNetworks) } : {}),
  });
  const result = runRules(allRules, view, { scope: "lint", enable: allRules.filter((rule) => rule.optIn).map((rule) => rule.id) });
  const out: string[] = [];
  for (const finding of result.findings) {
    for (const code of finding.equivalents) {
      const analyzer = ISTIO_ANALYZER_OF_CODE[finding.rule]?.[code] ?? ISTIO_ANALYZER_OF_RULE[finding.rule];
      if (analyzer !== undefined && analyzer !== testCase.analyzer) continue;
      if (!emitted.has(code)) continue;
      const r = finding.resource;
      out.push(`${code} ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`);
    }
  }
  return out;
}

const available = existsSync(resolve(peer, "cases.tsv")) && existsSync(codesFile);

describe.skipIf(!available)("istioctl analyze conformance (Istio's analyzer suite)", () => {
  const cases = available ? readCases() : [];
  const codes = available ? codesByFile() : new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  it("reads all 105 cases", () => {
    expect(cases).toHaveLength(105);
  });
  for (const testCase of cases) {
    const seen = (counts.get(testCase.name) ?? 0) + 1;
    counts.set(testCase.name, seen);
    const title = `${testCase.name}${seen > 1 ? ` #${seen}` : ""} [${testCase.analyzer}] ${testCase.inputs.join(",")}`;
    const gap = KNOWN_GAPS[testCase.name];
    (gap ? it.fails : it)(gap ? `${title} (known gap: ${gap})` : title, () => {
      const file = ANALYZER_FILES[testCase.analyzer];
      expect(file, `analyzer ${testCase.analyzer} is mapped to its Go file`).toBeDefined();
      const emitted = codes.get(file!) ?? new Set<string>();
      const actual = [...new Set(runCase(testCase, emitted))].sort();
      const expected = [...new Set(testCase.expected)].sort();
      expect(actual).toEqual(expected);
    });
  }
});
