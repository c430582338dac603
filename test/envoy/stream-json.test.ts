import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StreamingJsonParser } from "../../src/envoy/stream-json.js";
import { readJsonStreaming } from "../../src/sources/envoy-load.js";

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
const dumps = ["proxyconfig__config_dump.json", "writer__compare__configdump.json", "writer__endpoint__configdump.json", "writer__secret__spire__config_dump.json"];

function parseInChunks(bytes: Buffer, chunkSize: number, depth: number): unknown {
  const parser = new StreamingJsonParser(depth);
  for (let offset = 0; offset < bytes.length; offset += chunkSize) parser.write(bytes.subarray(offset, offset + chunkSize));
  return parser.end();
}

describe("streaming JSON reader for config dumps over 512 MB", () => {
  for (const name of dumps) {
    it(`reads ${name} exactly as JSON.parse does, whatever the chunk size`, () => {
      const bytes = readFileSync(resolve(peer, name));
      const expected = JSON.parse(bytes.toString("utf8"));
      for (const chunkSize of [1, 7, 4096, bytes.length]) {
        for (const depth of [0, 2, 4, 100]) expect(parseInChunks(bytes, chunkSize, depth)).toEqual(expected);
      }
    });
  }

  it("keeps escapes, unicode and literals", () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\"y\\\\",{"k":"\\u00e9\\n"}],"b":{"c":[[],{}]},"d":"한국어"}';
    for (const depth of [0, 1, 2, 3]) expect(parseInChunks(Buffer.from(text), 3, depth)).toEqual(JSON.parse(text));
  });

  it("reports a truncated dump instead of returning part of it", async () => {
    const bytes = readFileSync(resolve(peer, "proxyconfig__config_dump.json"));
    const dir = scratchDir("ktriage-json-");
    const path = join(dir, "truncated.json");
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readJsonStreaming(path)).rejects.toThrow(/truncated/);
  });

  it("reports bytes that are not JSON with their offset", () => {
    expect(() => parseInChunks(Buffer.from('{"configs": [}'), 4, 4)).toThrow(/unexpected '}' at byte 13/);
  });
});
