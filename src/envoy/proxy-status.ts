/**
 * `istioctl proxy-status` in every layout it has had, and istiod's
 * `/debug/syncz` JSON, read into one shape.
 */
import { arr, field, isObject, obj, str } from "./config-dump.js";

export type SyncState = "SYNCED" | "NOT SENT" | "STALE" | "ERROR" | "IGNORED" | "UNKNOWN";

export interface TypeStatus {
  state: SyncState;
  /** `2m3s` from `SYNCED (2m3s)`, or `Never Acknowledged` from pre-1.22 output. */
  note?: string;
}

export interface ProxyStatusRow {
  /** `pod.namespace` as istioctl prints it. */
  proxy: string;
  pod: string;
  namespace?: string;
  cluster?: string;
  istiod?: string;
  version?: string;
  /** Per xDS type (CDS, LDS, EDS, RDS, ECDS ...) when the layout shows it. */
  types: Record<string, TypeStatus>;
  /** The 1.27+ default layout lists the subscribed types only. */
  subscribed?: string[];
  /** 1-based line in the input. */
  line: number;
}

export type ProxyStatusLayout = "per-type" | "subscribed" | "json" | "syncz";

export interface ProxyStatusTable {
  layout: ProxyStatusLayout;
  rows: ProxyStatusRow[];
  /** istiod version(s) when the input says (JSON control plane identifier). */
  istiodVersions: Record<string, string>;
  problems: Array<{ line: number; message: string }>;
}

export const STATE_MEANINGS: Record<SyncState, string> = {
  SYNCED: "Envoy acknowledged the last configuration istiod sent",
  "NOT SENT": "istiod has sent nothing of this type, usually because there is nothing to send",
  STALE: "istiod sent an update that Envoy has not acknowledged: istiod is overloaded, the connection between Envoy and istiod is lost or broken, or there is a bug in Istio",
  ERROR: "Envoy rejected the configuration istiod sent (NACK)",
  IGNORED: "the proxy does not subscribe to this type (e.g. ztunnel)",
  UNKNOWN: "istiod does not know the state of this type",
};

/** What each layout can and cannot tell, said next to every reading of it. */
export const LAYOUT_LIMITS: Record<ProxyStatusLayout, { name: string; tells: string; cannotTell: string }> = {
  "per-type": {
    name: "per-type columns (istioctl 1.26 and earlier, or 1.27+ with -v)",
    tells: "SYNCED, NOT SENT, STALE or ERROR for each xDS type of each proxy, and the age of the last push (1.23+)",
    cannotTell: "why a type is STALE or which resource Envoy rejected (read the istio-proxy log), nor proxies connected to another istiod replica that istioctl could not reach",
  },
  subscribed: {
    name: "SUBSCRIBED TYPES (istioctl 1.27+ default)",
    tells: "which istiod each proxy is connected to, its Istio version, and which xDS types it subscribes to (a sidecar or gateway without CDS or LDS has no clusters or listeners)",
    cannotTell: "whether the configuration was acknowledged: STALE and ERROR are not shown, so a proxy on old config looks the same as a synced one (run istioctl proxy-status -v, or read istiod's /debug/syncz)",
  },
  json: {
    name: "istioctl proxy-status -o json (ClientConfig per proxy)",
    tells: "each proxy's config status per xDS type as istiod tracks it, and istiod's version from the control plane identifier",
    cannotTell: "the age of the last push, or which resource was rejected",
  },
  syncz: {
    name: "istiod /debug/syncz",
    tells: "the nonce istiod sent and the nonce Envoy acknowledged per xDS type (sent but not acknowledged is STALE), and, from Istio 1.22, the last error Envoy returned (a NACK) per type",
    cannotTell: "proxies connected to other istiod replicas (each replica reports only its own connections)",
  },
};

const SHORT_TYPES: Record<string, string> = {
  "type.googleapis.com/envoy.config.cluster.v3.Cluster": "CDS",
  "type.googleapis.com/envoy.config.listener.v3.Listener": "LDS",
  "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": "RDS",
  "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment": "EDS",
  "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig": "ECDS",
  "type.googleapis.com/istio.networking.nds.v1.NameTable": "NDS",
  "type.googleapis.com/istio.security.Authorization": "WADS",
  "type.googleapis.com/istio.workload.Address": "WDS",
};

