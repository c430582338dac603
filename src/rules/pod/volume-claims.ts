import type { Evidence, Fix } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import { eventEvidence } from "./causes/evidence.js";
import type { FixContext } from "./pod-rule.js";

/**
 * The PersistentVolumeClaims behind a pod that waits on storage: each claim's
 * StorageClass and what binding or provisioning says about it, from the claim
 * objects, their events (`ProvisioningFailed`, `WaitForFirstConsumer`,
 * `ExternalProvisioning`, `FailedBinding`) and the pod's own scheduling
 * messages, whichever the inputs hold.
 */
export interface ClaimState {
  claim: string;
  /** The claim's storageClassName, or the class a provisioning message names. */
  className?: string;
  /** `class-missing`, `no-class`, `provisioning-failed`, `waiting-for-provisioner`, `waiting-for-consumer`, `claim-missing`, `unknown` */
  problem: string;
  /** The message that says so. */
  message?: string;
  phase?: string;
  events: EventRecord[];
}

const CLASS_NOT_FOUND = /storageclass(?:\.storage\.k8s\.io)? "([^"]+)" not found/i;
const PROVISION_FAILED = /failed to provision volume with StorageClass "([^"]+)"/i;
const CLAIM_NOT_FOUND = /persistentvolumeclaims? "([^"]+)" not found/gi;

function claimNames(context: FixContext): string[] {
  const names = new Set<string>();
  for (const volume of context.d.pod.spec?.volumes ?? context.podSpec?.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim) names.add(claim);
  }
  for (const text of [context.d.cause.detail.message ?? "", ...context.d.pod.events.map((e) => e.message)]) {
    for (const match of text.matchAll(CLAIM_NOT_FOUND)) names.add(match[1]!);
  }
  return [...names];
}

function stateOf(context: FixContext, claim: string, missingInMessages: boolean): ClaimState {
  const { view } = context;
  const namespace = context.d.pod.namespace;
  const object: KubeObject | undefined = view.get("PersistentVolumeClaim", namespace, claim);
  const spec = object?.spec as { storageClassName?: string } | undefined;
  const phase = (object?.status as { phase?: string } | undefined)?.phase;
  const events = view.eventsAbout("PersistentVolumeClaim").filter((e) => e.involved.name === claim && (e.involved.namespace === undefined || namespace === undefined || e.involved.namespace === namespace));
  const state: ClaimState = { claim, problem: "unknown", events, ...(spec?.storageClassName ? { className: spec.storageClassName } : {}), ...(phase ? { phase } : {}) };
  const latest = [...events].sort((a, b) => (Date.parse(b.lastTimestamp ?? "") || 0) - (Date.parse(a.lastTimestamp ?? "") || 0));
  const say = (problem: string, event?: EventRecord, className?: string) => {
    state.problem = problem;
    if (event) state.message = event.message;
    if (className) state.className = className;
    return state;
  };
  if (missingInMessages && !object) return say("claim-missing");
  for (const event of latest) {
    const missingClass = CLASS_NOT_FOUND.exec(event.message);
    if (missingClass) return say("class-missing", event, missingClass[1]);
    if (/no persistent volumes available for this claim and no storage class is set/i.test(event.message)) return say("no-class", event);
    if (event.reason === "ProvisioningFailed") return say("provisioning-failed", event, PROVISION_FAILED.exec(event.message)?.[1]);
    if (event.reason === "ExternalProvisioning" || /waiting for a volume to be created/i.test(event.message)) return say("waiting-for-provisioner", event);
    if (event.reason === "WaitForFirstConsumer" || /waiting for first consumer/i.test(event.message)) return say("waiting-for-consumer", event);
  }
  // The class the claim names is not among the StorageClasses the inputs hold.
  const classes = view.kind("StorageClass");
  if (state.className && classes.length > 0 && !classes.some((c) => c.metadata.name === state.className)) return say("class-missing");
  if (object && !spec?.storageClassName && classes.length > 0 && !classes.some(isDefaultClass)) return say("no-class");
  return state;
}

export function isDefaultClass(storageClass: KubeObject): boolean {
  const annotations = storageClass.metadata.annotations ?? {};
  return annotations["storageclass.kubernetes.io/is-default-class"] === "true" || annotations["storageclass.beta.kubernetes.io/is-default-class"] === "true";
}

/** Every claim of the pod that is not Bound, with what the inputs say about it. */
export function unboundClaims(context: FixContext): ClaimState[] {
  const text = [context.d.cause.detail.message ?? "", ...context.d.pod.events.map((e) => e.message)].join("\n");
  const missing = new Set([...text.matchAll(CLAIM_NOT_FOUND)].map((match) => match[1]!));
  return claimNames(context)
    .map((claim) => stateOf(context, claim, missing.has(claim)))
    .filter((state) => state.phase !== "Bound");
}

