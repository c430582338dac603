/**
 * A read-only view of an Envoy `/config_dump` (snake_case, as the admin port
 * prints it) or `istioctl proxy-config all -o json` (camelCase). Every
 * accessor accepts both spellings.
 */
import { findObjectByKey, indexSections, parseRange, type SectionRange } from "./dump-index.js";

export type JsonObject = Record<string, unknown>;

const camelCache = new Map<string, string>();

function camel(name: string): string {
  let cached = camelCache.get(name);
  if (cached === undefined) {
    cached = name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    camelCache.set(name, cached);
  }
  return cached;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field by its proto name, in either JSON spelling. */
export function field(object: unknown, name: string): unknown {
  if (!isObject(object)) return undefined;
  const value = object[name];
  return value !== undefined ? value : object[camel(name)];
}

export function obj(object: unknown, name: string): JsonObject | undefined {
  const value = field(object, name);
  return isObject(value) ? value : undefined;
}

export function arr(object: unknown, name: string): unknown[] {
  const value = field(object, name);
  return Array.isArray(value) ? value : [];
}

export function str(object: unknown, name: string): string {
  const value = field(object, name);
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

export function num(object: unknown, name: string): number | undefined {
  const value = field(object, name);
  if (typeof value === "number") return value;
  if (typeof value === "string" && value !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** `{ value: N }` wrappers (UInt32Value) or plain numbers. */
export function wrapped(object: unknown, name: string): number | undefined {
  const value = field(object, name);
  if (typeof value === "number") return value;
  if (isObject(value)) return num(value, "value");
  return undefined;
}

/** Protobuf Duration JSON ("0.5s", "15s", "0s") in milliseconds. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

export interface Cluster {
  name: string;
  /** The cluster discovery type as the proto enum prints it (STATIC when absent). */
  type: string;
  raw: JsonObject;
  dynamic: boolean;
  /** Index in the dump's cluster list, for evidence paths. */
  path: string;
}

export interface Listener {
  name: string;
  raw: JsonObject;
  path: string;
}

export interface RouteConfig {
  name: string;
  raw: JsonObject;
  path: string;
}

export interface ClusterLoadAssignment {
  clusterName: string;
  raw: JsonObject;
  path: string;
}

export interface DynamicSecret {
  name: string;
  versionInfo: string;
  state: "ACTIVE" | "WARMING";
  secret: JsonObject | undefined;
}

export interface EcdsFilter {
  name: string;
  typeUrl: string;
}

export interface BootstrapInfo {
  nodeId: string;
  istioVersion: string;
  istioProxySha: string;
  envoyVersion: string;
  podName?: string;
  namespace?: string;
}

/** `pod.namespace` of the proxy a bootstrap names, when it names both. */
export function bootstrapProxy(info: BootstrapInfo | undefined): string | undefined {
  return info?.podName && info.namespace ? `${info.podName}.${info.namespace}` : undefined;
}

const TYPE_PREFIX = "type.googleapis.com/envoy.admin.v3.";

/** An Envoy config dump with typed accessors; builds each list once. */
export class ConfigDump {
  private readonly sections = new Map<string, JsonObject[]>();
  /** For dumps read as bytes: section ranges not parsed yet. */
  private readonly pending = new Map<string, SectionRange[]>();
  private buffer?: Buffer;
  private readonly order: string[] = [];
  private clusterList?: Cluster[];
  private listenerList?: Listener[];
  private routeList?: RouteConfig[];
  private endpointList?: ClusterLoadAssignment[];

  constructor(readonly raw: JsonObject) {
    const configs = arr(raw, "configs");
    configs.forEach((config) => {
      if (!isObject(config)) return;
      const type = str(config, "@type").replace(TYPE_PREFIX, "");
      let list = this.sections.get(type);
      if (!list) this.sections.set(type, (list = []));
      list.push(config);
    });
  }

  /**
   * A dump kept as bytes: sections are parsed when first read, and single
   * clusters, route configs and endpoint groups are found without parsing
   * their whole section. Undefined when the bytes are not a dump.
   */
  static fromBuffer(buffer: Buffer): ConfigDump | undefined {
    const ranges = indexSections(buffer);
    if (!ranges) return undefined;
    const dump = new ConfigDump({ configs: [] });
    dump.buffer = buffer;
    for (const range of ranges) {
      if (!dump.order.includes(range.type)) dump.order.push(range.type);
      let list = dump.pending.get(range.type);
      if (!list) dump.pending.set(range.type, (list = []));
      list.push(range);
    }
    return dump;
  }

  /** The whole dump as JSON (parses every section of a dump read as bytes). */
  document(): JsonObject {
    if (!this.buffer) return this.raw;
    return { configs: this.order.flatMap((type) => this.section(type)) };
  }

  static isConfigDump(value: unknown): value is JsonObject {
    return isObject(value) && Array.isArray(value["configs"]);
  }

  section(type: string): JsonObject[] {
    const ranges = this.pending.get(type);
    if (ranges && this.buffer) {
      this.pending.delete(type);
      const parsed = ranges.map((range) => parseRange(this.buffer!, range.start, range.end)).filter(isObject);
      this.sections.set(type, [...(this.sections.get(type) ?? []), ...parsed]);
    }
    return this.sections.get(type) ?? [];
  }

  hasSection(type: string): boolean {
    return this.sections.has(type) || this.pending.has(type);
  }

  /** One object of a section not parsed yet, found by a string field. */
  private lookup(type: string, keys: string[], value: string, accept: (object: JsonObject) => boolean): JsonObject | undefined {
    const ranges = this.pending.get(type);
    if (!ranges || !this.buffer) return undefined;
    const cacheKey = `${type}\u0000${value}`;
    if (this.found.has(cacheKey)) return this.found.get(cacheKey);
    let result: JsonObject | undefined;
    for (const range of ranges) {
      result = findObjectByKey(this.buffer, range, keys, value, accept);
      if (result) break;
    }
    this.found.set(cacheKey, result);
    return result;
  }

  private readonly found = new Map<string, JsonObject | undefined>();

  /**
   * What keeps the bootstrap section from saying which proxy the dump is from: it cannot be parsed,
   * or holds no bootstrap or node. Undefined when it can, or when the dump has no bootstrap section.
   */
  bootstrapProblem(): string | undefined {
    let section: JsonObject | undefined;
    try {
      section = this.section("BootstrapConfigDump")[0];
    } catch (error) {
      return `cannot be read (${(error as Error).message})`;
    }
    if (!section) return undefined;
    const bootstrap = field(section, "bootstrap");
    if (!isObject(bootstrap)) return "has no bootstrap";
    if (!isObject(field(bootstrap, "node"))) return "has no node";
    return undefined;
  }

  bootstrap(): BootstrapInfo | undefined {
    const section = this.section("BootstrapConfigDump")[0];
    if (!section) return undefined;
    const node = obj(obj(section, "bootstrap"), "node");
    const metadata = obj(node, "metadata");
    let sha = str(metadata, "ISTIO_PROXY_SHA");
    const parts = sha.split(":");
    if (parts.length > 1) sha = parts[1]!;
    const build = obj(node, "user_agent_build_version");
    let envoyVersion = "";
    if (build) {
      const version = obj(build, "version");
      envoyVersion = `${num(version, "major_number") ?? 0}.${num(version, "minor_number") ?? 0}.${num(version, "patch") ?? 0}`;
      const buildMeta = obj(build, "metadata");
      const label = field(buildMeta, "build.label");
      if (typeof label === "string") envoyVersion += `-${label}`;
      for (const key of ["revision.status", "build.type", "ssl.version"]) {
        const value = field(buildMeta, key);
        if (typeof value === "string") envoyVersion += `/${value}`;
      }
    }
    return {
      nodeId: str(node, "id"),
      istioVersion: str(metadata, "ISTIO_VERSION"),
      istioProxySha: sha,
      envoyVersion,
      podName: str(metadata, "NAME") || undefined,
      namespace: str(metadata, "NAMESPACE") || undefined,
    };
  }

  /** Dynamic active clusters first, then static ones, as istioctl reads them. */
  clusters(): Cluster[] {
    if (this.clusterList) return this.clusterList;
    const list: Cluster[] = [];
    for (const section of this.section("ClustersConfigDump")) {
      arr(section, "dynamic_active_clusters").forEach((entry, index) => {
        const cluster = obj(entry, "cluster");
        if (cluster) list.push({ name: str(cluster, "name"), type: clusterType(cluster), raw: cluster, dynamic: true, path: `ClustersConfigDump.dynamic_active_clusters[${index}]` });
      });
    }
    for (const section of this.section("ClustersConfigDump")) {
      arr(section, "static_clusters").forEach((entry, index) => {
        const cluster = obj(entry, "cluster");
        if (cluster) list.push({ name: str(cluster, "name"), type: clusterType(cluster), raw: cluster, dynamic: false, path: `ClustersConfigDump.static_clusters[${index}]` });
      });
    }
    this.clusterList = list;
    return list;
  }

  cluster(name: string): Cluster | undefined {
    if (!this.clusterList && this.pending.has("ClustersConfigDump")) {
      const raw = this.lookup("ClustersConfigDump", ["name"], name, (object) => object["name"] === name && (object["@type"] === undefined || String(object["@type"]).endsWith("Cluster")));
      if (raw) return { name, type: clusterType(raw), raw, dynamic: true, path: `ClustersConfigDump (cluster ${name})` };
      if (!this.looksAbsent("ClustersConfigDump", name)) return this.clusters().find((cluster) => cluster.name === name);
      return undefined;
    }
    return this.clusters().find((cluster) => cluster.name === name);
  }

  /** A name that never occurs in the section's bytes is not in it. */
  private looksAbsent(type: string, value: string): boolean {
    const ranges = this.pending.get(type);
    if (!ranges || !this.buffer) return false;
    const needle = Buffer.from(JSON.stringify(value));
    return ranges.every((range) => {
      const at = this.buffer!.indexOf(needle, range.start);
      return at < 0 || at >= range.end;
    });
  }

  /** Active dynamic listeners, then static ones. */
  listeners(): Listener[] {
    if (this.listenerList) return this.listenerList;
    const list: Listener[] = [];
    for (const section of this.section("ListenersConfigDump")) {
      arr(section, "dynamic_listeners").forEach((entry, index) => {
        const listener = obj(obj(entry, "active_state"), "listener");
        if (listener) list.push({ name: str(listener, "name"), raw: listener, path: `ListenersConfigDump.dynamic_listeners[${index}].active_state.listener` });
      });
    }
    for (const section of this.section("ListenersConfigDump")) {
      arr(section, "static_listeners").forEach((entry, index) => {
        const listener = obj(entry, "listener");
        if (listener) list.push({ name: str(listener, "name"), raw: listener, path: `ListenersConfigDump.static_listeners[${index}].listener` });
      });
    }
    this.listenerList = list;
    return list;
  }

  /** Listeners that failed to apply (error_state), with Envoy's message. */
  listenerErrors(): Array<{ name: string; details: string }> {
    const errors: Array<{ name: string; details: string }> = [];
    for (const section of this.section("ListenersConfigDump")) {
      for (const entry of arr(section, "dynamic_listeners")) {
        const error = obj(entry, "error_state");
        if (error) errors.push({ name: str(entry, "name"), details: str(error, "details") });
      }
    }
    return errors;
  }

  /** Dynamic route configs, then static ones. */
  routeConfigs(): RouteConfig[] {
    if (this.routeList) return this.routeList;
    const list: RouteConfig[] = [];
    for (const section of this.section("RoutesConfigDump")) {
      arr(section, "dynamic_route_configs").forEach((entry, index) => {
        const config = obj(entry, "route_config");
        if (config) list.push({ name: str(config, "name"), raw: config, path: `RoutesConfigDump.dynamic_route_configs[${index}].route_config` });
      });
    }
    for (const section of this.section("RoutesConfigDump")) {
      arr(section, "static_route_configs").forEach((entry, index) => {
        const config = obj(entry, "route_config");
        if (config) list.push({ name: str(config, "name"), raw: config, path: `RoutesConfigDump.static_route_configs[${index}].route_config` });
      });
    }
    this.routeList = list;
    return list;
  }

  routeConfig(name: string): RouteConfig | undefined {
    if (!this.routeList && this.pending.has("RoutesConfigDump")) {
      const raw = this.lookup("RoutesConfigDump", ["name"], name, (object) => object["name"] === name && (Array.isArray(object["virtual_hosts"]) || Array.isArray(object["virtualHosts"])));
      if (raw) return { name, raw, path: `RoutesConfigDump (route config ${name})` };
    }
    return this.routeConfigs().find((config) => config.name === name);
  }

  /** Whether the dump has endpoint data at all (`?include_eds` or `pc all`). */
  hasEndpoints(): boolean {
    return this.hasSection("EndpointsConfigDump");
  }

  endpoints(): ClusterLoadAssignment[] {
    if (this.endpointList) return this.endpointList;
    const list: ClusterLoadAssignment[] = [];
    for (const kind of ["dynamic_endpoint_configs", "static_endpoint_configs"]) {
      for (const section of this.section("EndpointsConfigDump")) {
        arr(section, kind).forEach((entry, index) => {
          const config = obj(entry, "endpoint_config");
          if (config) list.push({ clusterName: str(config, "cluster_name"), raw: config, path: `EndpointsConfigDump.${kind}[${index}].endpoint_config` });
        });
      }
    }
    this.endpointList = list;
    return list;
  }

  endpointsOf(clusterName: string): ClusterLoadAssignment | undefined {
    if (!this.endpointList && this.pending.has("EndpointsConfigDump")) {
      const raw = this.lookup("EndpointsConfigDump", ["cluster_name", "clusterName"], clusterName, (object) => str(object, "cluster_name") === clusterName);
      if (raw) return { clusterName, raw, path: `EndpointsConfigDump (endpoints of ${clusterName})` };
      if (this.looksAbsent("EndpointsConfigDump", clusterName)) return undefined;
    }
    return this.endpoints().find((cla) => cla.clusterName === clusterName);
  }

  secrets(): DynamicSecret[] {
    const list: DynamicSecret[] = [];
    for (const section of this.section("SecretsConfigDump")) {
      for (const entry of arr(section, "dynamic_warming_secrets")) {
        list.push({ name: str(entry, "name"), versionInfo: str(entry, "version_info"), state: "WARMING", secret: obj(entry, "secret") });
      }
      for (const entry of arr(section, "dynamic_active_secrets")) {
        list.push({ name: str(entry, "name"), versionInfo: str(entry, "version_info"), state: "ACTIVE", secret: obj(entry, "secret") });
      }
    }
    return list;
  }

  hasSecrets(): boolean {
    return this.hasSection("SecretsConfigDump");
  }

  ecdsFilters(): EcdsFilter[] {
    const list: EcdsFilter[] = [];
    for (const section of this.section("EcdsConfigDump")) {
      for (const entry of arr(section, "ecds_filters")) {
        const filter = obj(entry, "ecds_filter");
        list.push({ name: str(filter, "name"), typeUrl: str(obj(filter, "typed_config"), "@type") });
      }
    }
    return list;
  }
}

function clusterType(cluster: JsonObject): string {
  const type = field(cluster, "type");
  return typeof type === "string" ? type : "STATIC";
}

/** `outbound|80|v1|reviews.default.svc.cluster.local` -> its parts (istio's ParseSubsetKey). */
export interface SubsetKey {
  direction: string;
  port: number;
  subset: string;
  fqdn: string;
}

export function parseSubsetKey(name: string): SubsetKey | undefined {
  const parts = name.split("|");
  if (parts.length <= 3) return undefined;
  const port = Number.parseInt(parts[1]!, 10);
  return { direction: parts[0]!, port: Number.isNaN(port) ? 0 : port, subset: parts[2]!, fqdn: parts[3]! };
}

/** How istioctl sorts clusters and endpoint groups: by FQDN, subset, port, direction. */
export function compareSubsetKeys(a: string, b: string): number {
  const left = parseSubsetKey(a) ?? { direction: "", port: 0, subset: "", fqdn: a };
  const right = parseSubsetKey(b) ?? { direction: "", port: 0, subset: "", fqdn: b };
  if (left.fqdn !== right.fqdn) return left.fqdn < right.fqdn ? -1 : 1;
  if (left.subset !== right.subset) return left.subset < right.subset ? -1 : 1;
  if (left.port !== right.port) return left.port - right.port;
  if (left.direction !== right.direction) return left.direction < right.direction ? -1 : 1;
  return 0;
}

/** `/apis/networking.istio.io/v1/namespaces/ns/virtual-service/name` -> `name.ns`. */
export function describeManagement(metadata: unknown): string {
  const istio = obj(obj(metadata, "filter_metadata"), "istio");
  if (!istio) return "";
  const config = field(istio, "config");
  if (config === undefined) return "";
  const path = typeof config === "string" ? config : "";
  if (path.startsWith("/apis/networking.istio.io/")) {
    const pieces = path.split("/");
    if (pieces.length !== 8) return "";
    return `${pieces[7]}.${pieces[5]}`;
  }
  return "<unknown>";
}
