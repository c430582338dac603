/**
 * Whether a namespace (or the workloads a selector names) receives mutual TLS, as Kiali works it
 * out from PeerAuthentications and DestinationRules (https://kiali.io/docs/features/security/):
 * the namespace's selector-less PeerAuthentication and `*.<ns>.svc.cluster.local` DestinationRule,
 * else the mesh's (root namespace, `*.local`); auto mTLS fills in a missing DestinationRule.
 * A workload PeerAuthentication whose selector covers the given labels decides first.
 */
import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { isVisible, specExportTo } from "./export-to.js";
import { autoMtlsEnabled } from "./kiali-mtls.js";
import { appliedNamespaceOf, nameOf, recordOf, stringMapOf } from "../k8s/objects.js";
import { rootNamespace } from "./mtls.js";
import { ISTIO_WORKLOAD_SELECTOR, labelMapMatches } from "../k8s/selectors.js";

export type MtlsStatus = "enabled" | "partial" | "not-enabled" | "disabled";

interface TlsStatus {
  dr: string;
  pa: string;
  overall: MtlsStatus | "";
}

const IDENTITY_DOMAIN = "svc.cluster.local";

function peerMode(policy: KubeObject): string {
  const mtls = recordOf(recordOf(policy.spec)?.mtls);
  if (!mtls) return "";
  return typeof mtls.mode === "string" && mtls.mode !== "" ? mtls.mode : "UNSET";
}

function selectorLess(policy: KubeObject): boolean {
  const selector = recordOf(policy.spec)?.selector;
  return selector === undefined || selector === null;
}

function ruleMode(rule: KubeObject): string {
  const tls = recordOf(recordOf(recordOf(rule.spec)?.trafficPolicy)?.tls);
  if (!tls) return "";
  return typeof tls.mode === "string" && tls.mode !== "" ? tls.mode : "DISABLE";
}

function hostMode(rules: readonly KubeObject[], host: string): string {
  for (const rule of rules) {
    if (recordOf(rule.spec)?.host !== host) continue;
    const mode = ruleMode(rule);
    if (mode) return mode;
  }
  return "";
}

function firstPeerMode(policies: readonly KubeObject[]): string {
  for (const policy of policies) {
    if (!selectorLess(policy)) continue;
    const mode = peerMode(policy);
    if (mode) return mode;
  }
  return "";
}

export class KialiMtlsStatus {
  private readonly autoMtls: boolean;
  private readonly root: string;
  private readonly policies: KubeObject[];
  private readonly rules: KubeObject[];
  private readonly services: KubeObject[];
  private readonly meshDefault: readonly string[] | undefined;

  constructor(view: ClusterView) {
    this.autoMtls = autoMtlsEnabled(view);
    this.root = rootNamespace(view);
    this.policies = view.kind("PeerAuthentication").filter((policy) => (policy.apiVersion ?? "").includes("istio.io"));
    this.rules = view.kind("DestinationRule").filter((rule) => (rule.apiVersion ?? "").includes("istio.io"));
    this.services = view.kind("Service");
    this.meshDefault = view.meshConfig?.defaultDestinationRuleExportTo;
  }

  private visibleRules(namespace: string): KubeObject[] {
    return this.rules.filter((rule) => isVisible(specExportTo(rule.spec, this.meshDefault), appliedNamespaceOf(rule), namespace));
  }

  private final(dr: string, pa: string, allowPermissive: boolean): TlsStatus {
    const enabled = dr === "ISTIO_MUTUAL" || dr === "MUTUAL" || (dr === "" && this.autoMtls);
    const disabled = dr === "DISABLE" || (dr === "" && this.autoMtls);
    let overall: MtlsStatus = "partial";
    if ((pa === "STRICT" || (pa === "PERMISSIVE" && allowPermissive)) && enabled) overall = "enabled";
    else if (pa === "DISABLE" && disabled) overall = "disabled";
    else if (pa === "" && dr === "") overall = "not-enabled";
    return { dr, pa, overall };
  }

