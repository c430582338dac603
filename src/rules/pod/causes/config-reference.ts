import type { Evidence } from "../../../model/finding.js";
import { eventEvidence, waitingEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import { type Cause, displayContainer, events, podEvents } from "./cause.js";
import { appliedNamespace } from "../../../model/namespace.js";

/** The kubelet cannot build the container: a Secret, ConfigMap or key it references is missing, or runAsNonRoot refuses the image. */

const CONFIG_MESSAGE = /(?:secrets? "([^"]+)" not found|configmaps? "([^"]+)" not found|couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)\/(\S+))/i;
const NON_ROOT_MESSAGE = /runAsNonRoot and image (?:will run as root|has non-numeric user \(([^)]*)\))/i;

export function configReferenceCause(container: ContainerContext): Cause | undefined {
  const waiting = container.status?.state?.waiting;
  if (container.status?.state?.running) return undefined;
  const failed = events(container, /^Failed$/, /^Error: (?:secrets? "|configmaps? "|couldn't find key|container has runAsNonRoot)/i);
  const mounts = podEvents(container.pod, /^FailedMount$/, /(?:configmaps?|secrets?) "[^"]+" not found/i).filter((event) => {
    const volume = /for volume "([^"]+)"/.exec(event.message)?.[1];
    if (!volume || !container.spec) return true;
    return (container.spec.volumeMounts ?? []).some((mount) => mount.name === volume);
  });
  const isConfigWaiting = waiting?.reason === "CreateContainerConfigError";
  if (!isConfigWaiting && failed.length === 0 && mounts.length === 0) return undefined;
  const text = [waiting?.message ?? "", ...failed.map((e) => e.message), ...mounts.map((e) => e.message)].join("\n");
  const evidence: Evidence[] = [];
  if (waiting?.reason) evidence.push(waitingEvidence(waiting.reason, waiting.message, `${container.statusPath}.state.waiting`));
  for (const event of [...failed.slice(0, 2), ...mounts.slice(0, 2)]) evidence.push(eventEvidence(event));
  const nonRoot = NON_ROOT_MESSAGE.exec(text);
  if (nonRoot) {
    return {
      category: "insufficient-privileges",
      confidence: 0.95,
      severity: "error",
      summary: "",
      said: nonRoot[1] ? { message: "run-as-non-root-refuses-user", data: { container: displayContainer(container), user: nonRoot[1] } } : { message: "run-as-non-root-refuses-root", data: { container: displayContainer(container) } },
      cause: `The pod asks for runAsNonRoot but ${nonRoot[1] ? `the image's USER is "${nonRoot[1]}", a name the kubelet cannot verify as non-root` : "the image's USER is root (UID 0)"}, so the kubelet refuses to create the container (CreateContainerConfigError).`,
      evidence,
      detail: { subcause: "run-as-non-root", user: nonRoot[1] ?? "root" },
    };
  }
  const match = CONFIG_MESSAGE.exec(text);
  const detail: Record<string, string> = {};
  if (match?.[1]) Object.assign(detail, { kind: "Secret", name: match[1], subcause: "object-missing" });
  else if (match?.[2]) Object.assign(detail, { kind: "ConfigMap", name: match[2], subcause: "object-missing" });
  else if (match?.[3]) Object.assign(detail, { kind: match[4] === "ConfigMap" ? "ConfigMap" : "Secret", name: match[6]!, key: match[3], subcause: "key-missing" });
  else detail.subcause = "unknown";
  if (mounts.length > 0 && !failed.length && !isConfigWaiting) detail.via = "volume";
  const what = detail.subcause === "key-missing" ? `key "${detail.key}" in ${detail.kind} ${detail.name}` : detail.name ? `${detail.kind} ${detail.name}` : "a referenced Secret or ConfigMap";
  return {
    category: "missing-config-reference",
    confidence: detail.subcause === "unknown" ? 0.85 : 0.95,
    severity: "error",
    summary: "",
    said:
      detail.subcause === "key-missing"
        ? { message: "referenced-key-missing", data: { container: displayContainer(container), key: detail.key!, kind: detail.kind!, name: detail.name! } }
        : detail.name
          ? { message: "referenced-object-missing", data: { container: displayContainer(container), kind: detail.kind!, name: detail.name } }
          : { message: "reference-missing", data: { container: displayContainer(container) } },
    cause: `The container references ${what}, which is not in namespace ${appliedNamespace(container.pod.namespace)}. The kubelet cannot build the container's ${detail.via === "volume" ? "volumes" : "environment"} and keeps it in ${detail.via === "volume" ? "ContainerCreating (FailedMount)" : "CreateContainerConfigError"}.`,
    evidence,
    detail,
  };
}

