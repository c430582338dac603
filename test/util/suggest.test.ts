import { describe, expect, it } from "vitest";
import { editDistance, nearest, nearestWithin } from "../../src/util/suggest.js";

describe("did-you-mean suggestions", () => {
  it("edit distance, and its bound", () => {
    expect(editDistance("passwrod", "password")).toBe(2);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("a", "abcdefgh", 2)).toBe(3);
  });
  const typo = { compare: "exact", allowed: (length: number) => Math.max(2, Math.floor(length / 3)) } as const;
  it("takes the nearest name within the allowed edits, the first of equals", () => {
    expect(nearest("reviwes", ["ratings", "reviews", "reviewz"], typo)).toBe("reviews");
    expect(nearest("details", ["ratings", "productpage"], typo)).toBeUndefined();
  });
  it("folded names ignore case and separators", () => {
    expect(nearest("DB_PASSWORD", ["db-password", "api-key"], { compare: "folded", allowed: () => 0 })).toBe("db-password");
    expect(nearest("DB_PASSWORD", ["db-password"], { compare: "exact", allowed: () => 1 })).toBeUndefined();
  });
  it("prefixes and -suffix extensions count when asked", () => {
    expect(nearest("db", ["db-headless-service"], { ...typo, prefixes: true })).toBe("db-headless-service");
    expect(nearest("db", ["db-headless-service"], typo)).toBeUndefined();
    expect(nearest("db", ["db-headless-service"], { ...typo, dashExtensions: true })).toBe("db-headless-service");
    expect(nearest("db", ["db-a-long-one", "db-b-long-one"], { ...typo, dashExtensions: true })).toBeUndefined();
  });
  it("nearest within a fixed distance, ignoring case", () => {
    expect(nearestWithin("sidecar.istio.io/Inject", ["sidecar.istio.io/inject"], 1)).toBe("sidecar.istio.io/inject");
    expect(nearestWithin("foo", ["barbaz"], 1)).toBeUndefined();
  });
});
