import { defineRule } from "../../contract/rule.js";
import { argv } from "../../k8s/commands.js";
import { imageFacts, isUnder } from "../../k8s/images.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, effectiveSecurity, isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";
import type { Workload } from "../../k8s/workloads.js";

const meta: RuleMeta = {
  id: "manifest/read-only-root-writes",
  category: "read-only-filesystem",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl logs <pod> -n <namespace> -c <container> --previous | grep -i 'read-only file system'", "kubectl exec <pod> -n <namespace> -c <container> -- sh -c 'touch <path>/.probe && echo writable'"] },
};

const WRITE_HINT = /(log|tmp|temp|cache|data|pid|run|work|upload|spool|state|dump|heap)/i;

/** Absolute paths the container's own command line and env say it writes to. */
function declaredWritePaths(container: Record<string, unknown>): Array<{ path: string; from: string }> {
  const found: Array<{ path: string; from: string }> = [];
  const add = (path: string, from: string) => {
    const clean = path.replace(/["',;]+$/, "");
    if (clean.startsWith("/dev/") || clean.startsWith("/proc/") || found.some((f) => f.path === clean)) return;
    found.push({ path: clean, from });
  };
  const { command, args } = argv(container);
  for (const part of [...command, ...args]) {
    for (const match of part.matchAll(/--?([A-Za-z][\w.-]*)[= ](\/[\w./-]+)/g)) if (WRITE_HINT.test(match[1]!)) add(match[2]!, `flag --${match[1]}`);
    for (const match of part.matchAll(/(?:>>?|tee(?:\s+-a)?)\s*(\/[\w./-]+)/g)) if (!match[1]!.startsWith("/dev/")) add(match[1]!, "shell redirection");
    for (const match of part.matchAll(/-XX:HeapDumpPath=(\/[\w./-]+)/g)) add(match[1]!, "-XX:HeapDumpPath");
  }
  for (const env of objects(container.env)) {
    const name = str(env.name) ?? "";
    const value = str(env.value);
    if (value && /^\/[\w./-]+$/.test(value) && WRITE_HINT.test(name) && !/(config|conf|cert|key|ca|secret)/i.test(name)) add(value, `env ${name}`);
  }
  return found;
}

/** Every mountPath of the container: a path under any volume, read-only or not, is not on the root filesystem. */
function mountPaths(container: Record<string, unknown>): string[] {
  return objects(container.volumeMounts).map((mount) => str(mount.mountPath) ?? "").filter((path) => path !== "");
}

function writableMounts(workload: Workload, container: Record<string, unknown>): string[] {
  const volumes = new Map(objects(workload.spec.volumes).map((v) => [str(v.name) ?? "", v]));
  return objects(container.volumeMounts)
    .filter((mount) => mount.readOnly !== true)
    .filter((mount) => {
      const volume = volumes.get(str(mount.name) ?? "");
      return !volume || !(isObject(volume.configMap) || isObject(volume.secret) || isObject(volume.projected) || isObject(volume.downwardAPI));
    })
    .map((mount) => str(mount.mountPath) ?? "")
    .filter((path) => path !== "");
}

export const readOnlyRootWritesRule = defineRule({
  ...meta,
  title: "readOnlyRootFilesystem with no writable volume where the app writes",
  docs: {
    cause:
      "The container runs with readOnlyRootFilesystem: true, but its image or its own arguments write to paths (logs, temp files, caches, pid files) that no writable volume covers. The first write fails with EROFS (`open /app/logs/app.log: read-only file system`) and the app exits.",
    fix: "Keep readOnlyRootFilesystem and mount an emptyDir (or a PVC for data that must survive) at each path the app writes.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/storage/volumes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "writes-read-only-root": "Container {container} has a read-only root filesystem but writes to {paths} with no writable volume there",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const readOnly = isObject(ref.container.securityContext) ? ref.container.securityContext.readOnlyRootFilesystem : undefined;
        if (readOnly !== true && effectiveSecurity(workload, ref.container, "readOnlyRootFilesystem").value !== true) continue;
        const facts = imageFacts(ref.container.image);
        const candidates = [...(facts?.writes ?? []).map((path) => ({ path, from: `image ${String(ref.container.image)}` })), ...declaredWritePaths(ref.container)];
        const mounts = writableMounts(workload, ref.container);
        const elsewhere = [...mountPaths(ref.container), ...(facts?.volumes ?? [])];
        const uncovered = candidates.filter((c) => !mounts.some((m) => isUnder(c.path, m)) && !elsewhere.some((m) => isUnder(c.path, m)));
        if (uncovered.length === 0) continue;
        const dirs = [...new Set(uncovered.map((u) => (/\.[a-z0-9]{1,5}$/i.test(u.path) ? u.path.replace(/\/[^/]+$/, "") || "/" : u.path)))];
        const volumeNames = dirs.map((dir) => `writable-${dir.replace(/^\//, "").replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 63).replace(/-+$/, ""));
        const mountsAfter = [...objects(ref.container.volumeMounts), ...dirs.map((dir, i) => ({ name: volumeNames[i], mountPath: dir }))];
        const volumesAfter = [...objects(workload.spec.volumes), ...volumeNames.map((name) => ({ name, emptyDir: {} }))];
        reportObject(ctx, meta, workload.object, {
          field: isObject(ref.container.securityContext) && ref.container.securityContext.readOnlyRootFilesystem === true ? [...ref.path, "securityContext", "readOnlyRootFilesystem"] : [...workload.specPath, "securityContext"],
          container: ref.name,
          message: "writes-read-only-root",
          data: { container: ref.name, paths: uncovered.map((u) => u.path).join(", ") },
          cause: `With readOnlyRootFilesystem every write outside a writable volume fails with EROFS (\`${uncovered[0]!.path}: read-only file system\`); ${uncovered.map((u) => `${u.path} (${u.from})`).join(", ")} ${uncovered.length === 1 ? "is" : "are"} not covered by any volumeMount, so the app fails at its first write.`,
          confidence: uncovered.some((u) => u.from.startsWith("image")) ? 0.8 : 0.7,
          fix: () => containerChangeFix(
            view,
            workload,
            ref.name,
            { current: ref.container, set: { volumeMounts: mountsAfter }, init: ref.init, podSet: { volumes: volumesAfter }, podCurrent: workload.spec },
            `Mount an emptyDir at ${dirs.join(", ")} and keep readOnlyRootFilesystem: true.`,
          ),
        });
      }
    }
  },
});
