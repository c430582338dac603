import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { schemaValidation } from "../../src/rules/istio/schema-validation.js";
import { schemaWarning } from "../../src/rules/istio/schema-warning.js";
import { runRule } from "../helpers/rule-tester.js";

/**
 * Istio's validation, object by object, against what Istio's analyzers give on the same file
 * (test/fixtures/istio-validation: 333 objects of every validated kind, each a case of
 * pkg/config/validation; verdicts recorded by bench/vs-istio-analyzers/validation.mjs).
 * For each object ktriage gives the same codes (IST0106, IST0133), and each of Istio's messages
 * appears in one of ktriage's findings (its first 40 characters), except where listed below.
 */
const fixtures = new URL("../fixtures/istio-validation/", import.meta.url);
const cases = readFileSync(new URL("cases.yaml", fixtures), "utf8");
const verdicts: Record<string, Array<[string, string]>> = JSON.parse(readFileSync(new URL("istio-verdicts.json", fixtures), "utf8"));

/** Where ktriage departs on purpose, and why. */
const DEPARTURES: Record<string, string> = {
  // The structural schema reports these first, as the API server's CRD schema does; the webhook's checks then do not run.
  "DestinationRule default/dr-subset-name-bad": "an empty required field is reported as missing",
  "Gateway default/gw-nohosts": "a server without hosts is reported as a missing required field",
  "Gateway default/gw-port-bad": "a port without name is reported as a missing required field",
  "VirtualService default/vs-timeout": "a negative duration is reported by the structural schema",
  "AuthorizationPolicy default/ap-targetref": "Istio prefixes the policy name; ktriage names the policy in the finding",
  "AuthorizationPolicy default/ap-targetrefs-bad": "Istio lists the allowed kinds as group/version/kind",
  // Istio's protobuf decoder keeps the last field of a oneof; ktriage reads the listener match.
  "EnvoyFilter default/ef-listener-name": "a match with both listener and routeConfiguration",
  // An Envoy package this Istio does not register may be registered by a later release: not judged.
  "EnvoyFilter default/ef-newer-envoy-package": "an Envoy v3 package the linked Istio does not know",
  "WorkloadGroup default/wg-tmpl-address": "Istio's multi-error layout",
};

const findings = [...runRule(schemaValidation, { mode: "lint", files: { "cases.yaml": cases } }, "lint"), ...runRule(schemaWarning, { mode: "lint", files: { "cases.yaml": cases } }, "lint")];
const byObject = new Map<string, Array<[string, string]>>();
for (const finding of findings) {
  const key = `${finding.resource.kind} ${finding.resource.namespace}/${finding.resource.name}`;
  for (const code of finding.equivalents ?? []) if (code === "IST0106" || code === "IST0133") byObject.set(key, [...(byObject.get(key) ?? []), [code, finding.summary]]);
}

describe("Istio's validation, as Istio's analyzers give it", () => {
  const keys = Object.keys(verdicts);
  it("covers every object of the table", () => expect(keys.length).toBeGreaterThanOrEqual(150));
  for (const key of keys) {
    it.skipIf(key in DEPARTURES)(key, () => {
      const ours = byObject.get(key) ?? [];
      const theirs = verdicts[key]!;
      expect([...new Set(ours.map(([code]) => code))].sort()).toEqual([...new Set(theirs.map(([code]) => code))].sort());
      for (const [code, message] of theirs) {
        const head = message.split("\n")[0]!.slice(0, 40);
        expect(ours.some(([ourCode, summary]) => ourCode === code && summary.includes(head)), `${code} ${message}`).toBe(true);
      }
    });
  }
  it("departs only where listed", () => {
    const departed = keys.filter((key) => {
      const ours = byObject.get(key) ?? [];
      return !verdicts[key]!.every(([code, message]) => ours.some(([ourCode, summary]) => ourCode === code && summary.includes(message.split("\n")[0]!.slice(0, 40))));
    });
    for (const key of departed) expect(DEPARTURES, key).toHaveProperty([key]);
  });
});
