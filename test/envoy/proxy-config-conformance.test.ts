import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigDump } from "../../src/envoy/config-dump.js";
import { bootstrapSummary, ecdsTable, endpointTable, fullSummary, routeTable, secretTable } from "../../src/report/proxy-config-tables.js";

/** Real dumps and istioctl's exact output for them (see the peer folder's README). */
const peer = resolve(import.meta.dirname, "../../../shared/peer/istioctl-proxyconfig");
const load = (name: string) => new ConfigDump(JSON.parse(readFileSync(resolve(peer, name), "utf8")));
const expected = (name: string) => readFileSync(resolve(peer, name), "utf8");
/** The certificates in the golden files are judged valid or not against the day istioctl's tests run; any day before 2033 gives the same answer. */
const now = new Date("2026-01-01T00:00:00Z");

describe("istioctl proxy-config conformance (byte for byte)", () => {
  it("proxy-config all", () => {
    expect(fullSummary(load("proxyconfig__config_dump.json"), {}, { now })).toBe(expected("proxyconfig__config_dump_summary.txt"));
  });
  it("proxy-config all --with-headers", () => {
    expect(fullSummary(load("proxyconfig__config_dump.json"), {}, { now, withHeaders: true })).toBe(expected("proxyconfig__config_dump_summary_withheaders.txt"));
  });
  it("proxy-config endpoint", () => {
    expect(endpointTable(load("writer__endpoint__configdump.json"))).toBe(expected("writer__endpoint__emptyfilter_output.txt"));
  });
  it("proxy-config endpoint --port 8080", () => {
    expect(endpointTable(load("writer__endpoint__configdump.json"), { port: 8080 })).toBe(expected("writer__endpoint__portfilter_output.txt"));
  });
  for (const name of ["empty-gateway", "istio-gateway-http-route-prefix", "k8s-gateway-http-route-path-prefix"]) {
    it(`proxy-config route (${name})`, () => {
      expect(routeTable(load(`writer__routes__${name}__configdump.json`))).toBe(expected(`writer__routes__${name}__output.txt`));
    });
  }
  it("proxy-config ecds", () => {
    expect(ecdsTable(load("writer__ecds__configdump.json"))).toBe(expected("writer__ecds__output.txt"));
  });
  for (const name of ["istio", "spire"]) {
    it(`proxy-config secret (${name})`, () => {
      expect(secretTable(load(`writer__secret__${name}__config_dump.json`), { now })).toBe(expected(`writer__secret__${name}__output`));
    });
  }
});

describe("dumps read as bytes (large-dump path) print the same tables", () => {
  const fromBytes = (name: string) => {
    const dump = ConfigDump.fromBuffer(readFileSync(resolve(peer, name)));
    if (!dump) throw new Error(`${name} was not indexed`);
    return dump;
  };
  it("proxy-config all", () => {
    expect(fullSummary(fromBytes("proxyconfig__config_dump.json"), {}, { now })).toBe(expected("proxyconfig__config_dump_summary.txt"));
  });
  it("proxy-config endpoint", () => {
    expect(endpointTable(fromBytes("writer__endpoint__configdump.json"))).toBe(expected("writer__endpoint__emptyfilter_output.txt"));
  });
  it("finds one cluster and its endpoints without parsing the whole section", () => {
    const dump = fromBytes("writer__endpoint__configdump.json");
    const name = "outbound|80||istio-ingressgateway.istio-system.svc.cluster.local";
    expect(dump.endpointsOf(name)?.clusterName).toBe(name);
    expect(dump.endpointsOf("outbound|80||no-such-service.default.svc.cluster.local")).toBeUndefined();
  });
  it("refuses a truncated dump instead of indexing part of it", () => {
    const bytes = readFileSync(resolve(peer, "proxyconfig__config_dump.json"));
    expect(ConfigDump.fromBuffer(bytes.subarray(0, bytes.length - 200))).toBeUndefined();
  });
});

describe("version summary", () => {
  it("prints istioctl's bootstrap version lines", () => {
    expect(bootstrapSummary(load("writer__configdump.json"))).toBe(expected("writer__versionsummary.txt"));
  });
});
