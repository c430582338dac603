import { defineRule } from "../../contract/rule.js";
import { imageFacts } from "../../k8s/images.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, effectiveSecurity, isObject, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/run-as-non-root-conflict",
  category: "insufficient-privileges",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].state.waiting.message}{\"\\n\"}'", "kubectl rollout status deployment/<name> -n <namespace>"] },
};

export const runAsNonRootConflictRule = defineRule({
  ...meta,
  title: "runAsNonRoot conflicts with the user the container runs as",
  docs: {
    cause:
      "runAsNonRoot: true tells the kubelet to refuse root, but the container runs as UID 0 (runAsUser: 0) or, with no runAsUser, as the image's default root user. The kubelet never starts it: CreateContainerConfigError `container's runAsUser breaks non-root policy` or `container has runAsNonRoot and image will run as root`.",
    fix: "Set a non-zero runAsUser (and runAsGroup/fsGroup) the image supports, e.g. 10001, or use the image's unprivileged variant.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "runs-as-root": "Container {container}: runAsNonRoot is true but it {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const nonRoot = effectiveSecurity(workload, ref.container, "runAsNonRoot");
        if (nonRoot.value !== true) continue;
        const user = effectiveSecurity(workload, ref.container, "runAsUser");
        const facts = imageFacts(ref.container.image);
        let message: string | undefined;
        let field = user.level === "container" ? [...ref.path, ...user.path!] : user.path;
        if (user.value === 0) message = "container's runAsUser breaks non-root policy";
        else if (user.value === undefined && facts?.runsAsRoot === true) {
          message = "container has runAsNonRoot and image will run as root";
          field = nonRoot.level === "container" ? [...ref.path, ...nonRoot.path!] : nonRoot.path;
        }
        if (!message || !field) continue;
        const securityContext = isObject(ref.container.securityContext) ? ref.container.securityContext : {};
        reportObject(ctx, meta, workload.object, {
          field,
          container: ref.name,
          message: "runs-as-root",
          data: { container: ref.name, problem: user.value === 0 ? "sets runAsUser: 0" : `runs as root (the default user of ${String(ref.container.image)})` },
          cause: `The kubelet refuses to start it: \`Error: ${message} (pod: "${workload.name}-...", container: ${ref.name})\`, and the pod waits in CreateContainerConfigError.`,
          confidence: user.value === 0 ? 0.95 : 0.75,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            { current: ref.container, set: { securityContext: { ...securityContext, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }, init: ref.init },
            `Run as a non-root UID the image supports (10001 here)${facts?.runsAsRoot ? `, or switch to an unprivileged variant of ${String(ref.container.image)}` : ""}.`,
          ),
        });
      }
    }
  },
});
