import { describe, expect, it } from "vitest";
import { goDurationError, patchValueVerdict } from "../../src/istio/validation/envoy-patch-value.js";

const lua = (fields: Record<string, unknown>) => ({ name: "envoy.filters.http.lua", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua", ...fields } });

describe("EnvoyFilter patch values read as Istio's jsonpb reads them", () => {
  it("accepts valid values, snake_case or camelCase, and quoted numbers", () => {
    expect(patchValueVerdict("HTTP_FILTER", lua({ default_source_code: { inline_string: "function envoy_on_request(h) end" } }))).toEqual({});
    expect(patchValueVerdict("CLUSTER", { connectTimeout: "0.25s", perConnectionBufferLimitBytes: "32768", lbPolicy: "LEAST_REQUEST" })).toEqual({});
  });
  it("rejects wrong types and unknown enum values, warns on unknown fields", () => {
    expect(patchValueVerdict("HTTP_FILTER", lua({ default_source_code: { inline_string: 5 } }))?.error).toBe("Envoy filter: can't unmarshal Any nested proto type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua: json: cannot unmarshal number into Go value of type string");
    expect(patchValueVerdict("CLUSTER", { lb_policy: "RANDOMLY" })?.error).toBe('Envoy filter: unknown value "\\"RANDOMLY\\"" for enum envoy.config.cluster.v3.Cluster.LbPolicy');
    expect(patchValueVerdict("CLUSTER", { connect_timeout: "1s", max_requests: 3 })).toEqual({ warning: 'Envoy filter: unknown field "max_requests" in envoy.config.cluster.v3.Cluster' });
  });
  it("a wrong type wins over an unknown field (the lenient pass runs first)", () => {
    expect(patchValueVerdict("CLUSTER", { typo: 1, respect_dns_ttl: "yes" })?.error).toBe("Envoy filter: json: cannot unmarshal string into Go value of type bool");
  });
  it("does not judge types another Istio release may register, nor BOOTSTRAP", () => {
    expect(patchValueVerdict("HTTP_FILTER", { name: "x", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.future_filter.v3.Config", anything: 1 } })).toBeUndefined();
    expect(patchValueVerdict("BOOTSTRAP", { stats_flush_interval: 5 })).toBeUndefined();
  });
  it("rejects types no Istio registers: a misspelt message of a known package, another publisher, an Envoy v2 API", () => {
    expect(patchValueVerdict("HTTP_FILTER", { name: "x", typed_config: { "@type": "type.googleapis.com/acme.Filter" } })?.error).toBe("referenced type unknown: Envoy filter: could not resolve Any message type: type.googleapis.com/acme.Filter");
    expect(patchValueVerdict("HTTP_FILTER", { name: "x", typed_config: { "@type": "type.googleapis.com/envoy.config.filter.http.lua.v2.Lua" } })?.error).toMatch(/^referenced type unknown \(hint: try using the v3 XDS API\)/);
  });
  it("names filters configured by name without typed_config", () => {
    expect(patchValueVerdict("NETWORK_FILTER", { name: "envoy.filters.network.tcp_proxy" })).toEqual({ withoutTypedConfig: ["envoy.filters.network.tcp_proxy"] });
  });
});

describe("goDurationError", () => {
  it("gives Go's time.ParseDuration errors", () => {
    for (const ok of ["0", "1s", "1.5s", "1h30m", "500ms", "-2us", ".5s"]) expect(goDurationError(ok), ok).toBeUndefined();
    expect(goDurationError("5")).toBe('time: missing unit in duration "5"');
    expect(goDurationError("1d")).toBe('time: unknown unit "d" in duration "1d"');
    expect(goDurationError("abc")).toBe('time: invalid duration "abc"');
    expect(goDurationError("")).toBe('time: invalid duration ""');
  });
});
