import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANCHORED_PATTERNS, replaceNearAnchors } from "../../src/util/redact.js";

const shared = join(__dirname, "../../../shared");

function textsUnder(dir: string, limit: number): string[] {
  const texts: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      if (texts.length >= limit) return;
      const child = join(path, name);
      const stat = statSync(child);
      if (stat.isDirectory()) walk(child);
      else if (stat.size < 2_000_000) texts.push(readFileSync(child, "utf8"));
    }
  };
  walk(dir);
  return texts;
}

/** Deterministic pseudo-random texts dense in the characters and words the patterns and anchors look for. */
function fuzzTexts(count: number): string[] {
  const pieces = ["token", "TOKEN", "auth", "authorization", "password", "secret_key", "api-key", "cookie", "@", ":", "://", "/", "=", ": ", "\"", " ", "\n", "\t", "-", ".", "x", "ab1", "user", "host.example.com", "[REDACTED]", "Bearer ", "name: ", "value: ", "{", "}", ",", "é", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"];
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = "";
    const length = 1 + Math.floor(next() * 120);
    for (let j = 0; j < length; j++) text += pieces[Math.floor(next() * pieces.length)];
    texts.push(text);
  }
  return texts;
}

const credentialTexts = [
  "postgres://admin:s3cret@db.example.com/x and redis://:pw123456@cache:6379 then https://u:p@h.io/",
  "image: registry-user:hunter2@registry.example.com/app:1.0, authority user:pass@10.0.0.1:8080",
  `{"password": "abc123", "api_key":"xyz", "token" : 12345, "Authorization": "Bearer abcdefghijkl"}`,
  "DB_PASSWORD=hunter2 ACCESS_KEY=abc oauth_token=zzz secretKeyRef: {name: db} SESSION_ID=42",
  `${"a".repeat(70)}token=abc ${"b".repeat(64)}password: x ${"c".repeat(63)}auth=y`,
];

describe("redaction tried only near anchors", () => {
  const texts = [...credentialTexts, ...fuzzTexts(3000), ...textsUnder(join(shared, "cases/pods"), 400), ...textsUnder(join(shared, "reference"), 200)];

  it("replaces exactly what a scan of the whole text replaces", () => {
    expect(ANCHORED_PATTERNS.length).toBe(3);
    let changed = 0;
    for (const text of texts) {
      for (const { pattern, replacement, near } of ANCHORED_PATTERNS) {
        const expected = text.replace(pattern, replacement as string);
        if (expected !== text) changed++;
        expect(replaceNearAnchors(text, pattern, replacement, near)).toBe(expected);
      }
    }
    expect(changed).toBeGreaterThan(500);
  });

  it("finds matches whose key runs up to the longest key a pattern allows", () => {
    for (const { pattern, replacement, near } of ANCHORED_PATTERNS) {
      for (const text of [`x ${"k".repeat(64)}token=abcdef`, `${"u".repeat(128)}:${"p".repeat(256)}@host.example.com`, `${"s".repeat(31)}://u:p@host.example.com`]) {
        expect(replaceNearAnchors(text, pattern, replacement, near)).toBe(text.replace(pattern, replacement as string));
      }
    }
  });
});
