import type { Fix } from "../../model/finding.js";
import { changeContainer, dirname, volumeNameFor } from "./fixes/pod-fixes.js";
import { containerSpecEvidence, logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { BEFORE_START } from "./causes/competition.js";
import { claim, logLineDetectors, startFailureReading, worded } from "./causes/detectors.js";
import type { ContainerSpec } from "./causes/pod-types.js";

/** The path the log says it could not write. */
function loggedPath(context: FixContext): string | undefined {
  const text = context.d.cause.match?.text ?? "";
  return context.d.cause.detail.path ?? /(\/[\w.@/-]+)['"]?:? (?:\w+ )?[Rr]ead-only file system/.exec(text)?.[1] ?? /(?:open|mkdir|create|write|changing permissions of|couldn't open temporary file) '?(\/[\w.@/-]+)/.exec(text)?.[1];
}

/** The directory that must be writable, from the path in the log line. */
function writeDir(context: FixContext): string {
  const text = context.d.cause.match?.text ?? "";
  const path = loggedPath(context);
  if (!path) return "/tmp";
  const last = path.slice(path.lastIndexOf("/") + 1);
  return /\.[a-z0-9]+$/i.test(last) || /temporary file/.test(text) ? dirname(path) : path;
}

function fix(context: FixContext): Fix {
  const dir = writeDir(context);
  const volume = volumeNameFor(dir);
  const mounts = [...(context.current?.volumeMounts ?? []), { name: volume, mountPath: dir }];
  const volumes = [...(context.podSpec?.volumes ?? []), { name: volume, emptyDir: {} }];
  return changeContainer(
    context,
    { volumeMounts: mounts },
    `Keep readOnlyRootFilesystem and give the app a writable emptyDir at ${dir}; if the data must survive restarts use a PVC instead`,
    [],
    { volumes },
  );
}

const WRITABLE_VOLUME = ["emptyDir", "persistentVolumeClaim", "ephemeral"];

/** The path the log could not write is now under a writable volume that the old spec did not mount there. */
function writablePathAnswered(context: FixContext, observed: ContainerSpec, path: string | undefined): boolean {
  const now = context.d.container?.spec;
  if (!now || !path?.startsWith("/")) return false;
  const under = (mountPath: string) => path === mountPath || path.startsWith(`${mountPath.replace(/\/+$/, "")}/`);
  const mount = (now.volumeMounts ?? []).filter((m) => under(m.mountPath) && !m.readOnly).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return false;
  const volume = context.d.pod.spec?.volumes?.find((v) => v.name === mount.name);
  if (!volume || !WRITABLE_VOLUME.some((type) => type in volume)) return false;
  const before = (observed.volumeMounts ?? []).some((m) => m.mountPath === mount.mountPath && m.name === mount.name && !m.readOnly);
  return !before;
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "cannot-start": "{container} cannot start",
};

export const readOnlyFilesystem = podCauseRule({
  id: "pod/read-only-filesystem",
  messages,
  category: "read-only-filesystem",
  detectors: [
    worded(messages, ["cannot-start"], claim(BEFORE_START, "start-failure", "read-only-filesystem", startFailureReading)),
    ...logLineDetectors("read-only-filesystem", messages, ["logged-crash", "logged-while-running"]),
  ],
  answered: (context, observed) => writablePathAnswered(context, observed, loggedPath(context)),
  title: "Writes fail on a read-only root filesystem (EROFS)",
  docs: {
    cause: "securityContext.readOnlyRootFilesystem is true (or the volume is mounted readOnly) and the app writes to a path inside the image: logs, temp files, caches, pid files. The write fails with 'Read-only file system' (EROFS) and the app exits.",
    fix: "Keep the read-only root and mount a writable emptyDir (or PVC) at exactly the directory the app writes to.",
    verify: ["kubectl exec <POD> -- touch <DIR>/.write-test", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/concepts/storage/volumes/"],
  },
  equivalents: ["kube-linter:no-read-only-root-fs", "polaris:notReadOnlyRootFilesystem"],
  explain(context) {
    const ro = context.current?.securityContext?.readOnlyRootFilesystem;
    return `The app writes to ${writeDir(context)}, which is on a read-only filesystem${ro ? " (securityContext.readOnlyRootFilesystem: true)" : ""}; the write fails with EROFS and the app exits.`;
  },
  extraEvidence(context) {
    return context.current?.securityContext?.readOnlyRootFilesystem ? [containerSpecEvidence(context, ["securityContext", "readOnlyRootFilesystem"], "securityContext.readOnlyRootFilesystem: true")] : [];
  },
  fix,
  verify: (n, context) => [`kubectl exec ${n.pod}${n.c}${n.ns} -- touch ${writeDir(context)}/.write-test`, logsCommand(n), ...restartVerify(n)],
});
