import { defineRule } from "../../contract/rule.js";
import { keysOf } from "../../view/secrets.js";
import { commandLine } from "../../k8s/commands.js";
import { imageFacts, isUnder } from "../../k8s/images.js";
import { findNamed } from "../../k8s/lookup.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/config-mount-hides-directory",
  category: "config-file-missing",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl exec <pod> -n <namespace> -c <container> -- ls -la <mountPath>", "kubectl logs <pod> -n <namespace> -c <container> --previous"] },
};

/** Directories whose contents every image needs: mounting a volume over them hides the system. */
const SYSTEM_DIRS = ["/", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/var", "/var/lib", "/opt", "/home", "/root"];

export const configMountHidesDirectoryRule = defineRule({
  ...meta,
  title: "A ConfigMap or Secret is mounted over a directory the app needs",
  docs: {
    cause:
      "A ConfigMap or Secret volume mounted without subPath replaces the whole directory: everything the image shipped there disappears and only the keys remain. The app then cannot find its other files (`/etc/nginx/conf.d/default.conf is not a file or does not exist`, `Cannot find module`, missing keystore).",
    fix: "Mount only the file you provide, with subPath (`mountPath: /etc/nginx/nginx.conf`, `subPath: nginx.conf`), or mount the volume in a directory of its own that the app reads (conf.d).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/storage/volumes/"],
  },
  inputs: ["workloads", "pods", "config", "manifests"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "Secret", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "mount-hides-directory": "{sourceKind} {source} is mounted over {clean} in container {container}, hiding what the image has there",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      const volumes = new Map(objects(workload.spec.volumes).map((v) => [str(v.name) ?? "", v]));
      for (const ref of containersOf(workload)) {
        const mounts = objects(ref.container.volumeMounts);
        if (mounts.length === 0) continue;
        const facts = imageFacts(ref.container.image);
        const line = commandLine(ref.container);
        mounts.forEach((mount, index) => {
          if (str(mount.subPath) || str(mount.subPathExpr)) return;
          const mountPath = str(mount.mountPath);
          const volume = volumes.get(str(mount.name) ?? "");
          if (!mountPath || !volume) return;
          const source = isObject(volume.configMap) ? { kind: "ConfigMap", name: str(volume.configMap.name) } : isObject(volume.secret) ? { kind: "Secret", name: str(volume.secret.secretName) } : undefined;
          if (!source?.name) return;
          const object = findNamed(view, source.kind, workload.namespace, source.name);
          const keys = object ? keysOf(object) : [];
          const itemPaths = objects(((volume.configMap ?? volume.secret) as Record<string, unknown>).items).map((item) => str(item.path) ?? "");
          const provided = itemPaths.length ? itemPaths : keys;
          const clean = mountPath.replace(/\/+$/, "") || "/";
          let reason: string | undefined;
          if (SYSTEM_DIRS.includes(clean)) reason = `${clean} is a system directory; hiding it breaks the image`;
          else if (facts?.needsContents.includes(clean)) reason = `${String(ref.container.image)} ships files in ${clean} that it needs at start`;
          else {
            const referenced = [...line.matchAll(/(\/[\w./-]+)/g)].map((m) => m[1]!).filter((p) => p !== clean && isUnder(p, clean));
            const missing = referenced.filter((p) => object !== undefined && !provided.includes(p.slice(clean.length + 1).split("/")[0]!));
            if (missing.length) reason = `the command uses ${missing.join(", ")}, which the ${source.kind} does not hold, and the mount hides the image's copy`;
          }
          if (!reason) return;
          const file = provided.length === 1 ? provided[0]! : undefined;
          const mounts = objects(ref.container.volumeMounts).map((m, i) => (i === index ? (file ? { ...m, mountPath: `${clean}/${file}`, subPath: file } : { ...m, mountPath: `${clean}/conf.d` }) : m));
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, "volumeMounts", index, "mountPath"],
            container: ref.name,
            message: "mount-hides-directory",
            data: { sourceKind: source.kind, source: source.name, clean, container: ref.name },
            cause: `Mounting a ${source.kind} without subPath replaces the directory with its keys (${provided.join(", ") || "unknown keys"}): ${reason}. The app fails at start looking for a file that is gone.`,
            confidence: 0.8,
            fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { volumeMounts: mounts }, init: ref.init }, file ? `Mount only ${file} with subPath.` : "Mount the volume in a directory of its own (or one file at a time with subPath)."),
          });
        });
      }
    }
  },
});
