/** Ports the Istio sidecar reserves inside the pod (Envoy, pilot-agent, health, telemetry, DNS proxy, HBONE). */
export const RESERVED_PORTS: ReadonlyMap<number, string> = new Map([
  [15000, "Envoy admin"],
  [15001, "Envoy outbound capture"],
  [15004, "pilot-agent debug"],
  [15006, "Envoy inbound capture"],
  [15008, "HBONE mTLS tunnel"],
  [15020, "pilot-agent status and merged metrics"],
  [15021, "sidecar health (/healthz/ready)"],
  [15053, "DNS proxy"],
  [15090, "Envoy Prometheus telemetry"],
]);

export function isReservedPort(port: number): boolean {
  return RESERVED_PORTS.has(port);
}

/** A free application port to move to: 8080 and up, skipping the ports the pod already uses. */
export function replacementPort(used: ReadonlySet<number>, preferred = 8080): number {
  let port = preferred;
  while (used.has(port) || RESERVED_PORTS.has(port)) port += 1;
  return port;
}
