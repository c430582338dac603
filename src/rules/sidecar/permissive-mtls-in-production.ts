import { defineRule } from "../../contract/rule.js";
import { isProductionNamespace, productionReason } from "../../k8s/environment.js";
import { specEvidence } from "./evidence.js";
import { resourceOf } from "../../contract/resource.js";
import { applyFix } from "../workload-fixes.js";
import { injectionDecision } from "../../istio/injection-decision.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { effectiveMtls, rootNamespace } from "../../istio/mtls.js";
import { meshSubjects } from "../../istio/mesh-subjects.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const permissiveMtlsInProduction = defineRule({
  id: "sidecar/permissive-mtls-in-production",
  category: "mtls-mode-conflict",
  severity: "warning",
  title: "PERMISSIVE mTLS in a production namespace",
  docs: {
    cause:
      "PERMISSIVE lets a workload accept plain text as well as mTLS. It is the convenient setting while migrating and in development, " +
      "but in production it leaves service-to-service traffic unauthenticated and unencrypted for any caller without a sidecar.",
    fix: "Once every client of the namespace has a sidecar, set a STRICT PeerAuthentication for the namespace (or mesh-wide in the root namespace).",
    verify: ["kubectl get peerauthentication -n <ns>", "istioctl x describe pod <pod> -n <ns>   # Workload mTLS mode: STRICT"],
    references: ["https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/"],
  },
  equivalents: [],
  inputs: ["istio", "workloads", "pods", "manifests", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "MutatingWebhookConfiguration", "Namespace", "PeerAuthentication", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  requires: ["istio"],
  scopes: ["diagnose", "lint"],
  messages: {
    "accepts-plain-text": "production namespace {namespace} accepts plain text: mTLS is {mode}",
  },
  analyze({ view, report }) {
    const namespaces = new Set<string>();
    for (const subject of meshSubjects(view)) {
      const meshed = subject.pod ? hasSidecar(subject.pod) : injectionDecision(view, subject.namespace, subject, subject.spec.hostNetwork === true).injected;
      if (meshed && isProductionNamespace(view, subject.namespace)) namespaces.add(subject.namespace);
    }
    for (const namespace of [...namespaces].sort()) {
      const mtls = effectiveMtls(view, namespace, {});
      const workloadPolicies = view.kindIn("PeerAuthentication", namespace).filter((policy) => policy.spec?.selector?.matchLabels && policy.spec?.mtls?.mode === "PERMISSIVE");
      if (mtls.mode === "STRICT" && workloadPolicies.length === 0) continue;
      const strict = [
        "apiVersion: security.istio.io/v1",
        "kind: PeerAuthentication",
        "metadata:",
        "  name: default",
        `  namespace: ${namespace}`,
        "spec:",
        "  mtls:",
        "    mode: STRICT",
      ].join("\n");
      const target = mtls.mode === "STRICT" ? workloadPolicies[0]! : mtls.source;
      const evidence = [
        { source: "api", text: `namespace ${namespace} is production (${productionReason(view, namespace)}) and runs meshed workloads` },
        target
          ? specEvidence(view, target, ["spec", "mtls", "mode"], `PeerAuthentication ${target.metadata.namespace}/${target.metadata.name}${target.spec?.selector ? " (workload)" : ""}: mtls.mode ${target.spec?.mtls?.mode ?? "UNSET"}`)
          : { source: "api", text: `no PeerAuthentication in ${namespace} or in the root namespace ${rootNamespace(view)}: Istio's default is PERMISSIVE` },
      ];
      const namespaceObject = view.get("Namespace", undefined, namespace);
      report({
        confidence: 0.7,
        resource: target ? resourceOf(view, target, ["spec", "mtls", "mode"]) : namespaceObject ? { ...resourceOf(view, namespaceObject, undefined), namespace } : { kind: "Namespace", name: namespace, namespace },
        message: "accepts-plain-text",
        data: { namespace, mode: mtls.mode === "STRICT" ? "PERMISSIVE for some workloads" : mtls.mode },
        evidence,
        cause: "Sidecars in this production namespace accept plain-text connections as well as mTLS, so callers outside the mesh are neither authenticated nor encrypted. That is the development setting, not the production one.",
        fix: () => applyFix(
          "When every client has a sidecar, enforce STRICT for the namespace" + (workloadPolicies.length > 0 ? ` and remove the PERMISSIVE workload policies (${workloadPolicies.map((policy) => policy.metadata.name).join(", ")})` : "") + ".",
          `PeerAuthentication ${namespace}/default`,
          strict,
          target ? `mtls:\n  mode: ${target.spec?.mtls?.mode ?? "UNSET"}` : "",
        ),
        verify: [`kubectl get peerauthentication${namespaceFlag(namespace)}`, `istioctl x describe pod <pod>${namespaceFlag(namespace)}   # Workload mTLS mode: STRICT`],
      });
    }
  },
});
