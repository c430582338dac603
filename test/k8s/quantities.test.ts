import { describe, expect, it } from "vitest";
import { formatBytes, formatMemory, jvmHeapOf, parseQuantity, roundMemoryUp } from "../../src/k8s/quantities.js";
import { formatDuration, parseAge, parseGoDuration } from "../../src/k8s/durations.js";

describe("resource quantities as Kubernetes parses them", () => {
  it.each([
    ["128Mi", 128 * 2 ** 20],
    ["1.5Gi", 1.5 * 2 ** 30],
    [".5Gi", 0.5 * 2 ** 30],
    ["1.", 1],
    ["500m", 0.5],
    ["1e3", 1000],
    ["2E-3", 0.002],
    ["1k", 1000],
    ["1M", 1e6],
    ["-1", -1],
  ])("%s", (text, expected) => {
    expect(parseQuantity(text)).toBeCloseTo(expected);
  });

  it.each(["1K", "1e3Mi", "1 core", "Mi", "", "1.5.5Gi", "0x10"])("refuses %j", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it("takes YAML numbers as they are", () => {
    expect(parseQuantity(2)).toBe(2);
    expect(parseQuantity(Number.NaN)).toBeUndefined();
    expect(parseQuantity(undefined)).toBeUndefined();
  });

  it("prints memory back", () => {
    expect(formatMemory(300 * 2 ** 20 + 1)).toBe("301Mi");
    expect(formatMemory(2 ** 31)).toBe("2Gi");
    expect(formatBytes(512 * 2 ** 20)).toBe("512Mi");
    expect(roundMemoryUp(100 * 2 ** 20)).toBe(128 * 2 ** 20);
  });

  it("reads JVM heap flags", () => {
    expect(jvmHeapOf("java -Xmx2g -jar app.jar")).toEqual({ maxHeapBytes: 2 * 2 ** 30, flag: "-Xmx2g" });
    expect(jvmHeapOf("-XX:MaxRAMPercentage=75.0")).toEqual({ maxRamPercentage: 75, flag: "-XX:MaxRAMPercentage=75.0" });
  });
});

describe("durations as kubelet and kubectl print them", () => {
  it("reads and prints", () => {
    expect(parseGoDuration("2m40s")).toBe(160);
    expect(parseGoDuration("")).toBeUndefined();
    expect(parseAge("2d5h")).toBe(2 * 86400 + 5 * 3600);
    expect(formatDuration(200)).toBe("3m20s");
  });
});
