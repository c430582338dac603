import type { JsonObject } from "./workloads.js";
import { isObject, objects, str } from "./pod-templates.js";

export const PROBE_FIELDS = ["startupProbe", "livenessProbe", "readinessProbe"] as const;
export type ProbeField = (typeof PROBE_FIELDS)[number];

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

/** Probe timing with the kubelet's defaults filled in. */
export function timingOf(probe: JsonObject): ProbeTiming {
  const number = (key: string, fallback: number) => (typeof probe[key] === "number" ? (probe[key] as number) : fallback);
  return {
    initialDelaySeconds: number("initialDelaySeconds", 0),
    periodSeconds: number("periodSeconds", 10),
    timeoutSeconds: number("timeoutSeconds", 1),
    failureThreshold: number("failureThreshold", 3),
  };
}

/** Seconds a container gets before the probe's failures add up to a kill (liveness/startup) or NotReady. */
export function budgetOf(probe: JsonObject): number {
  const t = timingOf(probe);
  return t.initialDelaySeconds + t.failureThreshold * t.periodSeconds;
}

export function handlerOf(probe: JsonObject): { type: "httpGet" | "tcpSocket" | "grpc" | "exec"; handler: JsonObject } | undefined {
  for (const type of ["httpGet", "tcpSocket", "grpc", "exec"] as const) {
    if (isObject(probe[type])) return { type, handler: probe[type] as JsonObject };
  }
  return undefined;
}

export interface DeclaredPort {
  name?: string;
  containerPort: number;
  protocol: string;
  index: number;
}

export function portsOf(container: JsonObject): DeclaredPort[] {
  return objects(container.ports)
    .map((port, index) => ({ name: str(port.name), containerPort: Number(port.containerPort), protocol: str(port.protocol) ?? "TCP", index }))
    .filter((port) => Number.isFinite(port.containerPort));
}

/** A probe or Service port resolved against the container's declared ports. */
export function resolvePort(container: JsonObject, port: unknown): { number?: number; declared?: DeclaredPort; named: boolean } {
  const ports = portsOf(container);
  if (typeof port === "number" || (typeof port === "string" && /^\d+$/.test(port))) {
    const number = Number(port);
    return { number, declared: ports.find((p) => p.containerPort === number), named: false };
  }
  if (typeof port === "string") {
    const declared = ports.find((p) => p.name === port);
    return { number: declared?.containerPort, declared, named: true };
  }
  return { named: false };
}

/** A probe's handler in a comparable form (timing left out). */
export function handlerKey(probe: JsonObject): string {
  const handler = handlerOf(probe);
  return handler ? `${handler.type}:${JSON.stringify(handler.handler, Object.keys(handler.handler).sort())}` : "";
}
