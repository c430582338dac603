import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRules } from "../../../src/engine/engine.js";
import { buildLintInput } from "../../../src/sources/lint-input.js";
import { authorizationPolicyPrincipalNotFound } from "../../../src/rules/istio/authorization-policy-principal-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";
import { curl, httpbin, httpbinPolicy } from "./authorization-fixtures.js";

const from = (field: string, list: string) => httpbinPolicy(`  - from:\n    - source:\n        ${field}: [${list}]`);
const principals = (list: string) => from("principals", list);
const mesh = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n${body.split("\n").map((line) => `    ${line}`).join("\n")}`;

testRule(authorizationPolicyPrincipalNotFound, {
  valid: [
    { name: "the caller's service account", files: { "a.yaml": docs(httpbin, curl, principals('"cluster.local/ns/sleep/sa/curl"')) } },
    { name: "presence, prefix and suffix forms", files: { "a.yaml": docs(httpbin, curl, principals('"*", "cluster.local/ns/sleep/*", "*/sa/curl"')) } },
    { name: "a namespace the inputs say nothing about is not judged", files: { "a.yaml": docs(httpbin, principals('"cluster.local/ns/default/sa/sleep"')) } },
    { name: "cluster.local stands for the local trust domain", files: { "a.yaml": docs(httpbin, curl, mesh("trustDomain: example.org"), principals('"cluster.local/ns/sleep/sa/curl", "example.org/ns/sleep/sa/curl"')) } },
    { name: "a trust domain alias", files: { "a.yaml": docs(httpbin, curl, mesh("trustDomain: example.org\ntrustDomainAliases: [old.example.org]"), principals('"old.example.org/ns/sleep/sa/curl"')) } },
    { name: "the default service account of a workload without serviceAccountName", files: { "a.yaml": docs(httpbin, curl.replace("      serviceAccountName: curl\n", ""), principals('"cluster.local/ns/sleep/sa/default"')) } },
    { name: "serviceAccounts field", files: { "a.yaml": docs(httpbin, curl, from("serviceAccounts", '"sleep/curl"')) } },
  ],
  invalid: [
    { name: "misspelt service account", files: { "a.yaml": docs(httpbin, curl, principals('"cluster.local/ns/sleep/sa/crul"')) }, expect: { severity: "error", summary: /no workload in namespace sleep runs as service account crul; did you mean curl\?/, fixIncludes: ["cluster.local/ns/sleep/sa/curl"], equivalents: ["KIA0106"] } },
    { name: "a prefix no account has", files: { "a.yaml": docs(httpbin, curl, principals('"cluster.local/ns/sleep/sa/web*"')) }, expect: { count: 1, equivalents: ["KIA0106"] } },
    { name: "foreign trust domain", files: { "a.yaml": docs(httpbin, curl, principals('"partner.example.com/ns/sleep/sa/curl"')) }, expect: { severity: "info", summary: /trust domain partner.example.com, which the mesh does not know/, equivalents: ["KIA0108"] } },
    { name: "spiffe:// prefix", files: { "a.yaml": docs(httpbin, curl, principals('"spiffe://cluster.local/ns/sleep/sa/curl"')) }, expect: { severity: "error", fixIncludes: ["Write it as cluster.local/ns/sleep/sa/curl"], equivalents: ["KIA0108"] } },
    { name: "serviceAccounts field with an unknown account", files: { "a.yaml": docs(httpbin, curl, from("serviceAccounts", '"sleep/web"')) }, expect: { summary: /serviceAccounts "sleep\/web": no workload in namespace sleep runs as service account web/, equivalents: ["KIA0106"] } },
  ],
});

describe("istio/authorization-policy-principal-not-found across clusters (KIA0107)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ktriage-principal-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** `ktriage lint --cluster east=... --cluster west=...`: the policy and httpbin in east, the caller in west only. */
  function lint(east: string, west: string) {
    writeFileSync(join(dir, "east.yaml"), east);
    writeFileSync(join(dir, "west.yaml"), west);
    const { view } = buildLintInput({ paths: [], clusters: [{ name: "east", paths: [join(dir, "east.yaml")] }, { name: "west", paths: [join(dir, "west.yaml")] }] });
    return runRules([authorizationPolicyPrincipalNotFound], view, { scope: "lint" }).findings;
  }

  it("a service account only another cluster runs is KIA0107, info", () => {
    const findings = lint(docs(httpbin, principals('"cluster.local/ns/sleep/sa/curl"'), curl.split("---")[0]!), docs(curl));
    expect(findings.map((finding) => [finding.severity, finding.equivalents])).toEqual([["info", ["KIA0107"]]]);
    expect(findings[0]!.summary).toMatch(/"cluster.local\/ns\/sleep\/sa\/curl" is a service account of another cluster of the mesh/);
  });
  it("one that no cluster runs, in a namespace only another cluster holds, is KIA0106 with that cluster's accounts", () => {
    const findings = lint(docs(httpbin, principals('"cluster.local/ns/sleep/sa/crul"')), docs(curl));
    expect(findings.map((finding) => [finding.severity, finding.equivalents])).toEqual([["error", ["KIA0106"]]]);
    expect(findings[0]!.summary).toMatch(/no workload in namespace sleep runs as service account crul; did you mean curl\?/);
  });
  it("one that no cluster runs, in a namespace the policy's cluster holds, stays KIA0106", () => {
    const findings = lint(docs(httpbin, principals('"cluster.local/ns/sleep/sa/crul"'), curl), docs(curl));
    expect(findings.map((finding) => [finding.severity, finding.equivalents])).toEqual([["error", ["KIA0106"]]]);
  });
});
