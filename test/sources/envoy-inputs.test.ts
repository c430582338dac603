import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/engine.js";
import { AccessLogSummary } from "../../src/envoy/access-log/summary.js";
import { ConfigDump } from "../../src/envoy/config-dump.js";
import { envoyData } from "../../src/envoy/view-data.js";
import { allRules } from "../../src/rules/index.js";
import { parseEnvoyInputs } from "../../src/sources/envoy.js";
import { viewFromPaths } from "../../src/sources/load-view.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { catalogGatewayDump } from "../envoy/fixtures/catalog-gateway-dump.js";

const peer = resolve(import.meta.dirname, "../../../shared/peer/istioctl-proxyconfig");
const lab = resolve(import.meta.dirname, "../../examples/lab/envoy");
const gatewayLog = join(lab, "istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log");

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A snapshot folder with Envoy inputs under envoy/<ns>/<pod>/, as `ktriage snapshot` writes them. */
function snapshot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "ktriage-envoy-inputs-"));
  scratch.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function problemsOf(root: string) {
  const view = viewFromPaths([root]);
  const result = runRules(allRules, view, { scope: "diagnose" });
  return { view, result, problems: view.inputs.problems.map((problem) => `${problem.origin.file.slice(root.length + 1)}:${problem.origin.line}: ${problem.message}`) };
}