  /** Kiali's OverallMtlsStatus; `allowPermissive` counts PERMISSIVE as enabling, as Kiali does below the top level. */
  private overall(ns: TlsStatus, mesh: TlsStatus, allowPermissive: boolean): MtlsStatus {
    const defined = (status: TlsStatus) => status.overall === "enabled" || status.overall === "disabled";
    if (defined(ns)) return ns.overall as MtlsStatus;
    if (ns.overall === "partial") return this.overall({ dr: "", pa: "", overall: "" }, this.final(ns.dr || mesh.dr, ns.pa || mesh.pa, allowPermissive), allowPermissive);
    if (defined(mesh)) return mesh.overall as MtlsStatus;
    if (mesh.pa === "" && mesh.dr === "") return "not-enabled";
    if ((mesh.pa === "DISABLE" && mesh.dr === "") || (mesh.dr === "DISABLE" && mesh.pa === "")) return "disabled";
    if (this.autoMtls) {
      const half = (mesh.pa === "STRICT" && mesh.dr === "") || ((mesh.dr === "ISTIO_MUTUAL" || mesh.dr === "MUTUAL") && mesh.pa === "") || (allowPermissive && mesh.pa === "PERMISSIVE" && mesh.dr === "");
      if (half) return "enabled";
    }
    return "partial";
  }

  /** The namespace-level status (namespace, else mesh), with auto mTLS counting as enabled when nothing is configured. */
  namespaceStatus(namespace: string): MtlsStatus {
    const rules = this.visibleRules(namespace);
    const ns = this.final(hostMode(rules, `*.${namespace}.${IDENTITY_DOMAIN}`), firstPeerMode(this.policies.filter((policy) => appliedNamespaceOf(policy) === namespace)), true);
    const meshStatus = this.final(hostMode(rules, "*.local"), firstPeerMode(this.policies.filter((policy) => appliedNamespaceOf(policy) === this.root)), true);
    const mesh: TlsStatus = { ...meshStatus, overall: this.overall({ dr: "", pa: "", overall: "" }, meshStatus, true) };
    const status = this.overall(ns, mesh, false);
    return status === "not-enabled" && this.autoMtls ? "enabled" : status;
  }

  /** The status a workload PeerAuthentication covering `labels` decides, or undefined when none does. */
  private workloadStatus(namespace: string, labels: Record<string, string>): MtlsStatus | undefined {
    for (const policy of this.policies) {
      if (appliedNamespaceOf(policy) !== namespace) continue;
      const selector = stringMapOf(recordOf(recordOf(policy.spec)?.selector)?.matchLabels);
      if (Object.keys(selector).length === 0 || !labelMapMatches(selector, labels, ISTIO_WORKLOAD_SELECTOR)) continue;
      const mode = peerMode(policy);
      if (mode === "STRICT") return "enabled";
      if (mode === "DISABLE") return "disabled";
      if (mode !== "PERMISSIVE") continue;
      const rules = this.visibleRules(namespace);
      for (const service of this.services) {
        const serviceSelector = stringMapOf(recordOf(service.spec)?.selector);
        if (appliedNamespaceOf(service) !== namespace || Object.keys(serviceSelector).length === 0 || !labelMapMatches(selector, serviceSelector, ISTIO_WORKLOAD_SELECTOR)) continue;
        for (const rule of rules) {
          if (!hostNamesService(String(recordOf(rule.spec)?.host ?? ""), appliedNamespaceOf(rule), nameOf(service), namespace)) continue;
          const mode = ruleMode(rule);
          if (mode === "ISTIO_MUTUAL" || mode === "MUTUAL") return "enabled";
          if (mode === "DISABLE") return "disabled";
        }
      }
      return undefined;
    }
    return undefined;
  }

  /** Whether the workloads a policy selects (all of its namespace without selector) receive mTLS. */
  receivesMtls(namespace: string, labels: Record<string, string>): boolean {
    const workload = Object.keys(labels).length > 0 ? this.workloadStatus(namespace, labels) : undefined;
    if (workload === "enabled") return true;
    if (workload === "disabled") return false;
    return this.namespaceStatus(namespace) === "enabled";
  }
}

function hostNamesService(host: string, hostNamespace: string, service: string, serviceNamespace: string): boolean {
  return (host === service && hostNamespace === serviceNamespace) || host === `${service}.${serviceNamespace}` || host === `${service}.${serviceNamespace}.svc` || host === `${service}.${serviceNamespace}.${IDENTITY_DOMAIN}`;
}
