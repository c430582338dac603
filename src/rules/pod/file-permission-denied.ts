import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { JsonObject } from "../../k8s/workloads.js";
import { logLineDetectors } from "./causes/detectors.js";

function deniedPath(context: FixContext): string | undefined {
  return context.d.cause.detail.path ?? /'(\/[^']+)'|"(\/[^"]+)"|(\/[\w./-]+)/.exec(context.d.cause.match?.text ?? "")?.slice(1).find(Boolean);
}

function runAsUser(context: FixContext): number {
  const fromLog = context.d.container?.logs.flatMap((s) => s.lines.slice(0, 50)).map((l) => /uid=(\d+)/.exec(l)?.[1]).find(Boolean);
  return context.current?.securityContext?.runAsUser ?? context.podSpec?.securityContext?.runAsUser ?? (fromLog ? Number(fromLog) : 1000);
}

function fix(context: FixContext): Fix {
  const path = deniedPath(context) ?? "<path>";
  const uid = runAsUser(context);
  const podSecurity = { ...(context.podSpec?.securityContext ?? {}), fsGroup: context.podSpec?.securityContext?.fsGroup ?? uid, fsGroupChangePolicy: "OnRootMismatch" };
  const mount = (context.current?.volumeMounts ?? []).find((m) => path.startsWith(m.mountPath));
  return changeContainer(
    context,
    {},
    `The process (uid ${uid}) cannot write ${path}${mount ? ` on volume ${mount.name}` : ""}: set the pod's fsGroup so the kubelet makes the volume group-writable for it (if the storage driver ignores fsGroup, chown the directory in an init container)`,
    [],
    { securityContext: podSecurity } as JsonObject,
  );
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const filePermissionDenied = podCauseRule({
  id: "pod/file-permission-denied",
  messages,
  category: "file-permission-denied",
  detectors: [
    ...logLineDetectors("file-permission-denied", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Permission denied on a file or volume (ownership, fsGroup, mode)",
  docs: {
    cause: "The app runs as a non-root user that does not own the file or volume it must write (a PVC formatted as root, a hostPath, an image directory owned by root). mkdir/open fails with 'Permission denied' and the app exits.",
    fix: "Set spec.securityContext.fsGroup to the app's group so the kubelet makes volumes group-writable, or chown the directory in an init container; fix file modes in the image.",
    verify: ["kubectl exec <POD> -- ls -ld <PATH>", "kubectl exec <POD> -- id", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
  },
  equivalents: [],
  explain(context) {
    return `The process cannot access ${deniedPath(context) ?? "a file it needs"}: permission denied. The file or volume belongs to another user or group than the one the container runs as.`;
  },
  fix,
  verify: (n, context) => [`kubectl exec ${n.pod}${n.c}${n.ns} -- ls -ld ${deniedPath(context) ?? "<PATH>"}`, `kubectl exec ${n.pod}${n.c}${n.ns} -- id`, logsCommand(n), ...restartVerify(n)],
});
