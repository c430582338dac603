import { existsSync, readFileSync } from "node:fs";
import type https from "node:https";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { parseBoundedYaml as parse } from "../../util/bounded-yaml.js";
import { LiveUnavailableError } from "./errors.js";
import { didYouMean, nearestNames } from "../../util/suggest.js";

/** What a request needs to authenticate: TLS material, headers, or an agent (proxies). */
export interface Credentials {
  headers: Record<string, string>;
  auth?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: string | Buffer;
  passphrase?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
  /** Set when the cluster is reached through proxy-url. */
  agent?: https.Agent;
}

export interface ResolvedKubeConfig {
  context?: string;
  /** The context's namespace, or "default". */
  namespace: string;
  server: string;
  /** Where the configuration came from, for messages. */
  source: string;
  /** Reads the credentials (again: exec plugins and token files rotate). */
  credentials(): Promise<Credentials>;
}

const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const IN_CLUSTER_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/**
 * Resolves the cluster as kubectl does: --kubeconfig, else $KUBECONFIG (a
 * list of files, merged: the first file to set a name or current-context
 * wins), else ~/.kube/config, else the in-cluster service account.
 * --context picks a context; the namespace comes from it.
 *
 * Kubeconfigs that authenticate with tokens or client certificates are read
 * here directly; exec plugins, auth providers, basic auth, proxies and the
 * in-cluster account go through @kubernetes/client-node, loaded only then.
 */
export async function resolveKubeConfig(options: { kubeconfig?: string; context?: string }): Promise<ResolvedKubeConfig> {
  let files: string[];
  let source: string;
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new LiveUnavailableError(`kubeconfig ${options.kubeconfig}: no such file`);
    files = [options.kubeconfig];
    source = options.kubeconfig;
  } else if (process.env.KUBECONFIG) {
    files = process.env.KUBECONFIG.split(delimiter).filter((file) => file !== "" && existsSync(file));
    source = `$KUBECONFIG (${process.env.KUBECONFIG})`;
    if (files.length === 0) throw new LiveUnavailableError(`none of the files in $KUBECONFIG (${process.env.KUBECONFIG}) exists`);
  } else if (existsSync(join(homedir(), ".kube", "config"))) {
    files = [join(homedir(), ".kube", "config")];
    source = "~/.kube/config";
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
    return inCluster(options.context);
  } else {
    throw new LiveUnavailableError(
      "no cluster to talk to: $KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod. Give --kubeconfig FILE, or analyse files with -f FILE or --snapshot DIR",
    );
  }

  const merged = mergeFiles(files);
  const contextName = options.context ?? merged.currentContext;
  if (options.context && !merged.contexts.has(options.context)) {
    const known = [...merged.contexts.keys()];
    throw new LiveUnavailableError(`context "${options.context}" is not in ${source}${didYouMean(nearestNames(options.context, known))}${known.length ? ` (contexts: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""})` : ""}`);
  }
  if (!contextName) throw new LiveUnavailableError(`${source} sets no current-context: give --context NAME`);
  const context = merged.contexts.get(contextName);
  if (!context) throw new LiveUnavailableError(`current-context "${contextName}" is not defined in ${source}`);
  const cluster = merged.clusters.get(String(context.value.cluster ?? ""));
  if (!cluster || typeof cluster.value.server !== "string" || cluster.value.server === "") {
    throw new LiveUnavailableError(`context "${contextName}" in ${source} names no cluster with a server`);
  }
  const user = merged.users.get(String(context.value.user ?? ""));
  const namespace = typeof context.value.namespace === "string" && context.value.namespace ? context.value.namespace : "default";
  const base = { context: contextName, namespace, server: cluster.value.server, source };

  if (isSimple(cluster.value, user?.value ?? {})) {
    return { ...base, credentials: async () => simpleCredentials(cluster, user) };
  }
  return { ...base, credentials: clientNodeCredentials(files, contextName, source) };
}

interface Entry {
  value: Record<string, unknown>;
  /** Folder of the file that defined it: relative paths inside resolve against it. */
  dir: string;
}

function mergeFiles(files: string[]): { clusters: Map<string, Entry>; users: Map<string, Entry>; contexts: Map<string, Entry>; currentContext?: string } {
  const merged = { clusters: new Map<string, Entry>(), users: new Map<string, Entry>(), contexts: new Map<string, Entry>(), currentContext: undefined as string | undefined };
  for (const file of files) {
    let document: Record<string, unknown>;
    try {
      const parsed: unknown = parse(readFileSync(file, "utf8"));
      document = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    } catch (error) {
      const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
      throw new LiveUnavailableError(`cannot read kubeconfig ${file}${line ? `:${line}` : ""}: ${firstLine(error)}`);
    }
    const dir = dirname(resolve(file));
    const add = (list: unknown, field: string, into: Map<string, Entry>) => {
      if (!Array.isArray(list)) return;
      for (const item of list as Array<Record<string, unknown>>) {
        const name = typeof item?.name === "string" ? item.name : undefined;
        const value = item?.[field];
        if (name && value && typeof value === "object" && !into.has(name)) into.set(name, { value: value as Record<string, unknown>, dir });
      }
    };
    add(document.clusters, "cluster", merged.clusters);
    add(document.users, "user", merged.users);
    add(document.contexts, "context", merged.contexts);
    if (!merged.currentContext && typeof document["current-context"] === "string" && document["current-context"]) merged.currentContext = document["current-context"];
  }
  return merged;
}

