// What the watcher publishes, on the lab's real findings: the Event's note and
// name (the API server's limits: a note of at most 1 kB, a DNS-subdomain name of
// at most 253 characters) and the JSON line.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube.js";
import { allRules } from "../../src/rules/index.js";
import { Diagnoser, LogCache, type FindingChange } from "../../src/watch/diagnoser.js";
import { eventName, eventNote, microTime } from "../../src/watch/events.js";
import { jsonLine } from "../../src/watch/json-lines.js";
import { parseListen } from "../../src/watch/metrics.js";
import { ObjectStore } from "../../src/watch/store.js";

const lab = resolve(import.meta.dirname, "../../examples/lab");

function labChanges(namespaces: string[]): FindingChange[] {
  const store = new ObjectStore();
  const read = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { items?: KubeObject[] }).items ?? [];
  for (const file of readdirSync(join(lab, "cluster"))) for (const object of read(join(lab, "cluster", file))) store.apply("added", object);
  for (const namespace of namespaces) for (const file of readdirSync(join(lab, "namespaces", namespace))) for (const object of read(join(lab, "namespaces", namespace, file))) store.apply("added", object);
  const diagnoser = new Diagnoser(store, new LogCache(), allRules);
  return namespaces.flatMap((namespace) => diagnoser.diagnose(namespace, "all", new Date("2025-06-02T10:45:00Z")));
}

describe("watch outputs", () => {
  const changes = labChanges(["lab-oom", "lab-image-pull", "lab-secret-typo", "bookinfo"]);

  it("gives every finding an Event note within the API server's 1 kB, with the cause first and the rule to explain last", () => {
    expect(changes.length).toBeGreaterThan(5);
    for (const change of changes) {
      const note = eventNote(change);
      expect(note.length).toBeLessThanOrEqual(1024);
      expect(note.startsWith(`${change.cause}: `)).toBe(true);
      expect(note).toMatch(new RegExp(`First action: .+\\. \\(ktriage explain ${change.finding.rule.replace("/", "\\/")}\\)$`));
    }
    const long = { ...changes[0]!, finding: { ...changes[0]!.finding, summary: "x ".repeat(2000) } };
    expect(eventNote(long).length).toBeLessThanOrEqual(1024);
    expect(eventNote(long)).toMatch(/… First action: /);
  });

  it("names each Event as the kubelet does (object.hash), a valid name, the same for the same diagnosis and another for another cause or action", () => {
    const names = new Set<string>();
    for (const change of changes) {
      const name = eventName(change);
      expect(name.length).toBeLessThanOrEqual(253);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(name.startsWith(`${change.finding.resource.name}.`)).toBe(true);
      expect(eventName({ ...change, finding: { ...change.finding, summary: `${change.finding.summary} (again)` } })).toBe(name);
      expect(eventName({ ...change, action: `${change.action} now` })).not.toBe(name);
      names.add(name);
    }
    expect(names.size).toBe(changes.length);
    const longName = { ...changes[0]!, finding: { ...changes[0]!.finding, resource: { ...changes[0]!.finding.resource, name: "a".repeat(253) } } };
    expect(eventName(longName).length).toBe(253);
  });

  it("prints one JSON line a change: the fields a log shipper indexes, then the finding (none when resolved)", () => {
    const change = changes.find((each) => each.finding.rule === "pod/oom-killed")!;
    const line = JSON.parse(jsonLine(change, new Date("2026-01-01T00:00:00Z")));
    expect(line).toMatchObject({ time: "2026-01-01T00:00:00.000Z", change: "new", id: change.id, rule: "pod/oom-killed", kind: "Pod", namespace: "lab-oom", summary: change.finding.summary, cause: change.cause, action: change.action });
    expect(line.finding.evidence.length).toBeGreaterThan(0);
    const resolved = JSON.parse(jsonLine({ ...change, change: "resolved" }));
    expect(resolved.change).toBe("resolved");
    expect(resolved.finding).toBeUndefined();
    expect(jsonLine(change)).not.toContain("\n");
  });

  it("writes MicroTime as the API wants it and reads --listen as HOST:PORT", () => {
    expect(microTime(new Date("2026-12-02T03:38:08.529Z"))).toBe("2026-12-02T03:38:08.529000Z");
    expect(parseListen(":8080")).toEqual({ host: undefined, port: 8080 });
    expect(parseListen("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseListen("[::1]:9090")).toEqual({ host: "::1", port: 9090 });
    expect(() => parseListen("8080")).toThrow(/HOST:PORT/);
    expect(() => parseListen(":70000")).toThrow(/HOST:PORT/);
  });
});
