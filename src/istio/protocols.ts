/** Protocols Istio understands from a port name prefix or appProtocol. */
export const ISTIO_PROTOCOLS = ["http", "http2", "https", "http_proxy", "grpc", "grpc-web", "tcp", "tls", "mongo", "redis", "mysql", "udp"] as const;

const KNOWN = new Set<string>(ISTIO_PROTOCOLS);

/**
 * The protocol Istio infers for a Service port: appProtocol first, then the
 * name (`http-api` -> http), then the Kubernetes protocol for UDP. Undefined
 * means Istio falls back to protocol sniffing.
 */
export function portProtocol(port: { name?: string; protocol?: string; appProtocol?: string }): string | undefined {
  if (port.appProtocol) {
    const value = port.appProtocol.toLowerCase().replace(/^kubernetes\.io\/h2c$/, "http2").replace(/^kubernetes\.io\/wss?$/, "http");
    if (KNOWN.has(value) || value === "hbone") return value;
  }
  if ((port.protocol ?? "").toUpperCase() === "UDP") return "udp";
  const name = (port.name ?? "").toLowerCase();
  if (name.startsWith("grpc-web")) return "grpc-web";
  const prefix = name.split("-")[0]!;
  return KNOWN.has(prefix) ? prefix : undefined;
}

/** Whether an appProtocol value is one Istio understands. */
export function isKnownAppProtocol(value: string): boolean {
  const lower = value.toLowerCase();
  return KNOWN.has(lower) || lower === "hbone" || lower.startsWith("kubernetes.io/") || lower.includes("/");
}

/** The name to propose for a port: the protocol the port number usually carries. */
export function suggestPortName(port: number, current?: string): string {
  const byPort: Record<number, string> = { 80: "http", 8080: "http", 443: "https", 8443: "https", 9080: "http", 3306: "mysql", 6379: "redis", 27017: "mongo", 5432: "tcp-postgres", 9090: "http-metrics", 50051: "grpc" };
  const base = byPort[port] ?? "tcp";
  return current && !base.includes("-") ? `${base}-${current}` : base;
}

/** Namespaces whose Services istioctl does not check for port naming. */
export const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "istio-system", "local-path-storage"]);
