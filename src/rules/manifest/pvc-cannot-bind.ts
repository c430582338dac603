import { defineRule } from "../../contract/rule.js";
import { parseQuantity } from "../../k8s/quantities.js";
import type { KubeObject } from "../../model/kube.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { findNamed } from "../../k8s/lookup.js";
import { KUBERNETES_SELECTOR, selectorMatches } from "../../k8s/selectors.js";
import { fieldEvidence, objectChangeFix, reportObject, workloadLabel, type RuleMeta } from "./report.js";
import { asArray, objects, str, stringMap, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/pvc-cannot-bind",
  category: "storage-unavailable",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pvc -n <namespace>   # STATUS Bound", "kubectl describe pvc <name> -n <namespace>   # Events: why it waits", "kubectl get pv -o wide"] },
};

const NO_PROVISIONER = "kubernetes.io/no-provisioner";
const DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

type Spec = Record<string, unknown>;

/** What the claim asks of a volume, as the PersistentVolume controller matches it. */
interface Claim {
  object: KubeObject;
  spec: Spec;
  /** Path from the object to the claim's spec. */
  path: (string | number)[];
  label: string;
  namespace: string | undefined;
  name: string;
  /** The class the claim ends up with: its own, the default class the API server gives it, or "". */
  storageClass: string | undefined;
}

function claimClass(view: ClusterView, spec: Spec): string | undefined {
  if (typeof spec.storageClassName === "string") return spec.storageClassName;
  const classes = view.kind("StorageClass");
  if (classes.length === 0) return undefined;
  return classes.find((sc) => sc.metadata.annotations?.[DEFAULT_CLASS] === "true")?.metadata.name ?? "";
}

const requestOf = (spec: Spec): number | undefined => parseQuantity(objects([objects([spec.resources])[0]?.requests])[0]?.storage);
const capacityOf = (pv: KubeObject): number | undefined => parseQuantity(objects([pv.spec?.capacity])[0]?.storage);
const modesOf = (spec: Spec | undefined): string[] => asArray(spec?.accessModes).map(String);
const volumeModeOf = (spec: Spec | undefined): string => str(spec?.volumeMode) ?? "Filesystem";

/** Why this volume cannot bind this claim (Kubernetes' checkVolumeSatisfyClaim), or undefined when it can. */
function mismatch(claim: Claim, pv: KubeObject): { reason: string; field: string } | undefined {
  const ref = objects([pv.spec?.claimRef])[0];
  if (ref && (str(ref.name) !== claim.name || (str(ref.namespace) ?? claim.namespace) !== claim.namespace)) return { reason: `it is reserved for claim ${appliedNamespace(str(ref.namespace))}/${str(ref.name) ?? ""}`, field: "volumeName" };
  const request = requestOf(claim.spec);
  const capacity = capacityOf(pv);
  if (request !== undefined && capacity !== undefined && capacity < request) return { reason: `its capacity ${String(objects([pv.spec?.capacity])[0]?.storage)} is smaller than the ${String(objects([objects([claim.spec.resources])[0]?.requests])[0]?.storage)} requested`, field: "resources" };
  const pvClass = str(pv.spec?.storageClassName) ?? "";
  if (claim.storageClass !== undefined && pvClass !== claim.storageClass) return { reason: `its storageClassName is "${pvClass}" and the claim's "${claim.storageClass}"`, field: "storageClassName" };
  if (volumeModeOf(pv.spec) !== volumeModeOf(claim.spec)) return { reason: `its volumeMode is ${volumeModeOf(pv.spec)} and the claim's ${volumeModeOf(claim.spec)}`, field: "volumeMode" };
  const offered = modesOf(pv.spec);
  const missing = modesOf(claim.spec).filter((mode) => !offered.includes(mode));
  if (missing.length > 0) return { reason: `it offers ${offered.join(", ") || "no access mode"}, not ${missing.join(", ")}`, field: "accessModes" };
  return undefined;
}

/**
 * | claim | volumes | finding |
 * |---|---|---|
 * | `volumeName` of a PV that is not there (PVs known) | | error: Pending until it exists |
 * | `volumeName` of a PV that is smaller, of another class, volumeMode or access modes, or reserved for another claim | | error |
 * | class "" (none, no default class), `kubernetes.io/no-provisioner`, or a `selector` | no PV matches (PVs known) | error: nothing provisions it |
 * | class `kubernetes.io/no-provisioner` with `volumeBindingMode: Immediate` (or unset) | | warning: bound before the pod is scheduled |
 * | a provisioner and no selector, or no PV inventory | | none |
 */
