import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeRule } from "../../../src/engine/engine.js";
import { summarizeLines } from "../../../src/envoy/access-log/reader.js";
import { accessLoggingFor } from "../../../src/istio/access-logging.js";
import { accessLoggingOff } from "../../../src/rules/envoy/access-logging-off.js";
import { loadPaths, loadText } from "../../../src/sources/files.js";
import { ViewBuilder } from "../../../src/view/builder.js";
import { proxyAgentLines, catalogGatewayRequests, textLine } from "../../envoy/fixtures/access-lines.js";

const GATEWAY = "istio-ingressgateway-74df47f5f9-nv65v";

/** The lab's istio-system (gateway pod, istio ConfigMap), its mesh config replaced, plus the gateway's istio-proxy log as `envoy logs --pod` reads it. */
function gatewayView(options: { mesh?: string; telemetry?: string; lines: string[] }) {
  const builder = new ViewBuilder();
  loadPaths([resolve(import.meta.dirname, "../../../examples/lab/namespaces/istio-system")], builder);
  if (options.mesh !== undefined) loadText(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n${options.mesh.replace(/^/gm, "    ")}\n`, "istio.yaml", "istio.yaml", builder);
  if (options.telemetry) loadText(options.telemetry, "telemetry.yaml", "telemetry.yaml", builder);
  builder.envoy.accessLogs.push({ origin: { file: `kubectl logs ${GATEWAY} -c istio-proxy` }, proxy: `${GATEWAY}.istio-system`, summary: summarizeLines(options.lines, { containerLog: true }) });
  return builder.build({ mode: "offline" });
}

// Istio's default profile: no accessLogFile.
const defaultProfileMesh = "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\nrootNamespace: istio-system\ntrustDomain: cluster.local";

describe("envoy/access-logging-off", () => {
  it("MeshConfig accessLogFile empty and no Telemetry: a finding with the Telemetry that enables it", () => {
    const findings = analyzeRule(accessLoggingOff, gatewayView({ mesh: defaultProfileMesh, lines: proxyAgentLines }));
    expect(findings).toHaveLength(1);
    const finding = findings[0]!;
    expect(finding.resource).toMatchObject({ kind: "Pod", namespace: "istio-system", name: GATEWAY });
    expect(finding.summary).toBe(`access logging is off for istio-system/${GATEWAY} (meshConfig.accessLogFile): its proxy writes no request lines`);
    expect(finding.evidence[0]!.text).toBe("meshConfig.accessLogFile is not set, and no Telemetry in istio-system or istio-system configures accessLogging");
    expect(finding.fix?.yaml?.after).toBe("apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: access-logs\n  namespace: istio-system\nspec:\n  accessLogging:\n  - providers:\n    - name: envoy\n");
  });

  it("the lab's mesh (accessLogFile: /dev/stdout) logs requests: nothing to report", () => {
    expect(analyzeRule(accessLoggingOff, gatewayView({ lines: catalogGatewayRequests(5).map(textLine) }))).toEqual([]);
  });

  it("a root-namespace Telemetry enables access logs without accessLogFile", () => {
    const telemetry = "apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  accessLogging:\n  - providers:\n    - name: envoy\n";
    const view = gatewayView({ mesh: defaultProfileMesh, telemetry, lines: proxyAgentLines });
    expect(analyzeRule(accessLoggingOff, view)).toEqual([]);
    expect(accessLoggingFor(view, "istio-system", { app: "istio-ingressgateway" })).toMatchObject({ enabled: true, decidedBy: "Telemetry istio-system/mesh-default", providers: ["envoy"] });
  });

  it("a workload Telemetry with disabled: true overrides accessLogFile", () => {
    const telemetry = "apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: gateway-quiet\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels:\n      app: istio-ingressgateway\n  accessLogging:\n  - disabled: true\n";
    const findings = analyzeRule(accessLoggingOff, gatewayView({ telemetry, lines: proxyAgentLines }));
    expect(findings.map((finding) => finding.summary)).toEqual([`access logging is off for istio-system/${GATEWAY} (Telemetry istio-system/gateway-quiet): its proxy writes no request lines`]);
    expect(findings[0]!.evidence[0]).toMatchObject({ path: "telemetry.yaml", line: 10 });
  });
});
