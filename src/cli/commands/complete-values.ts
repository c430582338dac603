import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "../../model/categories.js";
import { allRules } from "../../rules/index.js";
import { DEFAULT_LIMITS, KubeClient } from "../../sources/live/client.js";
import { resolveKubeConfig } from "../../sources/live/kubeconfig.js";

export type ValueKind = "namespace" | "pod" | "topic" | "none";

/** Completion must answer at once: a list file larger than this is not read, a live request gets this long. */
const MAX_LIST_BYTES = 16 << 20;
const LIVE_BUDGET_MS = 2000;

interface Context {
  snapshot?: string;
  namespace?: string;
  context?: string;
  kubeconfig?: string;
}

function contextOf(words: readonly string[]): Context {
  const context: Context = {};
  for (let i = 0; i < words.length - 1; i++) {
    const value = words[i + 1]!;
    if (words[i] === "--snapshot") context.snapshot = value;
    else if (words[i] === "-n" || words[i] === "--namespace") context.namespace = value;
    else if (words[i] === "--context") context.context = value;
    else if (words[i] === "--kubeconfig") context.kubeconfig = value;
  }
  return context;
}

/** Names for a completion: from the `--snapshot` on the command line, else from the cluster; nothing when neither answers quickly. */
export async function completeValues(kind: ValueKind, words: readonly string[]): Promise<string[]> {
  if (kind === "topic") return [...allRules.map((rule) => rule.id), ...Object.keys(CATEGORIES), ...new Set(allRules.flatMap((rule) => rule.equivalents.filter((code) => /^(IST|KIA)\d{4}$/.test(code))))].sort();
  if (kind === "none") return [];
  const context = contextOf(words);
  try {
    if (context.snapshot) return kind === "namespace" ? snapshotNamespaces(context.snapshot) : snapshotPods(context.snapshot, context.namespace);
    return await liveNames(kind, context);
  } catch {
    return [];
  }
}

/** A ktriage snapshot keeps namespaced Lists in namespaces/<ns>/; a cluster-info dump in <ns>/. */
function namespaceFolders(dir: string): { namespace: string; folder: string }[] {
  const snapshot = join(dir, "namespaces");
  const base = existsSync(snapshot) ? snapshot : dir;
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, "pods.json")))
    .map((entry) => ({ namespace: entry.name, folder: join(base, entry.name) }));
}

function snapshotNamespaces(dir: string): string[] {
  return namespaceFolders(dir).map((item) => item.namespace).sort();
}

function snapshotPods(dir: string, namespace: string | undefined): string[] {
  const names: string[] = [];
  for (const item of namespaceFolders(dir)) {
    if (namespace && item.namespace !== namespace) continue;
    const file = join(item.folder, "pods.json");
    if (!statSync(file).isFile() || statSync(file).size > MAX_LIST_BYTES) continue;
    const list = JSON.parse(readFileSync(file, "utf8")) as { items?: { metadata?: { name?: unknown } }[] };
    for (const pod of list.items ?? []) if (typeof pod.metadata?.name === "string") names.push(pod.metadata.name);
  }
  return [...new Set(names)].sort();
}

/** One metadata-only list request (get/list on namespaces or pods, as deploy/rbac.yaml grants). */
async function liveNames(kind: "namespace" | "pod", context: Context): Promise<string[]> {
  const kube = await resolveKubeConfig({ kubeconfig: context.kubeconfig, context: context.context });
  const client = new KubeClient(kube, { ...DEFAULT_LIMITS, requestTimeoutMs: LIVE_BUDGET_MS, attempts: 1 }, Date.now() + LIVE_BUDGET_MS);
  try {
    const path = kind === "namespace" ? "/api/v1/namespaces" : `/api/v1/namespaces/${encodeURIComponent(context.namespace ?? kube.namespace)}/pods`;
    const list = await client.getJson<{ items?: { metadata?: { name?: unknown } }[] }>(path, { query: { limit: 500 }, accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json" });
    return (list.items ?? []).flatMap((item) => (typeof item.metadata?.name === "string" ? [item.metadata.name] : [])).sort();
  } finally {
    client.close();
  }
}
