/**
 * Mesh-wide and namespace-wide mTLS consistency between PeerAuthentications and
 * DestinationRules, as Kiali validates it (https://kiali.io/docs/features/validations/):
 * a mesh-wide DestinationRule is host `*.local`, a namespace-wide one `*.<ns>.svc.cluster.local`
 * in that namespace; a mesh PeerAuthentication is one without a selector in the root namespace,
 * a namespace one is without a selector elsewhere. Workload and port-level policies are not
 * part of these checks (istio/mtls-destinationrule-conflict judges them per workload).
 */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { appliedNamespaceOf, recordOf } from "../k8s/objects.js";
import { rootNamespace } from "./mtls.js";

export type KialiMtlsCode = "KIA0205" | "KIA0206" | "KIA0207" | "KIA0208" | "KIA0401" | "KIA0501" | "KIA0505" | "KIA0506";

export interface KialiMtlsCheck {
  code: KialiMtlsCode;
  object: KubeObject;
  path: string[];
  /** The object on the other side that decides it, when one does. */
  other?: KubeObject;
}

const IDENTITY_DOMAIN = "svc.cluster.local";

function peerMode(policy: KubeObject): string | undefined {
  const spec = recordOf(policy.spec);
  if (spec?.selector !== undefined && spec.selector !== null) return undefined;
  const mtls = recordOf(spec?.mtls);
  if (!mtls) return undefined;
  return typeof mtls.mode === "string" ? mtls.mode : undefined;
}

const enables = (mode: string | undefined): boolean => mode === "STRICT" || mode === "PERMISSIVE";

function drMode(rule: KubeObject, host: string): string | undefined {
  const spec = recordOf(rule.spec);
  if (spec?.host !== host) return undefined;
  const tls = recordOf(recordOf(spec.trafficPolicy)?.tls);
  if (!tls) return undefined;
  // A tls block without a mode is DISABLE, the enum's zero value, as Kiali reads it.
  return typeof tls.mode === "string" ? tls.mode : "DISABLE";
}

const MESH_HOST = "*.local";
const namespaceHost = (namespace: string) => `*.${namespace}.${IDENTITY_DOMAIN}`;
const mutual = (mode: string | undefined) => mode === "ISTIO_MUTUAL" || mode === "MUTUAL";

/** Whether istiod picks mTLS by itself (MeshConfig enableAutoMtls, true unless set false). */
export function autoMtlsEnabled(view: ClusterView): boolean {
  return view.meshConfig?.enableAutoMtls !== false;
}

export function kialiMtlsChecks(view: ClusterView): KialiMtlsCheck[] {
  const root = rootNamespace(view);
  const autoMtls = autoMtlsEnabled(view);
  const policies = view.kind("PeerAuthentication").filter((policy) => (policy.apiVersion ?? "").includes("istio.io"));
  const rules = view.kind("DestinationRule").filter((rule) => (rule.apiVersion ?? "").includes("istio.io"));
  const meshPolicies = policies.filter((policy) => appliedNamespaceOf(policy) === root);
  const namespacePolicies = (namespace: string) => policies.filter((policy) => appliedNamespaceOf(policy) === namespace);
  const out: KialiMtlsCheck[] = [];
  const tlsPath = ["spec", "trafficPolicy", "tls", "mode"];

  for (const rule of rules) {
    const namespace = appliedNamespaceOf(rule);
    const meshMode = drMode(rule, MESH_HOST);
    // Kiali judges the rule's missing policy whatever auto mTLS says: the rule's ISTIO_MUTUAL replaces auto mTLS's choice.
    if (meshMode === "ISTIO_MUTUAL" && !meshPolicies.some((policy) => enables(peerMode(policy)))) out.push({ code: "KIA0205", object: rule, path: tlsPath });
    if (meshMode === "DISABLE") {
      const strict = meshPolicies.find((policy) => peerMode(policy) === "STRICT");
      if (strict) out.push({ code: "KIA0208", object: rule, path: tlsPath, other: strict });
    }
    const nsMode = drMode(rule, namespaceHost(namespace));
    if (nsMode === "ISTIO_MUTUAL" && ![...namespacePolicies(namespace), ...meshPolicies].some((policy) => enables(peerMode(policy)))) {
      out.push({ code: "KIA0206", object: rule, path: tlsPath });
    }
    if (nsMode === "DISABLE") {
      const decisive = namespacePolicies(namespace).find((policy) => enables(peerMode(policy)));
      if (decisive) {
        if (peerMode(decisive) === "STRICT") out.push({ code: "KIA0207", object: rule, path: tlsPath, other: decisive });
      } else if (!namespacePolicies(namespace).some((policy) => peerMode(policy) === "DISABLE")) {
        // A namespace policy that disables mTLS agrees with the rule, whatever the mesh says.
        const strict = meshPolicies.find((policy) => peerMode(policy) === "STRICT");
        if (strict) out.push({ code: "KIA0208", object: rule, path: tlsPath, other: strict });
      }
    }
  }

  for (const policy of policies) {
    const mode = peerMode(policy);
    const namespace = appliedNamespaceOf(policy);
    const path = ["spec", "mtls"];
    if (namespace === root) {
      if (mode === "STRICT" && !autoMtls && !rules.some((rule) => drMode(rule, MESH_HOST) === "ISTIO_MUTUAL")) out.push({ code: "KIA0401", object: policy, path });
      if (mode === "DISABLE") {
        const enabling = rules.find((rule) => mutual(drMode(rule, MESH_HOST)));
        if (enabling) out.push({ code: "KIA0506", object: policy, path, other: enabling });
      }
      continue;
    }
    if (mode === "STRICT" && !autoMtls && !rules.some((rule) => drMode(rule, namespaceHost(namespace)) === "ISTIO_MUTUAL" || drMode(rule, MESH_HOST) === "ISTIO_MUTUAL")) {
      out.push({ code: "KIA0501", object: policy, path });
    }
    if (mode === "DISABLE") {
      let finding: KubeObject | undefined;
      let meshEnabling: KubeObject | undefined;
      for (const rule of rules) {
        const nsMode = drMode(rule, namespaceHost(namespace));
        if (mutual(nsMode)) {
          finding = rule;
          break;
        }
        if (nsMode === "DISABLE") {
          meshEnabling = undefined;
          finding = undefined;
          break;
        }
        if (mutual(drMode(rule, MESH_HOST))) meshEnabling ??= rule;
      }
      const other = finding ?? meshEnabling;
      if (other) out.push({ code: "KIA0505", object: policy, path, other });
    }
  }
  return out;
}
