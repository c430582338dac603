import { describe, expect, it } from "vitest";
import { jsonMayNeedRedaction, redact } from "../../src/util/redact.js";

const credentials = [
  { env: [{ name: "DB_PASSWORD", value: "hunter2hunter2" }] },
  { "api_key": "abcdefgh12345" },
  { text: "Authorization: Bearer abcdefghijklmnop" },
  { url: "postgres://admin:s3cret@db.example.com/x" },
  { key: "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----" },
  { text: "\token=abcdefghijk" },
  { ["pass" + "word"]: 5 },
  [{ deep: { deeper: ["ghp_" + "a".repeat(36)] } }],
];

describe("jsonMayNeedRedaction", () => {
  it("says so for every JSON document holding a credential", () => {
    for (const document of credentials) {
      expect(redact(JSON.stringify(document, null, 2))).not.toBe(JSON.stringify(document, null, 2));
      expect(jsonMayNeedRedaction(document)).toBe(true);
    }
  });

  it("clears only documents redact leaves unchanged", () => {
    const plain = [{ rule: "k8s/no-probe", summary: "Pod web has no readiness probe", line: 3, ok: true, none: null }, ["a", "b", { c: "d\n" }]];
    for (const document of plain) {
      expect(jsonMayNeedRedaction(document)).toBe(false);
      expect(redact(JSON.stringify(document, null, 2))).toBe(JSON.stringify(document, null, 2));
    }
  });

  it("does not clear values JSON writes through toJSON or as class instances", () => {
    expect(jsonMayNeedRedaction({ at: new Date(0) })).toBe(true);
    expect(jsonMayNeedRedaction({ map: new Map() })).toBe(true);
  });
});
