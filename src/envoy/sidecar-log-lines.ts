/**
 * Lines Envoy writes as response bodies or log messages that operators meet
 * in application and istio-proxy logs; the lines themselves live in the one
 * log catalog (src/signatures/mesh.ts).
 */
import type { Category } from "../model/categories.js";
import { RESPONSE_SIGNATURES } from "../signatures/catalog.js";
import { matchLine } from "../signatures/scan.js";
import type { ClusterView } from "../view/cluster-view.js";

export interface SidecarLineSignature {
  id: string;
  pattern: RegExp;
  category: Category;
  explanation: string;
}

/** Envoy's response texts, from the one log catalog (signatures/mesh.ts). */
export const SIDECAR_LINE_SIGNATURES: readonly SidecarLineSignature[] = RESPONSE_SIGNATURES.map((signature) => ({
  id: signature.id,
  pattern: signature.pattern,
  category: signature.category,
  explanation: signature.explanation ?? "",
}));

export interface SidecarLineMatch {
  signature: SidecarLineSignature;
  namespace?: string;
  pod?: string;
  container?: string;
  file: string;
  line: number;
  /** The line, cut at 300 characters. */
  text: string;
  /** What the signature matched, taken from the whole line (it may lie past the cut). */
  matched: string;
}

const cache = new WeakMap<ClusterView, SidecarLineMatch[]>();

/** Every container log line in the view that carries one of the signatures (access-log lines excluded). */
export function sidecarLineMatches(view: ClusterView): SidecarLineMatch[] {
  let matches = cache.get(view);
  if (matches) return matches;
  matches = [];
  for (const stream of view.logs) {
    stream.lines.forEach((text, index) => {
      if (text.startsWith("[20") && text.includes('" ')) return;
      if (text.startsWith("{") && text.includes('"response_code"')) return;
      // The proxy's own control-plane stream (`gRPC config stream closed: 14, no healthy upstream`) is no response to a request.
      if (matchLine(text).some((match) => match.signature.category.startsWith("sidecar-"))) return;
      for (const signature of SIDECAR_LINE_SIGNATURES) {
        const found = signature.pattern.exec(text);
        if (found) {
          const matched = found[0].length > 300 ? `${found[0].slice(0, 300)}...` : found[0];
          matches!.push({ signature, namespace: stream.namespace, pod: stream.pod, container: stream.container, file: stream.origin.file, line: stream.firstLine + index, text: text.length > 300 ? `${text.slice(0, 300)}...` : text, matched });
          break;
        }
      }
    });
  }
  cache.set(view, matches);
  return matches;
}
