import { describe, expect, it } from "vitest";
import { parseLabelSelector } from "../../src/util/selector.js";

describe("label selectors as kubectl reads them", () => {
  const labels = { app: "api", tier: "web", env: "prod" };
  it.each([
    ["app=api", true],
    ["app==api,tier=web", true],
    ["app=api,tier!=web", false],
    ["env in (prod,stage)", true],
    ["env notin (prod)", false],
    ["!legacy", true],
    ["tier", true],
    ["canary", false],
  ])("%s -> %s", (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it("rejects what kubectl rejects", () => {
    expect(() => parseLabelSelector("app=(x")).toThrow(/invalid label selector/);
  });
});
