/**
 * Single access-log lines as the mesh rules read them from an istio-proxy container log: Istio's JSON
 * encoding, or TEXT in the mesh's `accessLogFormat` (Istio's default format when it is unset or is
 * not a format Envoy would accept). The same parsers as `ktriage envoy logs`.
 */
import { scanIstioTextLine, scanSuccessfulJsonLine } from "./fast-parsers.js";
import { compileFormat, FormatError, parseJsonLine, type AccessLogEntry, type LineParser } from "./format.js";

const textParsers = new Map<string, LineParser>();

function textParserFor(format: string | undefined): LineParser {
  if (!format) return scanIstioTextLine;
  let parser = textParsers.get(format);
  if (!parser) {
    try {
      parser = compileFormat(format);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      parser = scanIstioTextLine;
    }
    textParsers.set(format, parser);
  }
  return parser;
}

/** The parser for lines logged with this `accessLogFormat` (meshConfig); JSON lines are read whatever it is. */
export function accessLineParser(format?: string): LineParser {
  const text = textParserFor(format && format.trim() !== "" ? format : undefined);
  return (line: string) => {
    const trimmed = line.trim();
    if (trimmed.startsWith("{")) return scanSuccessfulJsonLine(trimmed) ?? parseJsonLine(trimmed);
    return text(trimmed);
  };
}

/** Whether the entry is traffic the sidecar dropped for having no registry entry (REGISTRY_ONLY). */
export function isRegistryOnlyBlock(entry: AccessLogEntry): boolean {
  return entry.upstreamCluster === "BlackHoleCluster" || entry.routeName === "block_all" || (entry.responseCode === 502 && entry.responseCodeDetails === "direct_response" && entry.upstreamCluster === "");
}

/** The external host and port an entry was for: authority (HTTP), SNI (TLS), or the original destination. */
export function destinationOf(entry: AccessLogEntry): { host: string; port?: number } {
  const port = Number(/:(\d+)$/.exec(entry.downstreamLocalAddress)?.[1] ?? "") || undefined;
  if (entry.authority !== "") {
    const [host, authorityPort] = entry.authority.split(":");
    return { host: host!, port: Number(authorityPort) || port };
  }
  if (entry.requestedServerName !== "") return { host: entry.requestedServerName, port };
  return { host: entry.downstreamLocalAddress.replace(/:\d+$/, ""), port };
}
