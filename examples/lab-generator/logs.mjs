import { createHash } from "node:crypto";

// Log texts for the lab, in the formats the real programs print. Times are microsecond
// timestamps for istio-proxy (pilot-agent/Envoy) and the program's own format elsewhere.

/** "2025-06-02T10:31:00Z" + ms -> "2025-06-02T10:31:00.412393Z" (istio log timestamps have microseconds). */
export function micro(iso, offsetMs, micros = 0) {
  const date = new Date(Date.parse(iso) + offsetMs);
  const base = date.toISOString().slice(0, 19);
  const fraction = String(date.getUTCMilliseconds() * 1000 + (micros % 1000)).padStart(6, "0");
  return `${base}.${fraction}Z`;
}

/** pilot-agent and Envoy start-up lines of an istio-proxy sidecar (Istio 1.27). */
export function proxyStartLines({ start, pod, namespace, ip, cpu = 2, statusPortError = false, caUnreachable = false, ready = true, readyAfterMs = 1450 }) {
  const at = (ms, micros) => micro(start, ms, micros);
  const lines = [
    `${at(12, 393)}\tinfo\tFLAG: --concurrency="0"`,
    `${at(12, 429)}\tinfo\tFLAG: --domain="${namespace}.svc.cluster.local"`,
    `${at(12, 440)}\tinfo\tFLAG: --help="false"`,
    `${at(12, 446)}\tinfo\tFLAG: --log_output_level="default:info"`,
    `${at(12, 463)}\tinfo\tFLAG: --proxyComponentLogLevel="misc:error"`,
    `${at(12, 468)}\tinfo\tFLAG: --proxyLogLevel="warning"`,
    `${at(12, 510)}\tinfo\tVersion 1.27.0-1c6a4f2b0d2e0c8a6f0e3b9a7d5c4e2f1a0b9c8d-Clean`,
    `${at(12, 536)}\tinfo\tSet max file descriptors (ulimit -n) to: 1048576`,
    `${at(12, 719)}\tinfo\tProxy role\tips=[${ip}] type=sidecar id=${pod}.${namespace} domain=${namespace}.svc.cluster.local`,
    `${at(12, 801)}\tinfo\tApply proxy config from env {}`,
    `${at(14, 552)}\tinfo\tcpu limit detected as ${cpu}, setting concurrency`,
    `${at(15, 63)}\tinfo\tJWT policy is third-party-jwt`,
    `${at(15, 68)}\tinfo\tusing credential fetcher of JWT type in cluster.local trust domain`,
  ];
  if (statusPortError) {
    lines.push(`${at(16, 244)}\terror\tError listening on status port: listen tcp :15020: bind: address already in use`);
  } else {
    lines.push(`${at(16, 244)}\tinfo\tOpening status port 15020`);
  }
  lines.push(
    `${at(16, 368)}\tinfo\tWorkload SDS socket not found. Starting Istio SDS Server`,
    `${at(16, 402)}\tinfo\tCA Endpoint istiod.istio-system.svc:15012, provider Citadel`,
    `${at(16, 430)}\tinfo\tUsing CA istiod.istio-system.svc:15012 cert with certs: var/run/secrets/istio/root-cert.pem`,
    `${at(28, 161)}\tinfo\tads\tAll caches have been synced up in 17.88ms, marking server ready`,
    `${at(28, 443)}\tinfo\txdsproxy\tInitializing with upstream address "istiod.istio-system.svc:15012" and cluster "Kubernetes"`,
    `${at(28, 952)}\tinfo\tsds\tStarting SDS grpc server`,
    `${at(29, 15)}\tinfo\tstarting Http service at 127.0.0.1:15004`,
    `${at(29, 371)}\tinfo\tPilot SAN: [istiod.istio-system.svc]`,
    `${at(30, 514)}\tinfo\tStarting proxy agent`,
    `${at(30, 538)}\tinfo\tEnvoy command: [-c etc/istio/proxy/envoy-rev.json --drain-time-s 45 --drain-strategy immediate --local-address-ip-version v4 --file-flush-interval-msec 1000 --disable-hot-restart --allow-unknown-static-fields -l warning --component-log-level misc:error --concurrency ${cpu}]`,
  );
  if (caUnreachable) return lines;
  lines.push(
    `${at(151, 260)}\tinfo\tcache\tgenerated new workload certificate\tresourceName=default latency=120.40ms ttl=23h59m59.44874s`,
    `${at(151, 306)}\tinfo\tcache\tRoot cert has changed, start rotating root cert`,
    `${at(151, 458)}\tinfo\tcache\treturned workload trust anchor from cache\tttl=23h59m59.44854s`,
    `${at(312, 388)}\tinfo\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012\tid=1`,
    `${at(360, 410)}\tinfo\tads\tADS: new connection for node:${pod}.${namespace}-1`,
    `${at(361, 154)}\tinfo\tads\tSDS: PUSH request for node:${pod}.${namespace} resources:1 size:4.0kB resource:default`,
  );
  if (ready) {
    lines.push(
      `${at(readyAfterMs, 380)}\tinfo\tReadiness succeeded in ${(readyAfterMs / 1000).toFixed(3).replace(/0+$/, "")}s`,
      `${at(readyAfterMs, 944)}\tinfo\tEnvoy proxy is ready`,
    );
  }
  return lines;
}

/** What pilot-agent prints when the kubelet stops the container (SIGTERM). */
export function proxyStopLines(stop) {
  const at = (ms, micros) => micro(stop, ms, micros);
  return [
    `${at(0, 512)}\tinfo\tStatus server has successfully terminated`,
    `${at(0, 744)}\tinfo\tAgent draining Proxy for termination`,
    `${at(1, 31)}\tinfo\tGraceful termination period is 5s, starting...`,
    `${at(5001, 207)}\tinfo\tGraceful termination period complete, terminating remaining proxies.`,
    `${at(5001, 262)}\twarn\tAborting proxy`,
    `${at(5004, 894)}\tinfo\tEnvoy aborted normally`,
    `${at(5004, 917)}\twarn\tAborted proxy instance`,
    `${at(5004, 921)}\tinfo\tAgent has successfully terminated`,
  ];
}

/** An Istio default TEXT access log line (meshConfig.accessLogFile=/dev/stdout, accessLogEncoding TEXT). */
export function accessLine(f) {
  const q = (v) => `"${v ?? "-"}"`;
  return [
    `[${f.start}]`,
    `"${f.method} ${f.path} ${f.protocol}"`,
    f.code,
    f.flags ?? "-",
    f.details ?? "via_upstream",
    f.termination ?? "-",
    q(f.transportFailure),
    f.received ?? 0,
    f.sent,
    f.duration,
    f.upstreamTime ?? "-",
    q(f.xff),
    q(f.userAgent),
    q(f.requestId),
    q(f.authority),
    q(f.upstreamHost),
    f.cluster ?? "-",
    f.upstreamLocal ?? "-",
    f.downstreamLocal,
    f.downstreamRemote,
    f.sni ?? "-",
    f.route ?? "-",
  ].join(" ");
}

/** A request id as Envoy generates it (a random UUID v4), derived from a counter so the log is stable. */
export function requestId(n) {
  const h = createHash("sha1").update(`x-request-id:${n}`).digest("hex");
  const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
