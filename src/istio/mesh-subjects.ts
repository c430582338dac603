import { placed, podWorkload, templateOwnerOf, templateWorkload, type Workload } from "../k8s/workloads.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { PodSpec } from "../k8s/types.js";
import { SYSTEM_NAMESPACES } from "./pods.js";
import { appliedNamespace } from "../model/namespace.js";

const TEMPLATE_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"] as const;

/** A pod, or a workload's pod template when none of its pods is in the inputs (manifests before deploy), in its namespace (`default` when a manifest has none). */
export type MeshSubject = Workload<string, PodSpec>;

const subjectsCache = new WeakMap<ClusterView, MeshSubject[]>();

/** Pods first, then templates of workloads that have no pod in the view; system namespaces left out. */
export function meshSubjects(view: ClusterView): MeshSubject[] {
  // Several sidecar rules walk the subjects of the same view: built once, each caller gets its own array.
  let subjects = subjectsCache.get(view);
  if (!subjects) subjectsCache.set(view, (subjects = buildSubjects(view)));
  return [...subjects];
}

function buildSubjects(view: ClusterView): MeshSubject[] {
  const subjects: MeshSubject[] = [];
  const represented = new Set<string>();
  for (const pod of view.kind("Pod")) {
    const namespace = appliedNamespace(pod.metadata.namespace);
    if (SYSTEM_NAMESPACES.has(namespace)) continue;
    const owner = templateOwnerOf(view, pod);
    represented.add(`${owner.kind}/${namespace}/${owner.name}`);
    if (owner.kind === "Deployment") {
      const replicaSet = pod.metadata.ownerReferences?.find((ref) => ref.kind === "ReplicaSet");
      if (replicaSet) represented.add(`ReplicaSet/${namespace}/${replicaSet.name}`);
    }
    subjects.push(placed(podWorkload(pod, owner), namespace));
  }
  for (const kind of TEMPLATE_KINDS) {
    for (const workload of view.kind(kind)) {
      const namespace = appliedNamespace(workload.metadata.namespace);
      if (SYSTEM_NAMESPACES.has(namespace)) continue;
      if (represented.has(`${kind}/${namespace}/${workload.metadata.name}`)) continue;
      if (kind === "ReplicaSet" && workload.metadata.ownerReferences?.some((ref) => ref.kind === "Deployment")) continue;
      if (kind === "Job" && workload.metadata.ownerReferences?.some((ref) => ref.kind === "CronJob")) continue;
      subjects.push(placed(templateWorkload(workload)!, namespace));
    }
  }
  return subjects.filter((subject) => view.inScope(subject.namespace));
}

/** `deployment/api` or `pod/api-7c9d` as kubectl takes it. */
export function subjectRef(subject: MeshSubject): string {
  return subject.pod ? `pod/${subject.pod.metadata.name}` : `${subject.object.kind.toLowerCase()}/${subject.object.metadata.name}`;
}