const SIMPLE_USER_FIELDS = new Set(["token", "tokenFile", "client-certificate", "client-certificate-data", "client-key", "client-key-data"]);
const SIMPLE_CLUSTER_FIELDS = new Set(["server", "certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name", "extensions"]);

function isSimple(cluster: Record<string, unknown>, user: Record<string, unknown>): boolean {
  return Object.keys(user).every((field) => SIMPLE_USER_FIELDS.has(field)) && Object.keys(cluster).every((field) => SIMPLE_CLUSTER_FIELDS.has(field));
}

function simpleCredentials(cluster: Entry, user: Entry | undefined): Credentials {
  const credentials: Credentials = { headers: {} };
  const clusterValue = cluster.value;
  const ca = material(clusterValue["certificate-authority-data"], clusterValue["certificate-authority"], cluster.dir, "certificate-authority");
  if (ca) credentials.ca = ca;
  if (clusterValue["insecure-skip-tls-verify"] === true) credentials.rejectUnauthorized = false;
  if (typeof clusterValue["tls-server-name"] === "string") credentials.servername = clusterValue["tls-server-name"];
  if (user) {
    const userValue = user.value;
    const cert = material(userValue["client-certificate-data"], userValue["client-certificate"], user.dir, "client-certificate");
    const key = material(userValue["client-key-data"], userValue["client-key"], user.dir, "client-key");
    if (cert) credentials.cert = cert;
    if (key) credentials.key = key;
    let token = typeof userValue.token === "string" ? userValue.token : undefined;
    if (!token && typeof userValue.tokenFile === "string") token = readMaterial(absolute(userValue.tokenFile, user.dir), "tokenFile").toString("utf8").trim();
    if (token) credentials.headers.Authorization = `Bearer ${token}`;
  }
  return credentials;
}

function material(data: unknown, file: unknown, dir: string, field: string): Buffer | undefined {
  if (typeof data === "string" && data !== "") return Buffer.from(data, "base64");
  if (typeof file === "string" && file !== "") return readMaterial(absolute(file, dir), field);
  return undefined;
}

function readMaterial(file: string, field: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new LiveUnavailableError(`kubeconfig ${field} ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : firstLine(error)}`);
  }
}

function absolute(file: string, dir: string): string {
  const expanded = file.startsWith("~/") ? join(homedir(), file.slice(2)) : file;
  return isAbsolute(expanded) ? expanded : resolve(dir, expanded);
}

/** Exec plugins, auth providers, basic auth, proxies: @kubernetes/client-node does what kubectl does. */
function clientNodeCredentials(files: string[], context: string, source: string): () => Promise<Credentials> {
  let config: import("@kubernetes/client-node").KubeConfig | undefined;
  return async () => {
    try {
      if (!config) {
        const { KubeConfig } = await import("@kubernetes/client-node");
        config = new KubeConfig();
        if (files.length === 1) config.loadFromFile(files[0]!);
        else config.loadFromDefault();
        config.setCurrentContext(context);
      }
      const options: https.RequestOptions = {};
      await config.applyToHTTPSOptions(options);
      const credentials: Credentials = { headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([key, value]) => [key, String(value)])) };
      if (options.auth) credentials.auth = options.auth;
      if (options.ca) credentials.ca = options.ca as Buffer;
      if (options.cert) credentials.cert = options.cert as Buffer;
      if (options.key) credentials.key = options.key as Buffer;
      if (options.pfx) credentials.pfx = options.pfx as Buffer;
      if (options.passphrase) credentials.passphrase = options.passphrase;
      if (options.servername) credentials.servername = options.servername;
      if (options.rejectUnauthorized !== undefined) credentials.rejectUnauthorized = options.rejectUnauthorized;
      if (config.getCurrentCluster()?.proxyUrl) credentials.agent = options.agent as https.Agent;
      return credentials;
    } catch (error) {
      throw new LiveUnavailableError(`cannot get credentials for context ${context} from ${source}: ${firstLine(error)}`);
    }
  };
}

async function inCluster(context: string | undefined): Promise<ResolvedKubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  config.loadFromCluster();
  if (context) throw new LiveUnavailableError(`--context ${context}: running in a pod with its service account, there are no contexts (give --kubeconfig FILE)`);
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) throw new LiveUnavailableError("in-cluster configuration has no API server address (KUBERNETES_SERVICE_HOST)");
  let namespace = "default";
  try {
    namespace = readFileSync(IN_CLUSTER_NAMESPACE_FILE, "utf8").trim() || "default";
  } catch {
    // Not every runtime mounts the namespace file.
  }
  const source = "in-cluster service account";
  return {
    namespace,
    server: cluster.server,
    source,
    credentials: async () => {
      const options: https.RequestOptions = {};
      try {
        await config.applyToHTTPSOptions(options);
      } catch (error) {
        throw new LiveUnavailableError(`cannot read the service account credentials: ${firstLine(error)}`);
      }
      return {
        headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([key, value]) => [key, String(value)])),
        ...(options.ca ? { ca: options.ca as Buffer } : {}),
      };
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
