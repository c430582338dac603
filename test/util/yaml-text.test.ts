import { load, CORE_SCHEMA } from "js-yaml";
import { describe, expect, it } from "vitest";
import { writtenValueOf, yamlText } from "../../src/util/yaml-text.js";

describe("a fix's YAML read back from the value it was written from", () => {
  const values: Record<string, unknown>[] = [
    { spec: { template: { spec: { containers: [{ name: "app", resources: { limits: { memory: "512Mi" }, requests: { cpu: "100m" } } }] } } } },
    { spec: { volumes: [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }], replicas: 3, paused: false, hostNetwork: null } },
    { metadata: { labels: { version: "1.0", "istio-injection": "enabled", quoted: "true", number: "8080", empty: {} } } },
    { spec: { skipped: undefined, onlyUndefined: { a: undefined }, list: [1, "two", { name: "x", value: undefined }], none: [] } },
  ];

  it("is what js-yaml reads from the text (keys with undefined values left out)", () => {
    for (const value of values) {
      const text = yamlText(value);
      expect(writtenValueOf(text), text).toEqual(load(text, { schema: CORE_SCHEMA }));
    }
  });

  it("is unknown for text ktriage did not write directly", () => {
    expect(writtenValueOf("spec:\n  replicas: 2\n  extra: true\n")).toBeUndefined();
    expect(writtenValueOf(yamlText({ spec: { command: "line one\nline two" } }))).toBeUndefined();
  });
});
