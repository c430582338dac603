// Config-dump benchmark: a generated ~200 MB dump (a large mesh seen by one
// ingress gateway) loaded and one request traced; optionally a dump over
// 512 MB through the streaming reader.
// Usage: node bench/envoy-config-dump.mjs [--size-mb 200] [--stream-mb 0]
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compiled } from "./envoy-build.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const sizeMb = option("--size-mb", 200);
const streamMb = option("--stream-mb", 0);

const out = compiled();
const { loadConfigDumpFile } = await import(pathToFileURL(join(out, "sources/envoy-load.js")).href);
const { traceRequest } = await import(pathToFileURL(join(out, "queries/trace.js")).href);
const { clusterTable } = await import(pathToFileURL(join(out, "report/proxy-config-tables.js")).href);

const admin = "type.googleapis.com/envoy.admin.v3.";

/** Services svc-<i>.ns-<i % 50>.svc.cluster.local with subsets v1/v2, 20 endpoints each, one vhost per service. */
async function writeDump(path, megabytes) {
  const target = megabytes * 1024 * 1024;
  const stream = createWriteStream(path);
  const write = (text) => (stream.write(text) ? Promise.resolve() : new Promise((resolve) => stream.once("drain", resolve)));
  let services = 0;
  const perService = 6500; // bytes the three sections take per service, roughly
  const count = Math.max(10, Math.floor(target / perService));
  const fqdn = (i) => `svc-${i}.ns-${i % 50}.svc.cluster.local`;
  await write(`{"configs":[{"@type":"${admin}BootstrapConfigDump","bootstrap":{"node":{"id":"router~10.244.0.12~istio-ingressgateway-74df47f5f9-nv65v.istio-system~istio-system.svc.cluster.local","metadata":{"ISTIO_VERSION":"1.27.0","NAME":"istio-ingressgateway-74df47f5f9-nv65v","NAMESPACE":"istio-system"}}}},`);
  await write(`{"@type":"${admin}ClustersConfigDump","version_info":"2025-10-26T05:40:12Z/31","dynamic_active_clusters":[`);
  for (let i = 0; i < count; i++) {
    for (const subset of ["", "v1", "v2"]) {
      const name = `outbound|80|${subset}|${fqdn(i)}`;
      await write(`${i || subset ? "," : ""}{"version_info":"2025-10-26T05:40:12Z/31","cluster":{"@type":"type.googleapis.com/envoy.config.cluster.v3.Cluster","name":"${name}","type":"EDS","eds_cluster_config":{"eds_config":{"ads":{},"initial_fetch_timeout":"0s","resource_api_version":"V3"},"service_name":"${name}"},"connect_timeout":"10s","lb_policy":"LEAST_REQUEST","circuit_breakers":{"thresholds":[{"max_connections":4294967295,"max_pending_requests":4294967295,"max_requests":4294967295,"max_retries":4294967295,"track_remaining":true}]},"metadata":{"filter_metadata":{"istio":{"config":"/apis/networking.istio.io/v1/namespaces/ns-${i % 50}/destination-rule/svc-${i}","services":[{"host":"${fqdn(i)}","name":"svc-${i}","namespace":"ns-${i % 50}"}]}}}},"last_updated":"2025-10-26T05:40:12.512Z"}`);
    }
  }
  await write(`]},{"@type":"${admin}ListenersConfigDump","dynamic_listeners":[{"name":"0.0.0.0_8080","active_state":{"listener":{"@type":"type.googleapis.com/envoy.config.listener.v3.Listener","name":"0.0.0.0_8080","address":{"socket_address":{"address":"0.0.0.0","port_value":8080}},"filter_chains":[{"filters":[{"name":"envoy.filters.network.http_connection_manager","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager","stat_prefix":"outbound_0.0.0.0_8080","rds":{"config_source":{"ads":{}},"route_config_name":"http.8080"}}}]}]}}}]},`);
  await write(`{"@type":"${admin}RoutesConfigDump","dynamic_route_configs":[{"route_config":{"@type":"type.googleapis.com/envoy.config.route.v3.RouteConfiguration","name":"http.8080","virtual_hosts":[`);
  for (let i = 0; i < count; i++) {
    await write(`${i ? "," : ""}{"name":"svc-${i}.example.com:80","domains":["svc-${i}.example.com"],"routes":[{"match":{"prefix":"/"},"route":{"weighted_clusters":{"clusters":[{"name":"outbound|80|v1|${fqdn(i)}","weight":20},{"name":"outbound|80|v2|${fqdn(i)}","weight":80}]},"timeout":"0s","retry_policy":{"retry_on":"connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes","num_retries":2}},"metadata":{"filter_metadata":{"istio":{"config":"/apis/networking.istio.io/v1/namespaces/ns-${i % 50}/virtual-service/svc-${i}"}}}}]}`);
  }
  await write(`],"validate_clusters":false,"ignore_port_in_host_matching":true}}]},{"@type":"${admin}EndpointsConfigDump","dynamic_endpoint_configs":[`);
  for (let i = 0; i < count; i++) {
    for (const subset of ["", "v1", "v2"]) {
      const endpoints = [];
      for (let e = 0; e < 6; e++) endpoints.push(`{"endpoint":{"address":{"socket_address":{"address":"10.${(i >> 8) & 255}.${i & 255}.${e + 1}","port_value":8080}}},"health_status":"HEALTHY","load_balancing_weight":1}`);
      await write(`${i || subset ? "," : ""}{"endpoint_config":{"@type":"type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment","cluster_name":"outbound|80|${subset}|${fqdn(i)}","endpoints":[{"locality":{},"lb_endpoints":[${endpoints.join(",")}]}]}}`);
    }
    services++;
  }
  await write(`]}]}`);
  await new Promise((resolve) => stream.end(resolve));
  return services;
}