export function claimWords(state: ClaimState): string {
  const claim = `PersistentVolumeClaim ${state.claim}`;
  const cls = state.className ? `StorageClass "${state.className}"` : "its StorageClass";
  switch (state.problem) {
    case "claim-missing":
      return `${claim} does not exist`;
    case "class-missing":
      return `${claim} names ${cls}, which does not exist`;
    case "no-class":
      return `${claim} names no StorageClass and the cluster has no default class or matching PersistentVolume`;
    case "provisioning-failed":
      return `${cls} fails to provision a volume for ${claim}`;
    case "waiting-for-provisioner":
      return `${claim} waits for ${cls}'s external provisioner, which has not created a volume`;
    case "waiting-for-consumer":
      return `${claim} (${cls}, WaitForFirstConsumer) is bound only once the pod is scheduled; another constraint keeps the pod off every node`;
    default:
      return `${claim}${state.className ? ` (${cls})` : ""} is not bound`;
  }
}

export function claimEvidence(states: ClaimState[]): Evidence[] {
  const out: Evidence[] = [];
  for (const state of states) {
    const event = state.events.find((e) => e.message === state.message) ?? state.events[0];
    if (event) out.push(eventEvidence(event));
    else out.push({ source: "api", path: `PersistentVolumeClaim ${state.claim}`, text: `${claimWords(state)}${state.phase ? ` (phase ${state.phase})` : ""}` });
  }
  return out;
}

/** The StorageClasses the inputs hold, the default first: what a claim could name instead. */
export function knownClasses(context: FixContext): string[] {
  const classes = context.view.kind("StorageClass");
  return [...classes.filter(isDefaultClass), ...classes.filter((c) => !isDefaultClass(c))].map((c) => c.metadata.name ?? "").filter(Boolean);
}

/** What to do about each unbound claim: a class that exists, a provisioner that works, a claim that exists. */
export function claimFix(context: FixContext, claims: ClaimState[]): Fix {
  const n = context.names;
  const classes = knownClasses(context);
  const commands: string[] = [];
  const steps: string[] = [];
  for (const state of claims) {
    const describe = `kubectl describe pvc ${state.claim}${n.ns}`;
    switch (state.problem) {
      case "claim-missing":
        steps.push(`create PersistentVolumeClaim ${state.claim} in ${n.namespace} (or correct the claimName in the pod template)`);
        commands.push(`kubectl get pvc${n.ns}`);
        break;
      case "class-missing":
      case "no-class": {
        const target = classes[0] ? classes[0] : "<a StorageClass that exists>";
        steps.push(`${state.problem === "class-missing" ? `StorageClass "${state.className}" does not exist` : `${state.claim} names no StorageClass`}: a claim's storageClassName cannot be changed, so re-create ${state.claim} with storageClassName ${target}${classes.length ? ` (the classes here: ${classes.join(", ")})` : ""}, or create the missing class`);
        commands.push("kubectl get storageclass", `kubectl get pvc ${state.claim}${n.ns} -o yaml > ${state.claim}.pvc.yaml   # set spec.storageClassName: ${target}; drop status, uid, resourceVersion`, `kubectl delete pvc ${state.claim}${n.ns} && kubectl apply -f ${state.claim}.pvc.yaml`);
        break;
      }
      case "provisioning-failed":
      case "waiting-for-provisioner":
        steps.push(`the provisioner of ${state.className ? `StorageClass "${state.className}"` : `${state.claim}'s class`} does not create a volume${state.message ? ` (${state.message.slice(0, 300)})` : ""}: check its CSI driver runs and its parameters`);
        commands.push(describe, ...(state.className ? [`kubectl get storageclass ${state.className} -o yaml`] : []), "kubectl get csidrivers", "kubectl get pods -A | grep -i -E 'csi|provisioner'");
        break;
      case "waiting-for-consumer":
        steps.push(`${state.claim} is bound once the pod is scheduled; the scheduler's message names what else keeps the pod off the nodes (the volume's topology, node selectors, capacity)`);
        commands.push(describe, `kubectl describe pod ${n.pod}${n.ns} | grep -A5 Events`);
        break;
      default:
        steps.push(`${state.claim} is not bound: its events say why`);
        commands.push(describe, "kubectl get storageclass", "kubectl get pv");
    }
  }
  return { description: `Get the pod's claims bound: ${steps.join("; ")}`, commands: [...new Set(commands)] };
}