/** PILOT is the istiod column of istioctl 1.4 and earlier. */
const FIXED_COLUMNS = new Set(["NAME", "CLUSTER", "ISTIOD", "PILOT", "VERSION", "SUBSCRIBED TYPES"]);

function splitProxy(proxy: string): { pod: string; namespace?: string } {
  const dot = proxy.lastIndexOf(".");
  return dot > 0 ? { pod: proxy.slice(0, dot), namespace: proxy.slice(dot + 1) } : { pod: proxy };
}

/** Rows whose line numbers point into a text table (JSON inputs have none). */
export function hasLineNumbers(table: ProxyStatusTable): boolean {
  return table.layout === "per-type" || table.layout === "subscribed";
}

/** ztunnel and other ambient proxies subscribe to workload types, never to CDS/LDS. */
export function isAmbientProxy(row: ProxyStatusRow): boolean {
  return row.pod.startsWith("ztunnel") || (row.subscribed ?? Object.keys(row.types)).some((type) => type === "WDS" || type === "WADS");
}

function normaliseState(value: string): SyncState {
  const upper = value.toUpperCase().replace("_", " ");
  if (upper === "SYNCED" || upper === "NOT SENT" || upper === "STALE" || upper === "ERROR" || upper === "IGNORED") return upper;
  return "UNKNOWN";
}

/** Parses proxy-status text (any layout, aligned or with collapsed spaces) or its JSON. */
export function parseProxyStatus(text: string): ProxyStatusTable {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return parseProxyStatusJson(text);
  const table: ProxyStatusTable = { layout: "per-type", rows: [], istiodVersions: {}, problems: [] };
  const lines = text.split(/\r?\n/);
  let columns: string[] | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    if (/^NAME\s/.test(line)) {
      columns = line.replace(/SUBSCRIBED\s+TYPES/, "SUBSCRIBED_TYPES").split(/\s+/).map((column) => column.replace("SUBSCRIBED_TYPES", "SUBSCRIBED TYPES"));
      table.layout = columns.includes("SUBSCRIBED TYPES") ? "subscribed" : "per-type";
      return;
    }
    if (!columns) {
      table.problems.push({ line: index + 1, message: "proxy-status line before the NAME header" });
      return;
    }
    const row = parseRow(line.split(/\s+/), columns, index + 1);
    if (typeof row === "string") table.problems.push({ line: index + 1, message: row });
    else table.rows.push(row);
  });
  if (!columns) table.problems.push({ line: 1, message: "no NAME ... header: not istioctl proxy-status output" });
  return table;
}

function parseRow(tokens: string[], columns: string[], line: number): ProxyStatusRow | string {
  let position = 0;
  const next = () => tokens[position++];
  const row: ProxyStatusRow = { proxy: "", pod: "", types: {}, line };
  for (const column of columns) {
    if (column === "SUBSCRIBED TYPES") {
      const rest = tokens.slice(position).join(" ");
      position = tokens.length;
      const match = /^(\d+)(?:\s*\(([^)]*)\))?$/.exec(rest);
      if (!match) return `SUBSCRIBED TYPES "${rest}" is not "N (TYPES)"`;
      row.subscribed = match[2] ? match[2].split(",").map((type) => type.trim()).filter(Boolean) : [];
      continue;
    }
    if (FIXED_COLUMNS.has(column)) {
      const value = next();
      if (value === undefined) return `missing ${column}`;
      if (column === "NAME") {
        row.proxy = value;
        Object.assign(row, splitProxy(value));
      } else if (column === "CLUSTER") row.cluster = value;
      else if (column === "ISTIOD" || column === "PILOT") row.istiod = value;
      else if (column === "VERSION") row.version = value;
      continue;
    }
    let value = next();
    if (value === undefined) return `missing ${column}`;
    if (value === "NOT" && tokens[position] === "SENT") {
      position++;
      value = "NOT SENT";
    }
    const status: TypeStatus = { state: normaliseState(value) };
    if (tokens[position]?.startsWith("(")) {
      const noteTokens: string[] = [];
      while (position < tokens.length) {
        const token = next()!;
        noteTokens.push(token);
        if (token.endsWith(")")) break;
      }
      status.note = noteTokens.join(" ").replace(/^\(|\)$/g, "");
    }
    row.types[column] = status;
  }
  return row;
}

