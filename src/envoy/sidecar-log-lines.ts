/**
 * Lines Envoy writes as response bodies or log messages that operators meet
 * in application and istio-proxy logs.
 */
import type { Category } from "../model/categories.js";
import type { ClusterView } from "../view/cluster-view.js";

export interface SidecarLineSignature {
  id: string;
  pattern: RegExp;
  category: Category;
  explanation: string;
}

export const SIDECAR_LINE_SIGNATURES: readonly SidecarLineSignature[] = [
  {
    id: "upstream-connect-error",
    pattern: /upstream connect error or disconnect\/reset before headers/,
    category: "upstream-connection-failure",
    explanation: "Envoy could not connect to, or lost, the destination before it answered: the target pods are down or restarting, the Service targetPort does not match the port the app listens on, or mTLS settings disagree",
  },
  {
    id: "no-healthy-upstream",
    pattern: /\bno healthy upstream\b/,
    category: "no-healthy-upstream",
    explanation: "the destination cluster has no healthy endpoint: every pod is unready or ejected by outlier detection (circuit breaker), or no pod matches the Service/subset",
  },
  {
    id: "jwt-verification-fails",
    pattern: /\bJwt (?:verification fails|is missing|issuer is not configured|is expired|is not yet valid)\b/i,
    category: "rbac-or-authn-denied",
    explanation: "a RequestAuthentication rejected the request's JWT (bad signature, wrong issuer/audience, expired, or the JWKS cannot be fetched)",
  },
  {
    id: "rbac-access-denied",
    pattern: /\bRBAC: access denied\b/,
    category: "rbac-or-authn-denied",
    explanation: "an AuthorizationPolicy denied the request (a DENY rule matched, or ALLOW policies exist and none matched)",
  },
];

export interface SidecarLineMatch {
  signature: SidecarLineSignature;
  namespace?: string;
  pod?: string;
  container?: string;
  file: string;
  line: number;
  text: string;
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
      for (const signature of SIDECAR_LINE_SIGNATURES) {
        if (signature.pattern.test(text)) {
          matches!.push({ signature, namespace: stream.namespace, pod: stream.pod, container: stream.container, file: stream.origin.file, line: stream.firstLine + index, text: text.length > 300 ? `${text.slice(0, 300)}...` : text });
          break;
        }
      }
    });
  }
  cache.set(view, matches);
  return matches;
}
