import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MissingEvidence } from "../model/inputs.js";
import type { KubeObject } from "../model/kube.js";
import { redact, redactDeep } from "../util/redact.js";
import { stripSecretValues } from "../view/secrets.js";
import type { GatheredLog, LiveSink } from "./live/sink.js";
import type { ResourceType } from "./live/resources.js";
import { SNAPSHOT_FORMAT_VERSION, SNAPSHOT_MANIFEST, type SnapshotManifest } from "./snapshot-layout.js";

/** A snapshot manifest plus the calls that failed (kept for whoever opens the ticket). */
export interface WrittenManifest extends SnapshotManifest {
  problems?: Array<{ call: string; message: string }>;
}

export interface SnapshotSummary {
  dir: string;
  files: number;
  objects: number;
  logs: number;
  missing: MissingEvidence[];
  problems: Array<{ call: string; message: string }>;
}

/**
 * Collects what the live source reads, then writes it in the layout that
 * `--snapshot DIR` reads (see snapshot-layout.ts): cluster/<resource>.json,
 * namespaces/<ns>/<resource>.json as kubectl-style Lists, and
 * logs/<ns>/<pod>/<container>[.previous].log. Secrets keep names and keys only.
 */
export class SnapshotRecorder implements LiveSink {
  private readonly lists = new Map<string, { path: string[]; items: Map<string, KubeObject> }>();
  private readonly logs: GatheredLog[] = [];
  private readonly missingEvidence: MissingEvidence[] = [];
  private readonly problems: Array<{ call: string; message: string }> = [];

  object(object: KubeObject, type: ResourceType): void {
    // What a snapshot keeps crosses the same redaction as what ktriage prints: it is attached to tickets.
    const kept = object.kind === "Secret" ? stripSecretValues(object) : redactDeep(object);
    const namespace = type.namespaced ? kept.metadata.namespace : undefined;
    const path = namespace ? ["namespaces", namespace, `${type.resource}.json`] : ["cluster", `${type.resource}.json`];
    const key = path.join("/");
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = { path, items: new Map() }));
    list.items.set(kept.metadata.uid ?? `${kept.metadata.namespace ?? ""}/${kept.metadata.name ?? ""}`, kept);
  }

  log(log: GatheredLog): void {
    this.logs.push({ ...log, text: redact(log.text) });
  }

  missing(missing: MissingEvidence): void {
    this.missingEvidence.push(missing);
  }

  problem(call: string, message: string): void {
    this.problems.push({ call: redact(call), message: redact(message) });
  }

  /** Writes the snapshot into `dir` (created; an existing snapshot there is replaced, other files are refused). */
  write(dir: string, manifest: Omit<SnapshotManifest, "format" | "version">): SnapshotSummary {
    prepareDirectory(dir);
    let files = 0;
    let objects = 0;
    const written: WrittenManifest = {
      format: "ktriage-snapshot",
      version: SNAPSHOT_FORMAT_VERSION,
      ...manifest,
      ...(this.missingEvidence.length ? { missing: this.missingEvidence } : {}),
      ...(this.problems.length ? { problems: this.problems } : {}),
    };
    writeFileSync(join(dir, SNAPSHOT_MANIFEST), `${JSON.stringify(written, null, 2)}\n`);
    files++;
    for (const { path, items } of [...this.lists.values()].sort((a, b) => a.path.join("/").localeCompare(b.path.join("/")))) {
      const sorted = [...items.values()].sort(byNamespaceAndName);
      const file = join(dir, ...path);
      mkdirSync(join(dir, ...path.slice(0, -1)), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ apiVersion: "v1", kind: "List", metadata: {}, items: sorted }, null, 2)}\n`);
      files++;
      objects += sorted.length;
    }
    for (const log of this.logs) {
      const folder = join(dir, "logs", safeSegment(log.namespace), safeSegment(log.pod));
      mkdirSync(folder, { recursive: true });
      const text = log.text === "" || log.text.endsWith("\n") ? log.text : `${log.text}\n`;
      writeFileSync(join(folder, `${safeSegment(log.container)}${log.previous ? ".previous" : ""}.log`), text);
      files++;
    }
    return { dir, files, objects, logs: this.logs.length, missing: this.missingEvidence, problems: this.problems };
  }
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/** Kubernetes names never hold a slash; anything else that could leave the folder is refused. */
function safeSegment(name: string): string {
  return name.replace(/[/\\]/g, "_").replace(/^\.+$/, "_");
}

const SNAPSHOT_ENTRIES = new Set([SNAPSHOT_MANIFEST, "cluster", "namespaces", "logs", "envoy", "mesh"]);

function prepareDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!entries.includes(SNAPSHOT_MANIFEST) || entries.some((entry) => !SNAPSHOT_ENTRIES.has(entry))) {
    throw new SnapshotDirectoryError(`${dir} is not empty and is not a ktriage snapshot: give an empty or new folder`);
  }
  for (const entry of entries) rmSync(join(dir, entry), { recursive: true, force: true });
}

export class SnapshotDirectoryError extends Error {}
