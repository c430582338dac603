import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { FindingChange } from "./diagnoser.js";
import type { Output } from "./watcher.js";

export interface WatchMetrics {
  registry: Registry;
  findings: Gauge<"category" | "severity" | "namespace">;
  diagnosisSeconds: Histogram<never>;
  watchRestarts: Counter<"resource" | "reason">;
  apiRequests: Counter<"verb" | "code">;
  eventsWritten: Counter<"action">;
  logsRead: Counter<"previous" | "outcome">;
  leader: Gauge<never>;
  objects: Gauge<never>;
  /** Fills the findings gauge from what the watcher holds (only the leader exports findings, so a fleet's sum counts each once). */
  output: Output;
}

/** The watcher's Prometheus metrics on a registry of its own (prom-client is loaded only by `ktriage watch`). */
export async function createMetrics(read: { current: () => FindingChange[]; isLeader: () => boolean; objects: () => number }): Promise<WatchMetrics> {
  const client = await import("prom-client");
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "ktriage_" });
  const findings = new client.Gauge({ name: "ktriage_findings", help: "Findings held now, by category, severity and namespace (exported by the leader only)", labelNames: ["category", "severity", "namespace"] as const, registers: [registry] });
  const diagnosisSeconds = new client.Histogram({
    name: "ktriage_diagnosis_seconds",
    help: "Time from an object's change reaching the watcher to its diagnosis",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const watchRestarts = new client.Counter({ name: "ktriage_watch_restarts_total", help: "Watch streams opened again, by resource and reason (expired: 410 Gone and a new list)", labelNames: ["resource", "reason"] as const, registers: [registry] });
  const apiRequests = new client.Counter({ name: "ktriage_api_requests_total", help: "Kubernetes API requests, by verb and HTTP status code", labelNames: ["verb", "code"] as const, registers: [registry] });
  const eventsWritten = new client.Counter({ name: "ktriage_events_written_total", help: "Diagnosed Events: created, counted again, found already there, failed writes", labelNames: ["action"] as const, registers: [registry] });
  const logsRead = new client.Counter({ name: "ktriage_container_logs_read_total", help: "Container logs read for a diagnosis, by whether it was the previous instance's log and the outcome (read, none, failed)", labelNames: ["previous", "outcome"] as const, registers: [registry] });
  const leader = new client.Gauge({ name: "ktriage_leader", help: "1 while this replica holds the lease and publishes", registers: [registry], collect() {
    this.set(read.isLeader() ? 1 : 0);
  } });
  const objects = new client.Gauge({ name: "ktriage_watched_objects", help: "Objects the watcher holds in memory", registers: [registry], collect() {
    this.set(read.objects());
  } });
  const output: Output = {
    publish() {
      findings.reset();
      if (!read.isLeader()) return;
      const counts = new Map<string, { category: string; severity: string; namespace: string; count: number }>();
      for (const { finding } of read.current()) {
        const labels = { category: finding.category, severity: finding.severity, namespace: finding.resource.namespace ?? "" };
        const key = JSON.stringify(labels);
        const entry = counts.get(key) ?? { ...labels, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
      for (const { count, ...labels } of counts.values()) findings.set(labels, count);
    },
    leadership() {
      this.publish([], { leader: read.isLeader(), current: read.current });
    },
  };
  return { registry, findings, diagnosisSeconds, watchRestarts, apiRequests, eventsWritten, logsRead, leader, objects, output };
}

export interface HealthServer {
  address: AddressInfo;
  close(): Promise<void>;
}

/** /metrics, /healthz (the process and its watches run) and /readyz (listed and diagnosed once). */
export async function serveHealth(listen: string, metrics: WatchMetrics | undefined, state: { ready: () => boolean; healthy: () => boolean }): Promise<HealthServer> {
  const { host, port } = parseListen(listen);
  const server = http.createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/metrics" && metrics) {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end("metrics unavailable\n"),
      );
      return;
    }
    if (path === "/healthz" || path === "/livez") {
      const ok = state.healthy();
      response.writeHead(ok ? 200 : 503, { "Content-Type": "text/plain" }).end(ok ? "ok\n" : "watches not running\n");
      return;
    }
    if (path === "/readyz") {
      const ok = state.ready();
      response.writeHead(ok ? 200 : 503, { "Content-Type": "text/plain" }).end(ok ? "ok\n" : "listing the cluster\n");
      return;
    }
    response.writeHead(404, { "Content-Type": "text/plain" }).end("not found: /metrics, /healthz, /readyz\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    address: server.address() as AddressInfo,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `:8080`, `0.0.0.0:8080`, `127.0.0.1:0`, `[::1]:9090`. */
export function parseListen(listen: string): { host: string | undefined; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !(port >= 0 && port <= 65535)) throw new Error(`--listen takes HOST:PORT or :PORT (got "${listen}")`);
  const host = match[1] ?? (match[2] || undefined);
  return { host, port };
}
