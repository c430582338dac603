import { defineRule } from "../../contract/rule.js";
import type { Severity } from "../../model/finding.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { kialiMtlsChecks, type KialiMtlsCode } from "../../istio/kiali-mtls.js";
import { refOf } from "../../k8s/objects.js";

interface CodeText {
  severity: Severity;
  message: string;
  cause: string;
  fix: string;
}

/**
 * Kiali's wording for each code (https://kiali.io/docs/features/validations/). Error where traffic
 * fails (plaintext to STRICT servers, Istio mTLS to servers that disabled it); warning where one
 * side of the mesh-wide or namespace-wide setting is missing.
 */
const CODES: Record<KialiMtlsCode, CodeText> = {
  KIA0205: { severity: "warning", message: "PeerAuthentication enabling mTLS at mesh level is missing", cause: "This DestinationRule makes every client originate Istio mTLS to all mesh hosts (its tls mode replaces auto mTLS's choice), and no mesh-wide PeerAuthentication (root namespace, no selector) says the servers accept it; servers without a sidecar or with mTLS disabled reset these connections.", fix: "Add a mesh-wide PeerAuthentication with mtls.mode STRICT or PERMISSIVE in the root namespace, or remove tls from this DestinationRule and let auto mTLS decide." },
  KIA0206: { severity: "warning", message: "PeerAuthentication enabling namespace-wide mTLS is missing", cause: "This DestinationRule makes clients originate Istio mTLS to every host of its namespace (its tls mode replaces auto mTLS's choice), and no PeerAuthentication of the namespace or the mesh enables mTLS on the servers.", fix: "Add a PeerAuthentication without selector in this namespace (mtls.mode STRICT or PERMISSIVE), or remove tls from the DestinationRule." },
  KIA0207: { severity: "error", message: "PeerAuthentication with TLS strict mode found, it should be permissive", cause: "The namespace-wide DestinationRule sends plaintext (tls.mode DISABLE) while the namespace's PeerAuthentication accepts only mTLS: every connection to the namespace's services is reset.", fix: "Set the namespace PeerAuthentication to PERMISSIVE, or remove the DISABLE from the DestinationRule." },
  KIA0208: { severity: "error", message: "PeerAuthentication enabling mTLS found, permissive mode needed", cause: "The DestinationRule sends plaintext (tls.mode DISABLE) while the mesh-wide PeerAuthentication is STRICT: servers accept only mTLS and reset these connections.", fix: "Set the mesh-wide PeerAuthentication to PERMISSIVE (or give the namespace its own PERMISSIVE policy), or remove the DISABLE from the DestinationRule." },
  KIA0401: { severity: "warning", message: "Mesh-wide Destination Rule enabling mTLS is missing", cause: "The mesh-wide PeerAuthentication requires mTLS, auto mTLS is off, and no mesh-wide DestinationRule (host *.local, ISTIO_MUTUAL) makes clients send it: clients send plaintext that the servers reject.", fix: "Add a DestinationRule for host *.local with trafficPolicy.tls.mode ISTIO_MUTUAL, or turn auto mTLS back on (meshConfig.enableAutoMtls)." },
  KIA0501: { severity: "warning", message: "Destination Rule enabling namespace-wide mTLS is missing", cause: "The namespace PeerAuthentication requires mTLS, auto mTLS is off, and no DestinationRule (namespace-wide *.<ns>.svc.cluster.local or mesh-wide *.local, ISTIO_MUTUAL) makes clients send it.", fix: "Add a DestinationRule for host *.<namespace>.svc.cluster.local with trafficPolicy.tls.mode ISTIO_MUTUAL, or turn auto mTLS back on." },
  KIA0505: { severity: "error", message: "Destination Rule disabling namespace-wide mTLS is missing", cause: "The namespace PeerAuthentication disables mTLS, but a namespace-wide or mesh-wide DestinationRule still makes clients originate Istio mTLS to its services: the servers expect plaintext and the handshake fails.", fix: "Add a DestinationRule for host *.<namespace>.svc.cluster.local with trafficPolicy.tls.mode DISABLE, or stop disabling mTLS in the namespace." },
  KIA0506: { severity: "error", message: "Destination Rule disabling mesh-wide mTLS is missing", cause: "The mesh-wide PeerAuthentication disables mTLS, but the mesh-wide DestinationRule (host *.local) still makes clients originate Istio mTLS: servers expect plaintext and the handshake fails.", fix: "Set the mesh-wide DestinationRule's tls.mode to DISABLE, or remove it." },
};

