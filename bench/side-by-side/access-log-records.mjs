// Istio's default TEXT access-log lines of an ingress gateway in front of a catalog service (a quarter of
// requests slow, some timing out with UT), and the same records as Envoy's JSON access-log encoding.
import { createWriteStream } from "node:fs";

const hosts = ["10.244.0.17:3000", "10.244.0.18:3000", "10.244.0.19:3000", "10.244.0.21:3000"];
const clusters = ["outbound|80|version-v1|catalog.istioinaction.svc.cluster.local", "outbound|80|version-v2|catalog.istioinaction.svc.cluster.local"];

/** Istio's default TEXT line, or its JSON encoding, for request number i. */
export function request(i, json) {
  const second = String(i % 60).padStart(2, "0");
  const millis = String(i % 1000).padStart(3, "0");
  const start = `2025-10-26T06:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${second}.${millis}Z`;
  const slow = i % 4 === 2;
  const timeout = slow && i % 3 === 0;
  const host = hosts[i % 4];
  const cluster = clusters[i % 4 < 2 ? 0 : 1];
  const id = `${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}-7c1d-9f0e-a4b2-5d3c8e1f${String(i % 10000).padStart(4, "0")}`;
  const code = timeout ? 504 : 200;
  const flags = timeout ? "UT" : "-";
  const details = timeout ? "response_timeout" : "via_upstream";
  const duration = timeout ? 501 : slow ? 380 + (i % 90) : 8 + (i % 25);
  const sent = timeout ? 24 : 357;
  const serviceTime = timeout ? "-" : String(duration - 1);
  const port = 30000 + (i % 30000);
  if (json) {
    return JSON.stringify({
      authority: "catalog.istioinaction.io", bytes_received: 0, bytes_sent: sent, connection_termination_details: null,
      downstream_local_address: "10.244.0.12:8080", downstream_remote_address: `172.18.0.1:${port}`, duration,
      method: "GET", path: "/items", protocol: "HTTP/1.1", request_id: id, requested_server_name: null,
      response_code: code, response_code_details: details, response_flags: flags, route_name: null,
      start_time: start, upstream_cluster: cluster, upstream_host: host, upstream_local_address: `10.244.0.12:${port}`,
      upstream_service_time: timeout ? null : serviceTime, upstream_transport_failure_reason: null,
      user_agent: "curl/8.7.1", x_forwarded_for: "172.18.0.1",
    });
  }
  return `[${start}] "GET /items HTTP/1.1" ${code} ${flags} ${details} - "-" 0 ${sent} ${duration} ${serviceTime} "172.18.0.1" "curl/8.7.1" "${id}" "catalog.istioinaction.io" "${host}" ${cluster} 10.244.0.12:${port} 10.244.0.12:8080 172.18.0.1:${port} - -`;
}

/** Writes about `megabytes` MB of records (or exactly `count` records); returns how many. */
export async function generate(path, megabytes, json, count = Infinity) {
  const target = megabytes * 1024 * 1024;
  const stream = createWriteStream(path);
  let written = 0;
  let i = 0;
  while (written < target && i < count) {
    let block = "";
    for (let k = 0; k < 2000 && i < count; k++) block += request(i++, json) + "\n";
    written += Buffer.byteLength(block);
    if (!stream.write(block)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  await new Promise((resolve) => stream.end(resolve));
  return i;
}