export const pvcCannotBindRule = defineRule({
  ...meta,
  title: "A PersistentVolumeClaim has no PersistentVolume it can bind",
  docs: {
    cause:
      "A claim binds a PersistentVolume that is at least as large, of the same StorageClass and volumeMode, offers its access modes and is not reserved for another claim; a StorageClass with a provisioner creates one when none exists, but not for a claim with a selector, a claim with no class, or a local (`kubernetes.io/no-provisioner`) class. When no volume fits, the claim stays Pending and so do the pods that mount it (`pod has unbound immediate PersistentVolumeClaims`). A local class that binds Immediately picks the volume before the scheduler picks the pod's node, so the pod can end up with `node(s) had volume node affinity conflict`.",
    fix: "Change the claim to match the volume (size, class, access modes, volumeMode), point volumeName at a free volume, or create the PersistentVolume; give local classes `volumeBindingMode: WaitForFirstConsumer`.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/storage/persistent-volumes/#binding", "https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode"],
  },
  inputs: ["workloads", "manifests", "pods"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "PersistentVolume", "PersistentVolumeClaim", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet", "StorageClass"],
  requires: ["manifests"],
  scopes: ["lint", "diagnose"],
  messages: {
    "volume-missing": "{claim} names PersistentVolume {volumeName}, which does not exist: it stays Pending{pending}",
    "volume-mismatch": "{claim} cannot bind PersistentVolume {volumeName}: {reason}; it stays Pending{pending}",
    "local-immediate-binding": "StorageClass {storageClass} is local ({provisioner}) and binds Immediately: {claim} may get a volume on a node its pods cannot run on",
    "no-volume-fits": "{claim} has no PersistentVolume it can bind and {why}: it stays Pending{pending}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const volumes = view.kind("PersistentVolume");
    const classes = new Map(view.kind("StorageClass").map((sc) => [sc.metadata.name ?? "", sc]));
    const mountedBy = (claim: Claim) =>
      workloadsOf(view)
        .filter((workload) => workload.namespace === claim.namespace || workload.namespace === undefined || claim.namespace === undefined)
        .filter((workload) => asArray(workload.spec.volumes).some((volume) => str(objects([objects([volume])[0]?.persistentVolumeClaim])[0]?.claimName) === claim.name))
        .map(workloadLabel);
    const pending = (claim: Claim) => {
      const pods = mountedBy(claim);
      return pods.length > 0 ? `; ${pods.join(", ")} stay Pending` : "";
    };
    const warnedClasses = new Set<string>();

    const check = (claim: Claim) => {
      const volumeName = str(claim.spec.volumeName);
      const storageClass = claim.storageClass !== undefined ? classes.get(claim.storageClass) : undefined;
      if (volumeName) {
        const pv = findNamed(view, "PersistentVolume", undefined, volumeName);
        if (!pv) {
          if (volumes.length === 0) return;
          reportObject(ctx, meta, claim.object, {
            field: [...claim.path, "volumeName"],
            message: "volume-missing",
            data: { claim: claim.label, volumeName, pending: pending(claim) },
            cause: `A claim with volumeName waits for that volume; no PersistentVolume ${volumeName} is defined (there are: ${volumes.map((v) => v.metadata.name).join(", ")}).`,
            confidence: 0.8,
            ...(claim.object.kind === "PersistentVolumeClaim" ? { fix: () => objectChangeFix(view, claim.object, { spec: { volumeName } }, { spec: { volumeName: null } }, "Name an existing PersistentVolume, or remove volumeName so the claim binds any matching volume.") } : {}),
          });
          return;
        }
        const problem = mismatch(claim, pv);
        if (!problem) return;
        reportObject(ctx, meta, claim.object, {
          field: [...claim.path, problem.field],
          message: "volume-mismatch",
          data: { claim: claim.label, volumeName, reason: problem.reason, pending: pending(claim) },
          cause: `The PersistentVolume controller binds a claim to the volume it names only if the volume satisfies it; ${problem.reason}.`,
          confidence: 0.9,
          evidence: [fieldEvidence(view, pv, ["spec"], `PersistentVolume ${volumeName}: ${String(objects([pv.spec?.capacity])[0]?.storage ?? "?")}, class "${str(pv.spec?.storageClassName) ?? ""}", ${modesOf(pv.spec).join(", ")}`)],
          ...optionalFix(fixFor(view, claim, pv, problem.field)),
        });
        return;
      }
      const local = storageClass !== undefined && str(storageClass.provisioner) === NO_PROVISIONER;
      if (local && storageClass && (str(storageClass.volumeBindingMode) ?? "Immediate") === "Immediate" && !warnedClasses.has(claim.storageClass!)) {
        warnedClasses.add(claim.storageClass!);
        reportObject(ctx, meta, storageClass, {
          field: str(storageClass.volumeBindingMode) ? ["volumeBindingMode"] : ["provisioner"],
          message: "local-immediate-binding",
          data: { storageClass: String(claim.storageClass), provisioner: NO_PROVISIONER, claim: claim.label },
          cause: "With Immediate binding the claim is bound to a local volume before the scheduler picks the pod's node; the pod is then tied to that volume's node and stays Pending with `volume node affinity conflict` when it cannot run there.",
          severity: "warning",
          confidence: 0.7,
          fix: () => objectChangeFix(view, storageClass, { volumeBindingMode: str(storageClass.volumeBindingMode) ?? null }, { volumeBindingMode: "WaitForFirstConsumer" }, "Bind when the first pod is scheduled (volumeBindingMode is immutable: recreate the StorageClass)."),
        });
      }
      const selector = objects([claim.spec.selector])[0];
      const needsStaticVolume = claim.storageClass === "" || local || selector !== undefined || (claim.storageClass !== undefined && classes.size > 0 && !storageClass);
      // A class that does not exist is manifest/storage-class-missing's; without a PV inventory nothing can be said.
      if (!needsStaticVolume || volumes.length === 0 || (claim.storageClass !== undefined && claim.storageClass !== "" && classes.size > 0 && !storageClass)) return;
      const fits = volumes.filter((pv) => !mismatch(claim, pv) && (!selector || selectorMatches(selector, stringMap(pv.metadata.labels), KUBERNETES_SELECTOR)));
      if (fits.length > 0) return;
      const why = selector ? "it has a selector, which no provisioner serves" : claim.storageClass === "" ? "it has no StorageClass, so nothing provisions one" : `StorageClass ${claim.storageClass} provisions nothing (${NO_PROVISIONER})`;
      const nearest = volumes.map((pv) => ({ pv, problem: mismatch(claim, pv) ?? (selector ? { reason: "its labels do not match the claim's selector", field: "selector" } : undefined) })).find((entry) => entry.problem);
      reportObject(ctx, meta, claim.object, {
        field: [...claim.path, selector ? "selector" : "storageClassName"],
        message: "no-volume-fits",
        data: { claim: claim.label, why, pending: pending(claim) },
        cause: `The claim needs a pre-created volume. None of ${volumes.map((v) => v.metadata.name).join(", ")} fits${nearest?.problem ? ` (${nearest.pv.metadata.name}: ${nearest.problem.reason})` : ""}.`,
        confidence: 0.8,
        ...(nearest ? { evidence: [fieldEvidence(view, nearest.pv, ["spec"], `PersistentVolume ${nearest.pv.metadata.name ?? ""}`)], ...optionalFix(fixFor(view, claim, nearest.pv, nearest.problem!.field)) } : {}),
      });
    };

    for (const pvc of view.kind("PersistentVolumeClaim")) {
      const spec = (pvc.spec ?? {}) as Spec;
      const name = pvc.metadata.name ?? "";
      check({ object: pvc, spec, path: ["spec"], label: `PVC ${name}`, namespace: pvc.metadata.namespace, name, storageClass: claimClass(view, spec) });
    }
    for (const workload of workloadsOf(view)) {
      if (workload.kind !== "StatefulSet") continue;
      objects(workload.object.spec?.volumeClaimTemplates).forEach((template, index) => {
        const spec = objects([template.spec])[0] ?? {};
        const name = str(objects([template.metadata])[0]?.name) ?? String(index);
        // Each replica's claim is <template>-<statefulset>-<ordinal>; a volumeName would be shared by all of them, so only class and selector are judged.
        if (str(spec.volumeName)) return;
        check({ object: workload.object, spec, path: ["spec", "volumeClaimTemplates", index, "spec"], label: `template ${name} of StatefulSet ${workload.name}`, namespace: workload.namespace, name: `${name}-${workload.name}-0`, storageClass: claimClass(view, spec) });
      });
    }
  },
});