describe("bad Envoy input is an input problem, found when the view is built", () => {
  const dump = readFileSync(join(peer, "writer__compare__configdump.json"), "utf8");
  const requests = readFileSync(gatewayLog, "utf8");

  it("a truncated config dump names its file and line; the other proxy's dump and log are still read", () => {
    const truncated = dump.slice(0, 30_000);
    const root = snapshot({
      "envoy/default/productpage-v1-6b746f74dc-9stvs/config_dump.json": truncated,
      "envoy/default/reviews-v1-545db77b95-2nkbq/config_dump.json": dump,
      "envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log": requests,
    });
    const { view, result, problems } = problemsOf(root);
    const line = truncated.split("\n").length;
    expect(problems).toEqual([`envoy/default/productpage-v1-6b746f74dc-9stvs/config_dump.json:${line}: Envoy config dump the config dump is truncated (JSON ends early), at line ${line}`]);
    expect(result.failures).toEqual([]);
    const data = envoyData(view);
    expect(data.dumps.map((entry) => entry.proxy)).toEqual(["reviews-v1-545db77b95-2nkbq.default"]);
    expect(data.accessLogs.map((entry) => entry.summary.entries)).toEqual([126]);
  });

  it("JSON that is not a config dump is one problem at line 1, not a rule failure", () => {
    const root = snapshot({ "envoy/default/productpage-v1-6b746f74dc-9stvs/config_dump.json": JSON.stringify({ kind: "Status", status: "Failure", message: "pods \"productpage-v1\" not found" }) });
    const { view, result, problems } = problemsOf(root);
    expect(problems).toEqual(['envoy/default/productpage-v1-6b746f74dc-9stvs/config_dump.json:1: Envoy config dump: not an Envoy config dump (no "configs" list); give the output of `curl localhost:15000/config_dump` or `istioctl proxy-config all -o json`']);
    expect(result.failures).toEqual([]);
    expect(envoyData(view).dumps).toEqual([]);
  });

  it("a line in an access log that is not an access-log line is reported at its line; the requests around it are read", () => {
    const lines = requests.split("\n");
    const error = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
    lines.splice(40, 0, error);
    const root = snapshot({ "envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log": lines.join("\n") });
    const { view, result, problems } = problemsOf(root);
    expect(problems).toEqual([`envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/access.log:41: access log: 1 line is not in Istio's TEXT or JSON format, or the one given with --format; skipped (the 126 requests are read)`]);
    expect(result.failures).toEqual([]);
    expect(envoyData(view).accessLogs.map((entry) => entry.summary.entries)).toEqual([126]);
  });

  it("a file named access.log that holds no access-log line says so once", () => {
    const root = snapshot({ "envoy/default/productpage-v1-6b746f74dc-9stvs/access.log": "Error from server (BadRequest): container \"istio-proxy\" in pod \"productpage-v1-6b746f74dc-9stvs\" is waiting to start: PodInitializing\n" });
    const { problems } = problemsOf(root);
    expect(problems).toEqual(["envoy/default/productpage-v1-6b746f74dc-9stvs/access.log:1: access log: not an access log: no line of it is in Istio's TEXT or JSON format, or the one given with --format"]);
  });

  it("a proxy-status row cut short is reported at its line; the other rows are read", () => {
    const lines = readFileSync(join(lab, "proxy-status.txt"), "utf8").split("\n");
    const rows = lines.filter((line) => line.trim() !== "").length - 1;
    lines.splice(2, 0, "reviews-v2-7bf8c9648f-kx7hd.default     Kubernetes     SYNCED");
    const root = snapshot({ "envoy/proxy-status.txt": lines.join("\n") });
    const { view, result, problems } = problemsOf(root);
    expect(problems).toEqual(["envoy/proxy-status.txt:3: proxy-status: missing ECDS"]);
    expect(result.failures).toEqual([]);
    expect(envoyData(view).proxyStatus[0]!.table.rows.length).toBe(rows);
  });

  it("a dump given alone is named after the proxy its bootstrap names, before any rule runs", () => {
    const root = snapshot({ "gateway-dump.json": JSON.stringify(catalogGatewayDump({ withSubsets: true })) });
    const view = viewFromPaths([join(root, "gateway-dump.json")]);
    expect(view.inputs.problems).toEqual([]);
    expect(view.envoy.configDumps.map((input) => input.proxy)).toEqual(["istio-ingressgateway-74df47f5f9-nv65v.istio-system"]);
    expect(envoyData(view).dumps.map((entry) => entry.proxy)).toEqual(["istio-ingressgateway-74df47f5f9-nv65v.istio-system"]);
  });

  it("a bootstrap with no node is one problem at line 1; the dump is still read under the proxy its path names", () => {
    const dump = catalogGatewayDump({ withSubsets: true }) as { configs: Array<Record<string, unknown>> };
    const bootstrap = dump.configs.find((config) => String(config["@type"]).endsWith("BootstrapConfigDump"))!;
    bootstrap.bootstrap = { static_resources: {} };
    const root = snapshot({ "envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/config_dump.json": JSON.stringify(dump) });
    const { view, result, problems } = problemsOf(root);
    expect(problems).toEqual(["envoy/istio-system/istio-ingressgateway-74df47f5f9-nv65v/config_dump.json:1: Envoy config dump: its bootstrap section has no node, so it does not say which proxy the dump is from; the rest of the dump is read"]);
    expect(result.failures).toEqual([]);
    expect(envoyData(view).dumps.map((entry) => entry.proxy)).toEqual(["istio-ingressgateway-74df47f5f9-nv65v.istio-system"]);
  });

  it("a bootstrap that cannot be parsed in a dump read as bytes is an input problem at line 1, not a rule failure", () => {
    const text = JSON.stringify(catalogGatewayDump({ withSubsets: true })).replace('"bootstrap":{', '"bootstrap":{"node":nope,');
    const dump = ConfigDump.fromBuffer(Buffer.from(text))!;
    expect(dump).toBeDefined();
    const builder = new ViewBuilder();
    builder.envoy.configDumps.push({ origin: { file: "big-dump.json" }, dump });
    parseEnvoyInputs(builder.envoy, (origin, message) => builder.addProblem(origin, message));
    const view = builder.build({ mode: "offline" });
    expect(view.inputs.problems.map((problem) => `${problem.origin.file}:${problem.origin.line}: ${problem.message.replace(/\(.*\)/, "(...)")}`)).toEqual(["big-dump.json:1: Envoy config dump: its bootstrap section cannot be read (...), so it does not say which proxy the dump is from; the rest of the dump is read"]);
    // The rules that read config dumps run even with nothing else to read: the first of them used to fail parsing the bootstrap.
    const result = runRules(allRules, view, { scope: "diagnose", runRulesWithNothingToRead: true });
    expect(result.failures).toEqual([]);
    expect(envoyData(view).dumps.map((entry) => entry.proxy)).toEqual([undefined]);
  });

  it("an istio-proxy container log is summarised by the source that reads it; the rules read that summary", () => {
    const root = snapshot({ "logs/istio-system/istio-ingressgateway-74df47f5f9-nv65v/istio-proxy.log": requests });
    const view = viewFromPaths([root]);
    const stream = view.logs.find((log) => log.container === "istio-proxy")!;
    expect(stream.accessLogSummary).toBeInstanceOf(AccessLogSummary);
    expect((stream.accessLogSummary as AccessLogSummary).entries).toBe(126);
    const [log] = envoyData(view).accessLogs;
    expect(log!.fromContainerLog).toBe(true);
    expect(log!.summary).toBe(stream.accessLogSummary);
  });
});