async function measure(path, label, services, target = true) {
  const bytes = statSync(path).size;
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  const loaded = await loadConfigDumpFile(path);
  if ("error" in loaded) throw new Error(loaded.error);
  const loadedAt = process.hrtime.bigint();
  const target = services - 1;
  const result = traceRequest(loaded.dump, { url: `http://svc-${target}.example.com/items`, port: 8080 });
  const tracedAt = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuStart);
  const table = clusterTable(loaded.dump, { fqdn: `svc-${target}.ns-${target % 50}.svc.cluster.local` });
  const tabledAt = process.hrtime.bigint();
  const ms = (a, b) => (Number(b - a) / 1e6).toFixed(0);
  console.log(
    `${label}: ${(bytes / 1048576).toFixed(0)} MB, ${loaded.dump.clusters().length} clusters, ${loaded.dump.endpoints().length} endpoint groups; load ${ms(started, loadedAt)} ms + trace ${ms(loadedAt, tracedAt)} ms = ${ms(started, tracedAt)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU${target ? " (target <= 3000 ms)" : ""}; trace ${result.broken ? `broken at ${result.broken.stage}` : `reaches ${result.clusters.map((c) => `${c.endpoints.length} endpoints`).join(" + ")}`}; cluster table ${ms(tracedAt, tabledAt)} ms (${table.split("\n").length - 2} rows); peak RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
  );
}

console.log(`load average at start: ${(await import("node:os")).loadavg().map((value) => value.toFixed(1)).join(" ")} on ${(await import("node:os")).cpus().length} CPUs`);
const dir = mkdtempSync(join(tmpdir(), "ktriage-dump-"));
try {
  const path = join(dir, "config_dump.json");
  process.stderr.write(`generating a ${sizeMb} MB config dump...\n`);
  const services = await writeDump(path, sizeMb);
  await measure(path, "indexed load (<= 2 GB read as bytes)", services);
  rmSync(path);
  if (streamMb > 0) {
    const large = join(dir, "large_config_dump.json");
    process.stderr.write(`generating a ${streamMb} MB config dump...\n`);
    const largeServices = await writeDump(large, streamMb);
    await measure(large, "dump over 512 MB (indexed as bytes; sections over 256 MB parsed by the streaming reader)", largeServices, false);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