const optionalFix = (fix: ReturnType<typeof objectChangeFix> | undefined) => (fix ? { fix } : {});

/** The claim's fields as the volume needs them (a PVC's spec is immutable once created: change the manifest before applying it). */
function fixFor(view: ClusterView, claim: Claim, pv: KubeObject, field: string) {
  if (claim.object.kind !== "PersistentVolumeClaim") return undefined;
  const spec = claim.spec;
  const change = (before: Record<string, unknown>, after: Record<string, unknown>, description: string) => objectChangeFix(view, claim.object, { spec: before }, { spec: after }, description);
  switch (field) {
    case "resources": {
      const capacity = objects([pv.spec?.capacity])[0]?.storage;
      return change({ resources: { requests: { storage: objects([objects([spec.resources])[0]?.requests])[0]?.storage ?? null } } }, { resources: { requests: { storage: capacity ?? null } } }, `Ask for at most ${String(capacity)}, the volume's capacity, or bind a larger volume.`);
    }
    case "storageClassName":
      return change({ storageClassName: claim.storageClass ?? null }, { storageClassName: str(pv.spec?.storageClassName) ?? "" }, `Use the volume's class "${str(pv.spec?.storageClassName) ?? ""}".`);
    case "accessModes":
      return change({ accessModes: modesOf(spec) }, { accessModes: modesOf(pv.spec) }, `Ask for an access mode the volume offers (${modesOf(pv.spec).join(", ")}).`);
    case "volumeMode":
      return change({ volumeMode: str(spec.volumeMode) ?? null }, { volumeMode: volumeModeOf(pv.spec) }, `Use the volume's volumeMode ${volumeModeOf(pv.spec)}.`);
    case "selector":
      return change({ selector: spec.selector ?? null }, { selector: null }, `Remove the selector (PersistentVolume ${pv.metadata.name ?? ""} does not carry its labels), or label the volume that should serve the claim.`);
    default:
      return change({ volumeName: str(spec.volumeName) ?? null }, { volumeName: null }, "Name a free volume, or remove volumeName so the claim binds any matching one.");
  }
}