/** `-o json` (DiscoveryResponse of ClientConfig), istiod `/debug/syncz` in either of its shapes. */
export function parseProxyStatusJson(text: string): ProxyStatusTable {
  const table: ProxyStatusTable = { layout: "json", rows: [], istiodVersions: {}, problems: [] };
  const documents: unknown[] = [];
  try {
    const parsed: unknown = JSON.parse(text);
    documents.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  } catch {
    // `istioctl proxy-status -o json` prints one document per istiod, one after the other.
    for (const chunk of text.split(/\n(?=\{)/)) {
      try {
        documents.push(JSON.parse(chunk));
      } catch (error) {
        table.problems.push({ line: 1, message: `proxy-status JSON is not valid: ${(error as Error).message}` });
      }
    }
  }
  for (const document of documents) {
    if (!isObject(document)) continue;
    const identifier = str(obj(document, "control_plane"), "identifier");
    let istiod: string | undefined;
    if (identifier) {
      try {
        const control = JSON.parse(identifier) as { ID?: string; Info?: { version?: string } };
        istiod = control.ID;
        if (control.ID && control.Info?.version) table.istiodVersions[control.ID] = control.Info.version;
      } catch {
        istiod = identifier;
      }
    }
    if (field(document, "proxy") !== undefined) {
      table.layout = "syncz";
      table.rows.push(synczRow(document));
      continue;
    }
    for (const resource of arr(document, "resources")) {
      const node = obj(resource, "node");
      const metadata = obj(node, "metadata");
      const proxy = str(node, "id");
      const types: Record<string, TypeStatus> = {};
      for (const config of arr(resource, "generic_xds_configs")) {
        const typeUrl = str(config, "type_url");
        types[shortType(typeUrl)] = { state: normaliseState(str(config, "config_status") || "UNKNOWN") };
      }
      table.rows.push({ proxy, ...splitProxy(proxy), cluster: str(metadata, "CLUSTER_ID") || undefined, istiod, version: str(metadata, "ISTIO_VERSION") || undefined, types, line: 1 });
    }
  }
  return table;
}

function shortType(typeUrl: string): string {
  return SHORT_TYPES[typeUrl] ?? typeUrl.split(".").pop() ?? typeUrl;
}

function nonceState(sent: string, acked: string, lastError: string): TypeStatus {
  if (lastError !== "") return { state: "ERROR", note: lastError };
  if (sent === "") return { state: "NOT SENT" };
  if (sent === acked) return { state: "SYNCED" };
  return acked === "" ? { state: "STALE", note: "Never Acknowledged" } : { state: "STALE" };
}

/**
 * One proxy of /debug/syncz: Istio 1.22+ adds `resources` (per type URL: sent,
 * acked, lastError); older istiod has only the `<type>_sent` / `<type>_acked` nonces.
 */
function synczRow(document: Record<string, unknown>): ProxyStatusRow {
  const proxy = str(document, "proxy");
  const types: Record<string, TypeStatus> = {};
  const resources = obj(document, "resources");
  if (resources && Object.keys(resources).length > 0) {
    for (const [typeUrl, status] of Object.entries(resources)) types[shortType(typeUrl)] = nonceState(str(status, "sent"), str(status, "acked"), str(status, "lastError"));
  } else {
    for (const [type, short] of [["cluster", "CDS"], ["listener", "LDS"], ["route", "RDS"], ["endpoint", "EDS"], ["extensionconfig", "ECDS"]] as const) {
      types[short] = nonceState(str(document, `${type}_sent`), str(document, `${type}_acked`), "");
    }
  }
  return { proxy, ...splitProxy(proxy), cluster: str(document, "cluster_id") || undefined, version: str(document, "istio_version") || undefined, types, line: 1 };
}
