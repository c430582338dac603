import type { Evidence } from "../../../model/finding.js";
import { eventEvidence } from "./evidence.js";
import type { PodContext } from "./context.js";
import { type Cause, podEvents } from "./cause.js";

/** The kubelet evicted the pod: node pressure (evicted), or its own ephemeral-storage limit (disk-full). */
export function evictionCause(pod: PodContext): Cause | undefined {
  const status = pod.status;
  if (status?.reason !== "Evicted" && podEvents(pod, /^Evicted$/).length === 0) return undefined;
  const message = status?.message ?? podEvents(pod, /^Evicted$/)[0]?.message ?? "";
  const ownLimit = /exceeds the total limit of containers|Usage of EmptyDir volume|exceeds its local ephemeral storage limit|ephemeral local storage usage exceeds/i.test(message);
  const resource = /low on resource: ([\w-]+)/.exec(message)?.[1] ?? (ownLimit ? "ephemeral-storage" : "");
  const evidence: Evidence[] = status?.reason ? [{ source: "status", path: "status.reason", text: `status: ${status.phase ?? "Failed"}, reason Evicted: ${message}` }] : [];
  for (const event of podEvents(pod, /^Evicted$/).slice(0, 1)) evidence.push(eventEvidence(event));
  return {
    category: ownLimit ? "disk-full" : "evicted",
    confidence: 0.95,
    severity: "error",
    summary: "",
    said: ownLimit ? { message: "evicted-over-storage-limit", data: { pod: pod.name } } : resource ? { message: "evicted-node-pressure", data: { pod: pod.name, resource } } : { message: "evicted-unnamed-pressure", data: { pod: pod.name } },
    cause: ownLimit
      ? "The kubelet evicted the pod because its containers' writable layers, logs or emptyDir volumes grew past their ephemeral-storage limit (or the emptyDir sizeLimit)."
      : `The kubelet evicted the pod because the node ran low on ${resource || "a resource"} (node pressure). Pods using more than they request are evicted first.`,
    evidence,
    detail: { resource, message },
  };
}
