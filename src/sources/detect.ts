import { looksLikeDescribePod } from "./text/describe-pod.js";
import { looksLikeEventsTable } from "./text/events-table.js";

export type ContentKind = "kube" | "describe-pod" | "events-table" | "envoy-config-dump" | "proxy-status" | "access-log" | "log";

const ACCESS_LOG_TEXT = /^\[\d{4}-\d{2}-\d{2}T[\d:.]+Z\] "(?:[A-Z]+ \S+ \S+|- - -)" \d{1,3} /;
const ACCESS_LOG_JSON = /"(?:response_flags|upstream_cluster|response_code)"\s*:/;
const PROXY_STATUS_HEADER = /^NAME\s+(?:CLUSTER\s+)?(?:CDS|ISTIOD|CLUSTER)\b.*\b(?:ISTIOD|PILOT|VERSION)\b/;
/** istiod's /debug/syncz: a list of proxies with per-type nonces (and, from 1.22, per-type-URL resources). */
const SYNCZ_PROXY = /"proxy"\s*:\s*"/;
const SYNCZ_FIELD = /"(?:(?:cluster|listener|route|endpoint)_(?:sent|acked)|istio_version|proxy_type)"\s*:/;

/** Tells what a text input is from its content (and its name as a hint). */
export function classifyText(text: string, name = ""): ContentKind {
  const head = text.slice(0, 16384);
  const trimmed = head.trimStart();
  const firstLine = trimmed.split("\n", 1)[0] ?? "";
  // Pasted tool output can carry a JSON header line above `kubectl describe` text; no JSON document has a line starting `Name:`.
  if (looksLikeDescribePod(head)) return "describe-pod";
  if (trimmed.startsWith("{") || /^\[\s*[{\]"]/.test(trimmed) || trimmed === "[") {
    if (/"configs"\s*:\s*\[/.test(head) && /type\.googleapis\.com\/envoy\.admin\.v3\./.test(head)) return "envoy-config-dump";
    if (/envoy\.service\.status\.v3\.ClientConfig|"generic_?[xX]ds_?[cC]onfigs"/.test(head)) return "proxy-status";
    if (SYNCZ_PROXY.test(head) && SYNCZ_FIELD.test(head)) return "proxy-status";
    if (ACCESS_LOG_JSON.test(firstLine) && /"start_time"|"authority"|"upstream_host"/.test(firstLine)) return "access-log";
    return "kube";
  }
  if (looksLikeEventsTable(head)) return "events-table";
  if (PROXY_STATUS_HEADER.test(firstLine)) return "proxy-status";
  if (ACCESS_LOG_TEXT.test(firstLine) || head.split("\n").slice(0, 20).some((line) => ACCESS_LOG_TEXT.test(line))) return "access-log";
  if (/^\s*(apiVersion|kind)\s*:/m.test(head) || /\.(ya?ml|json)$/i.test(name)) return "kube";
  return "log";
}