/**
 * | PeerAuthentication (no selector) | DestinationRule | code |
 * |---|---|---|
 * | none, UNSET or DISABLE in the root namespace (auto mTLS on or off) | `*.local` ISTIO_MUTUAL | KIA0205 on the DestinationRule |
 * | namespace and mesh not enabling (auto mTLS on or off) | `*.ns.svc.cluster.local` ISTIO_MUTUAL | KIA0206 |
 * | namespace STRICT | `*.ns.svc.cluster.local` DISABLE | KIA0207 |
 * | mesh STRICT | `*.local` DISABLE, or the namespace one without a namespace policy that enables or disables mTLS | KIA0208 |
 * | mesh STRICT, auto mTLS off | no `*.local` ISTIO_MUTUAL | KIA0401 on the PeerAuthentication |
 * | namespace STRICT, auto mTLS off | no namespace-wide or mesh-wide ISTIO_MUTUAL | KIA0501 |
 * | namespace DISABLE | namespace-wide (or, without one, mesh-wide) ISTIO_MUTUAL | KIA0505 |
 * | mesh DISABLE | `*.local` ISTIO_MUTUAL | KIA0506 |
 * | workload or port-level policies, rules for one host | none here |
 */
export const kialiMtlsConsistency = defineRule({
  id: "istio/mtls-mesh-namespace-consistency",
  category: "mtls-mode-conflict",
  severity: "error",
  title: "Mesh-wide or namespace-wide PeerAuthentication and DestinationRule disagree on mTLS",
  docs: {
    cause: "A PeerAuthentication (what servers accept) and a mesh-wide (`*.local`) or namespace-wide (`*.<ns>.svc.cluster.local`) DestinationRule (what clients send) contradict each other: plaintext to STRICT servers, Istio mTLS to servers that disabled it, or one side missing while auto mTLS is off.",
    fix: "Make both sides agree: PERMISSIVE or STRICT servers with ISTIO_MUTUAL clients, DISABLE servers with DISABLE clients; or remove tls from the DestinationRules and let auto mTLS decide.",
    verify: ["kubectl get peerauthentication,destinationrule -A", "istioctl x describe pod <pod> -n <namespace>"],
    references: ["https://kiali.io/docs/features/validations/", "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/", "https://istio.io/latest/docs/reference/config/security/peer_authentication/"],
  },
  equivalents: ["KIA0205", "KIA0206", "KIA0207", "KIA0208", "KIA0401", "KIA0501", "KIA0505", "KIA0506"],
  inputs: ["istio", "mesh-config"],
  reads: ["DestinationRule", "PeerAuthentication"],
  scopes: ["lint", "diagnose"],
  messages: {
    "mtls-inconsistent": "{resource}: {problem}",
    "mtls-inconsistent-with": "{resource}: {problem} ({other})",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const check of kialiMtlsChecks(view)) {
      const text = CODES[check.code];
      reportIstio(this, ctx, {
        object: check.object,
        istioMessage: text.message,
        path: check.path,
        equivalents: [check.code],
        severity: text.severity,
        message: check.other ? "mtls-inconsistent-with" : "mtls-inconsistent",
        data: { resource: refOf(check.object), problem: text.message, ...(check.other ? { other: refOf(check.other) } : {}) },
        cause: text.cause,
        fix: { description: text.fix, commands: [kubectl("edit", check.object), ...(check.other ? [kubectl("get", check.other, "-o yaml")] : [])] },
        evidence: check.other ? [fieldEvidence(view, check.other, check.other.kind === "PeerAuthentication" ? ["spec", "mtls", "mode"] : ["spec", "trafficPolicy", "tls", "mode"], `${refOf(check.other)} decides the other side`)] : [],
        verify: [analyzeCommand(check.object), "kubectl get peerauthentication,destinationrule -A"],
      });
    }
  },
});
