import { defineRule } from "../../contract/rule.js";
import { flagFindings } from "./flag-findings.js";
import { describeProxy, grepCommand, listCounts } from "./access-log-evidence.js";

export const rbacOrAuthnDenied = defineRule({
  id: "envoy/rbac-or-authn-denied",
  category: "rbac-or-authn-denied",
  severity: "error",
  title: "Requests denied: RBAC access denied, JWT verification fails, or UAEX",
  docs: {
    cause:
      "The proxy itself refused the requests: an AuthorizationPolicy denied them (403 \"RBAC: access denied\", details rbac_access_denied_matched_policy[...]), a RequestAuthentication rejected the JWT (401 \"Jwt verification fails\" / \"Jwt is missing\"), or the external authorizer said no (UAEX).",
    fix: "Read the policy named in response_code_details (or [none]: ALLOW policies exist and none matched) and add a rule for this source/principal/path; for JWT, check issuer, audiences and jwksUri of the RequestAuthentication.",
    verify: ["kubectl get authorizationpolicy,requestauthentication -A", "kubectl logs <pod> -c istio-proxy | grep -E 'rbac_access_denied|jwt_authn_access_denied|UAEX'"],
    references: ["https://istio.io/latest/docs/ops/common-problems/security-issues/"],
  },
  equivalents: [],
  inputs: ["access-logs", "logs"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: [],
  scopes: ["diagnose"],
  messages: {
    "requests-denied": "{count} requests to {proxy} were denied ({reasons})",
    "denied-response": "{count} \"{denial}\" response in {where}",
    "denied-responses": "{count} \"{denial}\" responses in {where}",
  },
  analyze(ctx) {
    flagFindings(ctx, {
      keys: ["RBAC", "JWT", "UAEX"],
      lineSignatures: ["rbac-access-denied", "jwt-verification-fails"],
      what: "were denied by the proxy (RBAC/JWT/ext_authz)",
      message: (log, bucket, keys) => ({
        message: "requests-denied",
        data: { count: bucket.count, proxy: describeProxy(log), reasons: keys.map((key) => (key === "RBAC" ? "RBAC: access denied" : key === "JWT" ? "JWT rejected" : "UAEX")).join(", ") },
      }),
      cause: (_log, bucket, keys) => {
        const parts: string[] = [];
        if (keys.includes("RBAC")) parts.push(`an AuthorizationPolicy denied them (${listCounts(bucket.details, 2)}; "[none]" means ALLOW policies exist and none matched)`);
        if (keys.includes("JWT")) parts.push("a RequestAuthentication rejected the token (bad signature, issuer or audience, expired, or the JWKS cannot be fetched)");
        if (keys.includes("UAEX")) parts.push("the external authorization service denied them");
        return `The proxy refused requests for ${listCounts(bucket.authorities, 2) || "this workload"}: ${parts.join("; ")}.`;
      },
      fix: () => ({
        description: "Allow this caller in the AuthorizationPolicy (source principal/namespace, path, method), or fix the RequestAuthentication issuer/jwksUri/audiences, or the token the client sends.",
        commands: ["kubectl get authorizationpolicy,requestauthentication -A -o yaml", "istioctl x authz check <pod>.<namespace>"],
      }),
      verify: (log) => [grepCommand(log, "rbac_access_denied|jwt_authn_access_denied|UAEX") + " | wc -l"],
      lineFinding: (matches, where) => ({
        message: matches.length > 1 ? "denied-responses" : "denied-response",
        data: { count: matches.length, denial: matches[0]!.matched, where },
        cause: `${matches[0]!.signature.explanation}.`,
        fix: { description: "Check the AuthorizationPolicy/RequestAuthentication on the destination workload.", commands: ["kubectl get authorizationpolicy,requestauthentication -A"] },
        verify: ["istioctl x authz check <destination-pod>.<namespace>"],
      }),
    });
  },
});
