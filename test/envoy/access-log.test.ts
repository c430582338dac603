import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { scanIstioTextLine } from "../../src/envoy/access-log/fast-parsers.js";
import { compileFormat, parseIstioTextLine, parseJsonLine } from "../../src/envoy/access-log/format.js";
import { AccessLogReader, summarizeLines } from "../../src/envoy/access-log/reader.js";
import { RESPONSE_FLAGS, responseFlag, splitResponseFlags } from "../../src/envoy/access-log/response-flags.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { blackHoleLines, connectFailureLines, downstreamDisconnectLines, noRouteLines, rbacDeniedLines } from "./fixtures/failure-lines.js";
import { jsonLine, proxyAgentLines, catalogGatewayRequests, textLine } from "./fixtures/access-lines.js";
import { readAccessLogStream } from "../../src/sources/access-log-files.js";

const requests = catalogGatewayRequests(30);
const textLines = [...requests.map(textLine), ...connectFailureLines, ...noRouteLines, ...downstreamDisconnectLines, ...rbacDeniedLines, ...blackHoleLines];

describe("access-log parsing", () => {
  it("reads Istio's default TEXT format field by field", () => {
    const entry = parseIstioTextLine(textLine(requests[1]!))!;
    expect(entry).toMatchObject({
      method: "GET",
      path: "/items",
      protocol: "HTTP/1.1",
      responseCode: 504,
      responseFlags: "UT",
      responseCodeDetails: "response_timeout",
      bytesSent: 24,
      duration: 501,
      upstreamServiceTime: "",
      authority: "catalog.istioinaction.io",
      upstreamHost: "10.244.0.19:3000",
      upstreamCluster: "outbound|80|version-v2|catalog.istioinaction.svc.cluster.local",
      routeName: "",
    });
  });

  it("the fast TEXT scanner returns exactly what the compiled format does, on every kind of line", () => {
    for (const line of textLines) expect(scanIstioTextLine(line)).toEqual(parseIstioTextLine(line));
  });

  it("reads the JSON encoding into the same entry as the TEXT line", () => {
    for (const request of requests) {
      const fromText = parseIstioTextLine(textLine(request))!;
      const fromJson = parseJsonLine(jsonLine(request))!;
      expect(fromJson).toEqual(fromText);
    }
  });

  it("compiles a custom meshConfig.accessLogFormat", () => {
    const parse = compileFormat('%START_TIME% %REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS_LONG% %DURATION% "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%\n');
    const entry = parse('2025-10-26T06:12:10.107Z GET /items 504 UpstreamRequestTimeout 501 "10.244.0.19:3000" outbound|80|version-v2|catalog.istioinaction.svc.cluster.local');
    expect(entry).toMatchObject({ responseCode: 504, responseFlags: "UpstreamRequestTimeout", duration: 501, upstreamHost: "10.244.0.19:3000" });
    expect(splitResponseFlags(entry!.responseFlags)).toEqual(["UT"]);
    expect(parse("not a line of that format")).toBeUndefined();
  });

  it("splits comma-separated, concatenated and long-name flags", () => {
    expect(splitResponseFlags("UF,URX")).toEqual(["UF", "URX"]);
    expect(splitResponseFlags("UFURX")).toEqual(["UF", "URX"]);
    expect(splitResponseFlags("-")).toEqual([]);
    expect(splitResponseFlags("NoHealthyUpstream")).toEqual(["UH"]);
  });

  it("knows every flag in the reference table with its long name", () => {
    const reference = readFileSync(resolve(import.meta.dirname, "../../../shared/reference/response-flags.tsv"), "utf8").trim().split("\n").slice(1);
    for (const row of reference) {
      const [code, longName] = row.split("\t");
      expect(responseFlag(code!)?.longName, code).toBe(longName);
    }
    expect(RESPONSE_FLAGS.length).toBe(reference.length);
  });
});

describe("access-log summary", () => {
  it("groups by code, flag, cluster and host with percentiles", () => {
    const summary = summarizeLines(requests.map(textLine));
    expect(summary.entries).toBe(30);
    expect(summary.codes.get(504)).toBe(summary.issues.get("UT")!.count);
    const slow = summary.byHost.get("10.244.0.19:3000")!;
    const fast = summary.byHost.get("10.244.0.18:3000")!;
    expect(slow.durations.percentile(0.5)).toBe(501);
    expect(fast.durations.percentile(0.99)).toBeLessThan(30);
    expect(slow.cluster).toBe("outbound|80|version-v2|catalog.istioinaction.svc.cluster.local");
  });

  it("counts UF,URX on one line as one failed request", () => {
    const summary = summarizeLines(connectFailureLines);
    expect(summary.issues.get("CONNECT")!.count).toBe(connectFailureLines.length);
    expect([...summary.issues.get("CONNECT")!.flags.keys()]).toEqual(["UF", "URX"]);
  });

  it("reports lines that match no format with their line numbers, and reads the rest", () => {
    const lines = [textLine(requests[0]!), "GET /items 200", textLine(requests[1]!), '{"level":"info","msg":"not an access log"}', jsonLine(requests[2]!)];
    const summary = summarizeLines(lines);
    expect(summary.entries).toBe(3);
    expect(summary.skipped.count).toBe(2);
    expect(summary.skipped.samples.map((sample) => sample.line)).toEqual([2, 4]);
    expect(summary.textEntries).toBe(2);
    expect(summary.jsonEntries).toBe(1);
  });

  it("skips pilot-agent lines in an istio-proxy container log without calling them bad input", () => {
    const summary = summarizeLines([...proxyAgentLines, textLine(requests[0]!)], { containerLog: true });
    expect(summary.entries).toBe(1);
    expect(summary.otherLines).toBe(proxyAgentLines.length);
    expect(summary.skipped.count).toBe(0);
  });

  it("streams in chunks with the same result as in memory, whatever the chunk boundaries", async () => {
    const text = textLines.join("\n") + "\n" + jsonLine(requests[3]!);
    const bytes = Buffer.from(text);
    for (const size of [1, 13, 4096]) {
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
      const streamed = await readAccessLogStream(new AccessLogReader(), Readable.from(chunks));
      const inMemory = summarizeLines(text.split("\n"));
      expect(streamed.entries).toBe(inMemory.entries);
      expect(Object.fromEntries(streamed.codes)).toEqual(Object.fromEntries(inMemory.codes));
      expect(streamed.issues.get("UT")!.samples).toEqual(inMemory.issues.get("UT")!.samples);
    }
  });
});

describe("the JSON fast path", () => {
  it("reads successful requests to the same summary as a full parse, and leaves every other line to JSON.parse", async () => {
    const { scanSuccessfulJsonLine } = await import("../../src/envoy/access-log/fast-parsers.js");
    for (const request of catalogGatewayRequests(30)) {
      const line = jsonLine(request);
      const fast = scanSuccessfulJsonLine(line);
      const full = parseJsonLine(line)!;
      if (request.code === 200) {
        expect(fast).toMatchObject({ responseCode: full.responseCode, duration: full.duration, upstreamCluster: full.upstreamCluster, upstreamHost: full.upstreamHost, responseFlags: "" });
      } else {
        expect(fast).toBeUndefined();
      }
    }
    expect(scanSuccessfulJsonLine('{"response_code":200,"response_flags":"-","upstream_host":"10.0.0.1:80\\u0022"}')).toBeUndefined();
    expect(scanSuccessfulJsonLine('{"response_code":200,"response_flags":"-","duration":3')).toBeUndefined();
  });
});
