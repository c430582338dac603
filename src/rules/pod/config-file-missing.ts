import type { Evidence, Fix } from "../../model/finding.js";
import { changeContainer, commandsOnly, dirname } from "./fixes/pod-fixes.js";
import { containerSpecEvidence, logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { VolumeMountSpec, ContainerSpec, PodSpec } from "./causes/pod-types.js";
import { BEFORE_START } from "./causes/competition.js";
import { claim, logLineDetectors, startFailureReading, worded } from "./causes/detectors.js";
import { keysOf } from "../../view/secrets.js";

function missingPath(context: FixContext): string | undefined {
  const path = context.d.cause.detail.path;
  return path && path.startsWith("/") ? path : undefined;
}

/** The config volume mount that most likely should hold the file: a ConfigMap/Secret volume mounted elsewhere. */
function configMount(context: FixContext): { mount: VolumeMountSpec; index: number } | undefined {
  const mounts = context.current?.volumeMounts ?? [];
  const volumes = context.podSpec?.volumes ?? [];
  const configVolumes = new Set(volumes.filter((v) => v.configMap || v.secret || v.projected).map((v) => v.name));
  const path = missingPath(context);
  const candidates = mounts.map((mount, index) => ({ mount, index })).filter(({ mount }) => configVolumes.has(mount.name) && !mount.mountPath.startsWith("/var/run/secrets"));
  if (!path) return candidates[0];
  // A mount over the file's directory (or an ancestor) that does not contain it hides the image's file: nginx conf.d case.
  return candidates.find(({ mount }) => path.startsWith(`${mount.mountPath}/`)) ?? candidates.find(({ mount }) => dirname(path) !== mount.mountPath) ?? candidates[0];
}

function fix(context: FixContext): Fix {
  const path = missingPath(context);
  const found = configMount(context);
  const mounts = [...(context.current?.volumeMounts ?? [])];
  if (path && found) {
    const { mount, index } = found;
    if (path.startsWith(`${mount.mountPath}/`) && !mount.subPath) {
      // The mount hides the directory's other files: mount the one file with subPath instead.
      const file = path.slice(path.lastIndexOf("/") + 1);
      mounts[index] = { ...mount, mountPath: path, subPath: file };
      return changeContainer(context, { volumeMounts: mounts }, `The volume ${mount.name} is mounted over the whole ${mount.mountPath} directory, hiding ${path}. Mount only the file with subPath (or make sure the ConfigMap has a key named ${file})`);
    }
    mounts[index] = { ...mount, mountPath: dirname(path), readOnly: true };
    return changeContainer(context, { volumeMounts: mounts }, `The app reads ${path} but volume ${mount.name} is mounted at ${mount.mountPath}: move the mountPath to ${dirname(path)}`);
  }
  if (path) {
    return commandsOnly(`The app reads ${path} and nothing provides it: mount a ConfigMap there (mountPath ${dirname(path)}) or pass the path the app should read via args`, [
      `kubectl create configmap ${context.names.container || "app"}-config${context.names.ns} --from-file=${path.slice(path.lastIndexOf("/") + 1)}=<local file>`,
    ]);
  }
  return commandsOnly("The app cannot find its configuration file: mount it where the app reads it, or build it into the image", [logsCommand(context.names)]);
}

/**
 * The file the log could not find is now provided by a ConfigMap or Secret volume: mounted over its
 * directory with the file's name as a key the inputs show the object holds (or an items path, or a
 * subPath of that key), where the old spec did not provide it.
 */
function configFileAnswered(context: FixContext, observed: ContainerSpec, observedPod: PodSpec | undefined, path: string | undefined): boolean {
  const now = context.d.container?.spec;
  if (!now || !path?.startsWith("/")) return false;
  const provides = (container: ContainerSpec, pod: PodSpec | undefined): boolean =>
    (container.volumeMounts ?? []).some((mount) => {
      const volume = pod?.volumes?.find((v) => v.name === mount.name);
      const ref = volume?.configMap ? { kind: "ConfigMap", name: volume.configMap.name, items: volume.configMap.items } : volume?.secret ? { kind: "Secret", name: volume.secret.secretName, items: volume.secret.items } : undefined;
      if (!ref?.name) return false;
      let key: string | undefined;
      if (mount.subPath) key = mount.mountPath === path ? mount.subPath : undefined;
      else if (path.startsWith(`${mount.mountPath.replace(/\/+$/, "")}/`)) key = path.slice(mount.mountPath.replace(/\/+$/, "").length + 1);
      if (!key) return false;
      if (ref.items) key = ref.items.find((item) => item.path === key)?.key;
      const object = key ? context.view.get(ref.kind, context.d.pod.namespace, ref.name) : undefined;
      return object !== undefined && key !== undefined && keysOf(object).includes(key);
    });
  return provides(now, context.d.pod.spec) && !provides(observed, observedPod);
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "mount-does-not-match-image": "{container} cannot start: a volume or subPath mount does not match the image's files",
};

export const configFileMissing = podCauseRule({
  id: "pod/config-file-missing",
  messages,
  category: "config-file-missing",
  detectors: [
    worded(messages, ["mount-does-not-match-image"], claim(BEFORE_START, "start-failure", "config-file-missing", startFailureReading)),
    ...logLineDetectors("config-file-missing", messages, ["logged-crash", "logged-while-running"]),
  ],
  inputs: ["pods", "events", "logs", "workloads", "config"],
  answered: (context, observed, observedPod) => configFileAnswered(context, observed, observedPod, missingPath(context)),
  title: "The app cannot find its config file (mount path mismatch)",
  docs: {
    cause: "The app opens a config file that is not where it looks: the ConfigMap is mounted at a different path, a mount over a whole directory hides the image's own files, or a subPath/key name does not match.",
    fix: "Move the volumeMount's mountPath to the directory the app reads, or mount a single file with subPath instead of shadowing the directory.",
    verify: ["kubectl exec <POD> -- ls -l <DIR>", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath"],
  },
  equivalents: ["k8sgpt:Pod"],
  explain(context) {
    const path = missingPath(context);
    const found = configMount(context);
    return `The app cannot find ${path ?? "its config file"}${found ? `; volume ${found.mount.name} is mounted at ${found.mount.mountPath}` : ""}.`;
  },
  extraEvidence(context): Evidence[] {
    const found = configMount(context);
    return found ? [containerSpecEvidence(context, ["volumeMounts", found.index, "mountPath"], `volumeMounts[${found.index}]: ${found.mount.name} at ${found.mount.mountPath}${found.mount.subPath ? ` (subPath ${found.mount.subPath})` : ""}`)] : [];
  },
  fix,
  verify: (n, context) => [`kubectl exec ${n.pod}${n.c}${n.ns} -- ls -l ${dirname(missingPath(context) ?? "/etc/app/")}`, logsCommand(n), ...restartVerify(n)],
});
