import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildLintInput } from "../../src/sources/lint-input.js";
import { viewFromTexts } from "../../src/sources/load-view.js";
import { typedMeshConfig } from "../../src/sources/mesh-config.js";
import { runRules } from "../../src/engine/engine.js";
import { everyRule } from "../../src/rules/registry.js";

const scratch = mkdtempSync(join(tmpdir(), "ktriage-meshconfig-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const istioConfigMap = (mesh: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
${mesh
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}
`;

/** A MeshConfig as `istioctl install --set meshConfig...` writes it. */
const VALID = `accessLogFile: /dev/stdout
accessLogFormat: "[%START_TIME%] %RESPONSE_CODE%"
defaultConfig:
  holdApplicationUntilProxyStarts: true
  proxyMetadata:
    ISTIO_META_DNS_CAPTURE: "true"
defaultProviders:
  accessLogging: [envoy]
enableAutoMtls: false
extensionProviders:
- name: otel
  opentelemetry:
    port: 4317
    service: otel-collector.observability.svc.cluster.local
outboundTrafficPolicy:
  mode: REGISTRY_ONLY
rootNamespace: istio-config
trustDomain: example.org
trustDomainAliases: [old.example.org]
defaultServiceExportTo: ["."]
defaultVirtualServiceExportTo: ["*"]
defaultDestinationRuleExportTo: ["istio-system"]`;

describe("MeshConfig is typed in the sources", () => {
  it("a valid MeshConfig keeps every field ktriage reads, with no problem", () => {
    const view = viewFromTexts({ "istio.yaml": istioConfigMap(VALID) });
    expect(view.inputs.problems).toEqual([]);
    expect(view.meshConfig).toEqual({
      accessLogFile: "/dev/stdout",
      accessLogFormat: "[%START_TIME%] %RESPONSE_CODE%",
      defaultConfig: { holdApplicationUntilProxyStarts: true, proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" } },
      defaultProviders: { accessLogging: ["envoy"] },
      enableAutoMtls: false,
      extensionProviders: [{ name: "otel", opentelemetry: { port: 4317, service: "otel-collector.observability.svc.cluster.local" } }],
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
      rootNamespace: "istio-config",
      trustDomain: "example.org",
      trustDomainAliases: ["old.example.org"],
      defaultServiceExportTo: ["."],
      defaultVirtualServiceExportTo: ["*"],
      defaultDestinationRuleExportTo: ["istio-system"],
    });
  });

  it("an empty accessLogFile is set and empty; an absent one is unset", () => {
    expect(typedMeshConfig({ accessLogFile: null }).config.accessLogFile).toBe("");
    expect(typedMeshConfig({ accessLogFile: "" }).config.accessLogFile).toBe("");
    expect("accessLogFile" in typedMeshConfig({}).config).toBe(false);
  });

  it("a field of the wrong type is an input problem on the ConfigMap's mesh line, read as unset, before any rule runs", async () => {
    const text = istioConfigMap("rootNamespace: [istio-config]\nenableAutoMtls: \"no\"\noutboundTrafficPolicy: REGISTRY_ONLY\ntrustDomainAliases: [old.example.org, 7]");
    const view = viewFromTexts({ "istio.yaml": text });
    expect(view.inputs.problems.map((problem) => `${problem.origin.file}:${problem.origin.line} ${problem.message}`)).toEqual([
      "istio.yaml:7 mesh config: rootNamespace is not a string; it is read as unset",
      "istio.yaml:7 mesh config: trustDomainAliases.1 is not a string; it is read as unset",
      "istio.yaml:7 mesh config: enableAutoMtls is not true or false; it is read as unset",
      "istio.yaml:7 mesh config: outboundTrafficPolicy is not a mapping; it is read as unset",
    ]);
    expect(view.meshConfig).toEqual({ trustDomainAliases: ["old.example.org"] });
    const result = runRules(await everyRule(), view, { scope: "lint" });
    expect(result.failures).toEqual([]);
  });

  it("in a --mesh-config file, a problem names the field's own line", () => {
    const file = join(scratch, "meshconfig.yaml");
    writeFileSync(file, "accessLogFile: /dev/stdout\ndefaultConfig: holdApplicationUntilProxyStarts\ndefaultProviders:\n  tracing: zipkin\n");
    const { view } = buildLintInput({ paths: [], meshConfigFile: file, defaultGateway: false });
    expect(view.inputs.problems.map((problem) => `${problem.origin.line} ${problem.message}`)).toEqual([
      "4 mesh config: defaultProviders.tracing is not a list of provider names; it is read as unset",
      "2 mesh config: defaultConfig is not a mapping of ProxyConfig fields; it is read as unset",
    ]);
    expect(view.meshConfig).toEqual({ accessLogFile: "/dev/stdout", defaultProviders: {} });
  });
});
