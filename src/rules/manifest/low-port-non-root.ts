import { defineRule } from "../../contract/rule.js";
import { imageFacts } from "../../k8s/images.js";
import { portsOf } from "../../k8s/probes.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { asArray, containersOf, effectiveSecurity, isObject, objects, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/low-port-non-root",
  category: "insufficient-privileges",
  severity: "warning",
  equivalents: ["kube-linter:privileged-ports"],
  docs: { verify: ["kubectl logs <pod> -n <namespace> -c <container> --previous | grep -iE 'permission denied|bind'", "kubectl get pod <pod> -n <namespace> -o jsonpath='{.spec.containers[*].securityContext}'"] },
};

export const lowPortNonRootRule = defineRule({
  ...meta,
  title: "A non-root container binds a port below 1024 without NET_BIND_SERVICE",
  docs: {
    cause:
      "The container runs as a non-root user and listens on a port below 1024, which needs CAP_NET_BIND_SERVICE unless the node's runtime lowers net.ipv4.ip_unprivileged_port_start. Where it does not, the bind fails (`bind() to 0.0.0.0:80 failed (13: Permission denied)`) and the app exits.",
    fix: "Listen on a port above 1024 (8080) and map it in the Service (port 80 -> targetPort 8080), or add the NET_BIND_SERVICE capability.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "low-port": "Container {container} runs as non-root ({user}) and listens on port {port} without NET_BIND_SERVICE",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const sysctls = objects(isObject(workload.spec.securityContext) ? workload.spec.securityContext.sysctls : undefined);
      if (sysctls.some((s) => s.name === "net.ipv4.ip_unprivileged_port_start")) continue;
      if (workload.spec.hostNetwork === true) continue;
      for (const ref of containersOf(workload)) {
        const user = effectiveSecurity(workload, ref.container, "runAsUser").value;
        const nonRoot = effectiveSecurity(workload, ref.container, "runAsNonRoot").value === true;
        if (!((typeof user === "number" && user !== 0) || (nonRoot && user === undefined))) continue;
        const capabilities = isObject(ref.container.securityContext) && isObject(ref.container.securityContext.capabilities) ? ref.container.securityContext.capabilities : {};
        if (asArray(capabilities.add).map(String).some((c) => /^(CAP_)?NET_BIND_SERVICE$|^ALL$/.test(c))) continue;
        const declared = portsOf(ref.container).filter((p) => p.containerPort > 0 && p.containerPort < 1024);
        const facts = imageFacts(ref.container.image);
        const fromImage = declared.length === 0 && facts?.defaultPort !== undefined && facts.defaultPort < 1024 ? facts.defaultPort : undefined;
        if (declared.length === 0 && fromImage === undefined) continue;
        const port = declared[0]?.containerPort ?? fromImage!;
        const field = declared[0] ? [...ref.path, "ports", declared[0].index, "containerPort"] : [...ref.path, "image"];
        const securityContext = isObject(ref.container.securityContext) ? ref.container.securityContext : {};
        reportObject(ctx, meta, workload.object, {
          field,
          container: ref.name,
          message: "low-port",
          data: { container: ref.name, user: typeof user === "number" ? `UID ${user}` : "runAsNonRoot", port },
          cause: `Binding port ${port} needs CAP_NET_BIND_SERVICE for a non-root user; without it the listen fails with \`Permission denied\` (nginx: \`bind() to 0.0.0.0:${port} failed (13: Permission denied)\`) and the container exits, unless the runtime sets net.ipv4.ip_unprivileged_port_start=0.`,
          confidence: fromImage !== undefined ? 0.7 : 0.6,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            { current: ref.container, set: { securityContext: { ...securityContext, capabilities: { ...capabilities, drop: capabilities.drop ?? ["ALL"], add: [...asArray(capabilities.add), "NET_BIND_SERVICE"] } } }, init: ref.init },
            "Add NET_BIND_SERVICE (keeping every other capability dropped), or move the app to a port above 1024 and map it in the Service.",
          ),
        });
      }
    }
  },
});
