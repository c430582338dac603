import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigDump } from "../../src/envoy/config-dump.js";
import { loadConfigDumpFile, resolveLargeEnvoyInputs } from "../../src/sources/envoy-load.js";
import { envoyData } from "../../src/envoy/view-data.js";
import { ViewBuilder } from "../../src/view/builder.js";
import { catalogGatewayRequests, textLine } from "./fixtures/access-lines.js";

const scratchDirs: string[] = [];
/** A temp folder removed when the file's tests end. */
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const peer = resolve(import.meta.dirname, "../../../shared/peer/istioctl-proxyconfig");

describe("large Envoy inputs the file loader leaves for later", () => {
  it("indexes a dump registered as { streamFrom } and summarises an access log registered by path", async () => {
    const dir = scratchDir("ktriage-load-");
    const log = join(dir, "access.log");
    writeFileSync(log, catalogGatewayRequests(20).map(textLine).join("\n") + "\n");
    const builder = new ViewBuilder();
    const dumpPath = join(peer, "writer__compare__configdump.json");
    builder.envoy.configDumps.push({ proxy: "productpage-v1-6b746f74dc-9stvs.default", origin: { file: dumpPath }, dump: { streamFrom: dumpPath } });
    builder.envoy.configDumps.push({ origin: { file: join(dir, "missing.json") }, dump: { streamFrom: join(dir, "missing.json") } });
    builder.envoy.accessLogs.push({ origin: { file: log }, path: log });
    const problems: string[] = [];
    await resolveLargeEnvoyInputs(builder.envoy, (origin, message) => problems.push(`${origin.file}: ${message}`));
    const view = builder.build({ mode: "offline" });
    const data = envoyData(view);
    expect(data.dumps).toHaveLength(1);
    const loaded = await loadConfigDumpFile(dumpPath);
    expect("dump" in loaded && loaded.dump.clusters().length).toBe(data.dumps[0]!.dump.clusters().length);
    expect(data.accessLogs[0]!.summary.entries).toBe(20);
    expect(problems).toEqual([`${join(dir, "missing.json")}: Envoy config dump: cannot read ${join(dir, "missing.json")}: no such file or directory`]);
  });

  it("says what is wrong with a file that is JSON but not a dump", async () => {
    const dir = scratchDir("ktriage-load-");
    const path = join(dir, "pods.json");
    writeFileSync(path, JSON.stringify({ apiVersion: "v1", kind: "List", items: [] }));
    const loaded = await loadConfigDumpFile(path);
    expect("error" in loaded && loaded.error).toMatch(/not an Envoy config dump \(no "configs" list\)/);
    expect(ConfigDump.fromBuffer(Buffer.from("{}"))).toBeUndefined();
  });
});
