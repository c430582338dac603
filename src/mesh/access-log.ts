/** The fields of an Istio sidecar access log entry the mesh rules read (default TEXT format or JSON). */
export interface AccessEntry {
  start: string;
  request: string;
  code: number;
  flags: string;
  details: string;
  authority: string;
  upstreamHost: string;
  cluster: string;
  downstreamLocal: string;
  downstreamRemote: string;
  sni: string;
  route: string;
}

// [%START_TIME%] "%METHOD% %PATH% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
// "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %X-ENVOY-UPSTREAM-SERVICE-TIME% "%X-FORWARDED-FOR%" "%USER-AGENT%"
// "%X-REQUEST-ID%" "%AUTHORITY%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%
const TEXT_ENTRY =
  /^\[([^\]]+)\] "([^"]*)" (\d+) (\S+) (\S+) (\S+) "([^"]*)" (\d+) (\d+) (\d+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" (\S+) (\S+) (\S+) (\S+)(?: (\S+))?(?: (\S+))?/;

export function parseAccessEntry(line: string): AccessEntry | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith("{")) {
    try {
      const value = JSON.parse(trimmed) as Record<string, unknown>;
      if (!("upstream_cluster" in value) && !("response_code" in value)) return undefined;
      const text = (key: string): string => (value[key] === undefined || value[key] === null ? "-" : String(value[key]));
      return {
        start: text("start_time"),
        request: `${text("method")} ${text("path")} ${text("protocol")}`,
        code: Number(value.response_code ?? 0),
        flags: text("response_flags"),
        details: text("response_code_details"),
        authority: text("authority"),
        upstreamHost: text("upstream_host"),
        cluster: text("upstream_cluster"),
        downstreamLocal: text("downstream_local_address"),
        downstreamRemote: text("downstream_remote_address"),
        sni: text("requested_server_name"),
        route: text("route_name"),
      };
    } catch {
      return undefined;
    }
  }
  const match = TEXT_ENTRY.exec(trimmed);
  if (!match) return undefined;
  return {
    start: match[1]!,
    request: match[2]!,
    code: Number(match[3]),
    flags: match[4]!,
    details: match[5]!,
    authority: match[15]!,
    upstreamHost: match[16]!,
    cluster: match[17]!,
    downstreamLocal: match[19]!,
    downstreamRemote: match[20]!,
    sni: match[21] ?? "-",
    route: match[22] ?? "-",
  };
}

/** Whether the entry is traffic the sidecar dropped for having no registry entry (REGISTRY_ONLY). */
export function isRegistryOnlyBlock(entry: AccessEntry): boolean {
  return entry.cluster === "BlackHoleCluster" || entry.route === "block_all" || (entry.code === 502 && entry.details === "direct_response" && entry.cluster === "-");
}

/** The external host and port an entry was for: authority (HTTP), SNI (TLS), or the original destination. */
export function destinationOf(entry: AccessEntry): { host: string; port?: number } {
  const port = Number(/:(\d+)$/.exec(entry.downstreamLocal)?.[1] ?? "") || undefined;
  if (entry.authority !== "-" && entry.authority !== "") {
    const [host, authorityPort] = entry.authority.split(":");
    return { host: host!, port: Number(authorityPort) || port };
  }
  if (entry.sni !== "-" && entry.sni !== "") return { host: entry.sni, port };
  return { host: entry.downstreamLocal.replace(/:\d+$/, ""), port };
}
