import type { LogStream } from "../model/inputs.js";
import type { ClusterView } from "../view/cluster-view.js";

export interface LogHit {
  stream: LogStream;
  /** Index in stream.lines. */
  index: number;
  text: string;
  match: RegExpExecArray;
}

/** Lines matching a pattern in a container's logs, previous instance first. */
export function findInLogs(view: ClusterView, namespace: string | undefined, pod: string | undefined, container: string, pattern: RegExp, limit = 50): LogHit[] {
  const hits: LogHit[] = [];
  for (const stream of view.logsFor(namespace, pod, container)) {
    stream.lines.forEach((text, index) => {
      if (hits.length >= limit) return;
      const match = pattern.exec(text);
      if (match) hits.push({ stream, index, text, match });
    });
  }
  return hits;
}

/** The first hit of each pattern, in pattern order. */
export function firstHits(view: ClusterView, namespace: string | undefined, pod: string | undefined, container: string, patterns: readonly RegExp[]): LogHit[] {
  const hits: LogHit[] = [];
  for (const pattern of patterns) {
    const hit = findInLogs(view, namespace, pod, container, pattern, 1)[0];
    if (hit && !hits.some((existing) => existing.stream === hit.stream && existing.index === hit.index)) hits.push(hit);
  }
  return hits;
}

/** pilot-agent and Envoy log signatures, from real istio-proxy logs. */
export const PROXY_SIGNATURES = {
  /** `listen tcp :15020: bind: address already in use`, `cannot bind '0.0.0.0:15006': Address already in use`. */
  bindInUse: /(?:listen tcp [^\s]*?:(\d+): bind: address already in use|cannot bind '[^']*?:(\d+)': Address already in use)/i,
  /** xDS stream to istiod closed or never established. */
  xdsStreamClosed: /(?:StreamAggregatedResources gRPC config stream closed|XDS client connection error|ADS stream.*(?:closed|error))/i,
  configNotReceived: /Envoy proxy is NOT ready: config not received from (?:Pilot|XDS server)/i,
  /** Certificate or xDS dial failures towards istiod (port 15012 or the istiod Service). */
  istiodDial: /(?:istiod[\w.-]*:15012|:15012\b).*(?:i\/o timeout|connection refused|no such host|context deadline exceeded|connection reset)|failed to warm certificate|Failed to create certificate|failed to sign certificate/i,
  dnsFailure: /lookup istiod[\w.-]* on [\d.:]+: (?:read udp|dial udp|no such host|server misbehaving)/i,
  envoyExited: /(?:Envoy exited with error|Epoch \d+ exited with error|Epoch \d+ terminated with an error|std::terminate called)/i,
  notReady: /Envoy proxy is NOT ready/i,
  /** istiod's configuration arrived but Envoy refused it (an EnvoyFilter or extension this proxy does not support). */
  configRejected: /gRPC config for type\.googleapis\.com\/envoy\.[\w.]+ rejected:|config received from XDS server, but was rejected/i,
} as const;

/** istio-init (istio-iptables) failures. */
export const INIT_SIGNATURES = {
  permission: /(?:Permission denied \(you must be root\)|can't initialize iptables table `?'?\w+'?: Permission denied|Operation not permitted)/i,
  iptables: /(?:iptables-restore: unable to initialize table|iptables(?:-restore)?(?: v[\d.]+)?(?: \([a-z_]+\))?: .*(?:unable|can't|could not|Could not)|Failed to execute: iptables|xtables parameter problem|exit status \d+)/i,
} as const;
