import { defineRule } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import { analyzeCommand, formatPath, reportIstio, kubectl, valueAt } from "./finding.js";
import { peerIdentityFields } from "../../istio/authorization.js";
import { autoMtlsEnabled } from "../../istio/kiali-mtls.js";
import { KialiMtlsStatus } from "../../istio/kiali-mtls-status.js";
import { namespaceOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

/**
 * Kiali's KIA0105: a policy matches on the peer's identity (principals, namespaces, service
 * accounts, trust domains, `source.principal`/`source.namespace`/`connection.sni` conditions)
 * where the workloads it selects do not receive mutual TLS, as Kiali works out the mTLS status.
 */
export const authorizationPolicyRequiresMtls = defineRule({
  id: "istio/authorization-policy-requires-mtls",
  category: "mtls-mode-conflict",
  severity: "error",
  title: "AuthorizationPolicy matches on the peer identity where mTLS is not enabled",
  docs: {
    cause:
      "Principals, namespaces, service accounts and trust domains are read from the client's mTLS certificate. Where the selected workloads' PeerAuthentication disables mTLS (or, without auto mTLS, no DestinationRule makes clients use it), requests arrive in plain text without an identity: an ALLOW rule on these fields rejects every caller (403 RBAC: access denied), a DENY rule on them denies nobody and its `not` forms deny everyone.",
    fix: "Enable mTLS for the workloads (PeerAuthentication STRICT or PERMISSIVE with auto mTLS or an ISTIO_MUTUAL DestinationRule), or match on what plain text carries (`ipBlocks`, `remoteIpBlocks`, request headers).",
    verify: ["istioctl x describe pod <pod> -n <namespace>", "istioctl x authz check <pod> -n <namespace>"],
    references: [
      "https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source",
      "https://istio.io/latest/docs/concepts/security/#dependency-on-mutual-tls",
      "https://kiali.io/docs/features/validations/#kia0105---this-field-requires-mtls-to-be-enabled",
    ],
  },
  equivalents: ["KIA0105"],
  inputs: ["istio", "services", "mesh-config"],
  reads: ["AuthorizationPolicy", "DestinationRule", "EndpointSlice", "Endpoints", "PeerAuthentication", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "needs-mtls": "{policy} {field} needs the peer's mTLS identity, but the workloads it applies to in {namespace} do not receive mTLS ({reason})",
  },
  analyze(ctx) {
    const { view } = ctx;
    const status = new KialiMtlsStatus(view);
    for (const policy of view.kind("AuthorizationPolicy")) {
      const fields = peerIdentityFields(policy);
      if (fields.length === 0) continue;
      const namespace = appliedNamespace(namespaceOf(policy) || undefined);
      const selector = stringMapOf(recordOf(recordOf(policy.spec)?.selector)?.matchLabels);
      if (status.receivesMtls(namespace, selector)) continue;
      const nsStatus = status.namespaceStatus(namespace);
      const reason = nsStatus === "disabled" ? "mTLS is disabled there" : !autoMtlsEnabled(view) ? "auto mTLS is off and no DestinationRule makes clients use mTLS" : "mTLS is only partly enabled there";
      for (const path of fields) {
        const value = valueAt(policy, path);
        const key = recordOf(value)?.key;
        reportIstio(this, ctx, {
          object: policy,
          istioMessage: "This field requires mTLS to be enabled",
          path,
          message: "needs-mtls",
          data: { policy: refOf(policy), field: typeof key === "string" ? `condition ${key}` : formatPath(path.slice(-1)), namespace, reason },
          cause: "Plain-text requests carry no peer identity, so this part of the rule never matches: ALLOW rejects the callers, DENY lets them through.",
          fix: {
            description: "Enable mTLS for these workloads (PeerAuthentication mode STRICT or PERMISSIVE), or match on ipBlocks or request attributes instead.",
            commands: [kubectl("edit", policy), `kubectl get peerauthentication,destinationrule -A`],
          },
          verify: [analyzeCommand(policy), `istioctl x describe pod <pod>${namespaceFlag(namespace)}`],
        });
      }
    }
  },
});
