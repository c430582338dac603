import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { POD_WIDE } from "./causes/competition.js";
import { claim, evictionReading, logLineDetectors, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const path = context.d.cause.detail.path ?? "";
  const mount = (context.current?.volumeMounts ?? []).filter((m) => path.startsWith(m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  const volume = mount ? context.podSpec?.volumes?.find((v) => v.name === mount.name) : undefined;
  const claim = volume?.persistentVolumeClaim?.claimName;
  if (claim) {
    return {
      description: `The PersistentVolumeClaim ${claim} (mounted at ${mount!.mountPath}) is full: expand it (the StorageClass must allow volume expansion) and set retention so it does not fill again`,
      commands: [`kubectl patch pvc ${claim}${context.names.ns} -p '{"spec":{"resources":{"requests":{"storage":"<BIGGER>"}}}}'`, `kubectl exec ${context.names.pod}${context.names.c}${context.names.ns} -- df -h ${mount!.mountPath}`],
    };
  }
  if (context.d.container) {
    const resources = context.current?.resources ?? {};
    return changeContainer(
      context,
      { resources: { ...resources, requests: { ...(resources.requests ?? {}), "ephemeral-storage": "1Gi" }, limits: { ...(resources.limits ?? {}), "ephemeral-storage": "4Gi" } } },
      "The container's writable layer, logs or emptyDir filled the disk: rotate logs, cap emptyDir with sizeLimit, and declare ephemeral-storage requests and limits so the scheduler and eviction account for it",
      [`kubectl describe node <NODE> | grep -A5 -E "Conditions|Allocated"`],
    );
  }
  return { description: "Ephemeral storage ran out: rotate logs, cap emptyDir with sizeLimit, and declare ephemeral-storage requests and limits", commands: [`kubectl describe node <NODE> | grep -A5 Conditions`] };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "evicted-over-storage-limit": "pod {pod} was evicted: it used more ephemeral storage than its limit",
};

export const diskFull = podCauseRule({
  id: "pod/disk-full",
  messages,
  category: "disk-full",
  detectors: [
    worded(messages, ["evicted-over-storage-limit"], claim(POD_WIDE, "eviction", "disk-full", evictionReading)),
    ...logLineDetectors("disk-full", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "No space left on device, or ephemeral storage over its limit",
  docs: {
    cause: "A volume or the node's disk is full: a PVC without retention fills up ('no space left on device'), or the container's logs, writable layer and emptyDir volumes grow past their ephemeral-storage limit and the kubelet evicts the pod.",
    fix: "Expand the PVC and add retention, or rotate logs, cap emptyDir with sizeLimit and declare ephemeral-storage requests/limits.",
    verify: ["kubectl exec <POD> -- df -h", "kubectl describe node <NODE>", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/"],
  },
  equivalents: [],
  explain: (context) => `The disk the app writes to is full${context.d.cause.match ? `: ${context.d.cause.match.text.trim().slice(0, 200)}` : ""}.`,
  fix,
  verify: (n) => [`kubectl exec ${n.pod}${n.c}${n.ns} -- df -h`, logsCommand(n), ...restartVerify(n)],
});
