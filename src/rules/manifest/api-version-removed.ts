import { defineRule } from "../../contract/rule.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";

const meta: RuleMeta = {
  id: "manifest/api-version-removed",
  category: "config-schema-error",
  severity: "error",
  equivalents: ["kube-linter:no-extensions-v1beta", "kube-score:stable-version", "popeye:POP-403"],
  docs: { verify: ["kubectl api-versions | grep -E '^(apps|batch|networking.k8s.io|policy|autoscaling)/'", "kubectl apply --dry-run=server -f <file>"] },
};

/** `apiVersion kind` -> [replacement apiVersion, Kubernetes release that stopped serving it]. */
const REMOVED: Record<string, [string, string]> = {
  "extensions/v1beta1 Deployment": ["apps/v1", "1.16"],
  "extensions/v1beta1 DaemonSet": ["apps/v1", "1.16"],
  "extensions/v1beta1 ReplicaSet": ["apps/v1", "1.16"],
  "extensions/v1beta1 NetworkPolicy": ["networking.k8s.io/v1", "1.16"],
  "extensions/v1beta1 PodSecurityPolicy": ["(removed; use Pod Security Admission)", "1.25"],
  "extensions/v1beta1 Ingress": ["networking.k8s.io/v1", "1.22"],
  "apps/v1beta1 Deployment": ["apps/v1", "1.16"],
  "apps/v1beta1 StatefulSet": ["apps/v1", "1.16"],
  "apps/v1beta2 Deployment": ["apps/v1", "1.16"],
  "apps/v1beta2 StatefulSet": ["apps/v1", "1.16"],
  "apps/v1beta2 DaemonSet": ["apps/v1", "1.16"],
  "apps/v1beta2 ReplicaSet": ["apps/v1", "1.16"],
  "networking.k8s.io/v1beta1 Ingress": ["networking.k8s.io/v1", "1.22"],
  "networking.k8s.io/v1beta1 IngressClass": ["networking.k8s.io/v1", "1.22"],
  "batch/v1beta1 CronJob": ["batch/v1", "1.25"],
  "batch/v2alpha1 CronJob": ["batch/v1", "1.21"],
  "policy/v1beta1 PodDisruptionBudget": ["policy/v1", "1.25"],
  "policy/v1beta1 PodSecurityPolicy": ["(removed; use Pod Security Admission)", "1.25"],
  "autoscaling/v2beta1 HorizontalPodAutoscaler": ["autoscaling/v2", "1.25"],
  "autoscaling/v2beta2 HorizontalPodAutoscaler": ["autoscaling/v2", "1.26"],
  "rbac.authorization.k8s.io/v1beta1 Role": ["rbac.authorization.k8s.io/v1", "1.22"],
  "rbac.authorization.k8s.io/v1beta1 RoleBinding": ["rbac.authorization.k8s.io/v1", "1.22"],
  "rbac.authorization.k8s.io/v1beta1 ClusterRole": ["rbac.authorization.k8s.io/v1", "1.22"],
  "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding": ["rbac.authorization.k8s.io/v1", "1.22"],
  "storage.k8s.io/v1beta1 StorageClass": ["storage.k8s.io/v1", "1.22"],
  "storage.k8s.io/v1beta1 CSIStorageCapacity": ["storage.k8s.io/v1", "1.27"],
  "scheduling.k8s.io/v1beta1 PriorityClass": ["scheduling.k8s.io/v1", "1.22"],
  "discovery.k8s.io/v1beta1 EndpointSlice": ["discovery.k8s.io/v1", "1.25"],
  "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema": ["flowcontrol.apiserver.k8s.io/v1", "1.29"],
  "admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration": ["admissionregistration.k8s.io/v1", "1.22"],
  "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration": ["admissionregistration.k8s.io/v1", "1.22"],
  "apiextensions.k8s.io/v1beta1 CustomResourceDefinition": ["apiextensions.k8s.io/v1", "1.22"],
};

export const apiVersionRemovedRule = defineRule({
  ...meta,
  title: "apiVersion that current Kubernetes no longer serves",
  docs: {
    cause:
      "The object uses an API version that Kubernetes has removed (extensions/v1beta1 Deployments since 1.16, networking.k8s.io/v1beta1 Ingress since 1.22, batch/v1beta1 CronJob and policy/v1beta1 PDB since 1.25 ...). `kubectl apply` fails with `no matches for kind \"Deployment\" in version \"extensions/v1beta1\"`, so nothing is deployed.",
    fix: "Move to the served version (apps/v1, networking.k8s.io/v1, batch/v1, policy/v1, autoscaling/v2) and adapt the fields that changed (apps/v1 requires spec.selector; Ingress v1 uses backend.service.name/port).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/reference/using-api/deprecation-guide/"],
  },
  inputs: ["manifests"],
  reads: ["*"],
  scopes: ["lint"],
  messages: {
    "api-removed": "{kind} {name} uses {apiVersion}, which Kubernetes stopped serving in {release}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const loaded of view.objects) {
      const object = loaded.object;
      const removed = REMOVED[`${object.apiVersion ?? ""} ${object.kind}`];
      if (!removed) continue;
      const [replacement, release] = removed;
      reportObject(ctx, meta, object, {
        field: ["apiVersion"],
        message: "api-removed",
        data: { kind: object.kind, name: object.metadata.name ?? "", apiVersion: String(object.apiVersion), release },
        cause: `Clusters from ${release} on reject it: \`no matches for kind "${object.kind}" in version "${String(object.apiVersion)}"\`. Nothing is created.`,
        confidence: 0.95,
        fix: replacement.startsWith("(")
          ? { description: `${object.kind} ${replacement}.`, commands: [] }
          : objectChangeFix(view, object, { apiVersion: object.apiVersion }, { apiVersion: replacement }, `Use ${replacement} (check the fields that changed between versions).`, ["kubectl convert -f <file> --output-version " + replacement + "   # kubectl-convert plugin"]),
      });
    }
  },
});
