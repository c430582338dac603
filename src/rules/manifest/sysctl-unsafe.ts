import { defineRule } from "../../contract/rule.js";
import { reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/sysctl-unsafe",
  category: "insufficient-privileges",
  severity: "warning",
  equivalents: ["kube-linter:unsafe-sysctls"],
  docs: { verify: ["kubectl get pods -n <namespace> -o wide   # not SysctlForbidden", "kubectl get events -n <namespace> --field-selector reason=SysctlForbidden"] },
};

/** Sysctls the kubelet allows by default (Kubernetes 1.29+). */
const SAFE = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

export const sysctlUnsafeRule = defineRule({
  ...meta,
  title: "The pod sets sysctls the kubelet rejects by default",
  docs: {
    cause:
      "securityContext.sysctls lists a sysctl outside the safe set. Unless every node's kubelet was started with --allowed-unsafe-sysctls for it, the kubelet refuses the pod (status Failed, reason SysctlForbidden: `forbidden sysctl: \"kernel.msgmax\" not allowlisted`) and the controller keeps creating new ones.",
    fix: "Remove the sysctl, or run the workload on a node pool whose kubelets allow it (and select that pool).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "sysctl-unsafe": "{kind} {name} sets the unsafe sysctl {sysctl}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const context = isObject(workload.spec.securityContext) ? workload.spec.securityContext : undefined;
      const sysctls = objects(context?.sysctls);
      sysctls.forEach((sysctl, index) => {
        const name = str(sysctl.name);
        if (!name || SAFE.has(name)) return;
        reportObject(ctx, meta, workload.object, {
          field: [...workload.specPath, "securityContext", "sysctls", index, "name"],
          message: "sysctl-unsafe",
          data: { kind: workload.kind, name: workload.name, sysctl: name },
          cause: `The kubelet rejects the pod unless it allows ${name} (--allowed-unsafe-sysctls): \`SysctlForbidden: forbidden sysctl: "${name}" not allowlisted\`.`,
          confidence: 0.6,
          fix: () => podChangeFix(view, workload, { securityContext: context }, { securityContext: { ...context, sysctls: sysctls.filter((_, i) => i !== index) } }, `Remove ${name}, or schedule onto nodes whose kubelet allows it.`),
        });
      });
    }
  },
});
