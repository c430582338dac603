import { defineRule, type Report } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence, Fix } from "../../model/finding.js";
import { ns, specEvidence } from "./evidence.js";
import { injectionDecision, INJECT_LABEL, knownRevisions, NAMESPACE_INJECTION_LABEL, REV_LABEL, type InjectionDecision } from "../../istio/injection-decision.js";
import { namespaceLabels } from "../../k8s/namespaces.js";
import { readyColumn, SYSTEM_NAMESPACES } from "../../istio/pods.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { labelMapMatches } from "../../k8s/selectors.js";
import { meshSubjects, type MeshSubject } from "../../istio/mesh-subjects.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { kubectlRef } from "../../k8s/workload-changes.js";

const ISTIO_KINDS_IN_NAMESPACE = ["PeerAuthentication", "AuthorizationPolicy", "Sidecar", "RequestAuthentication", "Telemetry"];

export const sidecarNotInjected = defineRule({
  id: "sidecar/sidecar-not-injected",
  category: "sidecar-not-injected",
  severity: "error",
  title: "A workload that should be in the mesh has no istio-proxy sidecar",
  docs: {
    cause:
      "The sidecar is added by the injector webhook when a pod is created, and only when the namespace is labelled istio-injection=enabled (or istio.io/rev=<revision>) " +
      "or the pod is labelled sidecar.istio.io/inject=true. Pods created before the label, pods with sidecar.istio.io/inject=false, hostNetwork pods and pods whose " +
      "revision has no injector stay 1/1 outside the mesh: no mTLS, no routing rules, no telemetry.",
    fix: "Label the namespace (kubectl label namespace <ns> istio-injection=enabled) or fix what blocks injection, then recreate the pods with kubectl rollout restart.",
    verify: ["kubectl get namespace <ns> --show-labels", "kubectl get pods -n <ns>   # READY 2/2 (App + Sidecar)"],
    references: ["https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"],
  },
  // IST0102 is Istio's code for the Namespace without an injection label (istio/namespace-injection-labels);
  // a pod without its sidecar is IST0103 only when injection was asked for.
  equivalents: ["IST0103"],
  inputs: ["workloads", "istio", "mesh-config", "pods", "services", "manifests"],
  reads: ["AuthorizationPolicy", "CronJob", "DaemonSet", "Deployment", "DestinationRule", "EndpointSlice", "Endpoints", "Job", "MutatingWebhookConfiguration", "Namespace", "PeerAuthentication", "Pod", "ReplicaSet", "ReplicationController", "RequestAuthentication", "Service", "ServiceEntry", "Sidecar", "StatefulSet", "Telemetry", "VirtualService", "WorkloadEntry"],
  scopes: ["diagnose", "lint"],
  messages: {
    "not-injected": "{target} has no istio-proxy sidecar although {expectation}",
  },
  analyze({ view, report }) {
    const seenOwners = new Set<string>();
    for (const subject of meshSubjects(view)) {
      if (subject.pod && hasSidecar(subject.pod)) continue;
      if (subject.pod && ["Succeeded", "Failed"].includes(subject.pod.status?.phase)) continue;
      const key = `${subject.owner.kind}/${subject.namespace}/${subject.owner.name}`;
      if (seenOwners.has(key)) continue;
      const finding = diagnose(view, subject);
      if (finding) {
        seenOwners.add(key);
        report(finding);
      }
    }
  },
});

function diagnose(view: ClusterView, subject: MeshSubject): Report | undefined {
  // Host-network pods (node agents, CNI daemons) are never injected, by design: not a finding.
  if (subject.spec.hostNetwork === true) return undefined;
  const decision = injectionDecision(view, subject.namespace, subject, false);
  if (decision.optedOut) return undefined;
  if (!subject.pod && decision.injected) return undefined;
  const namespace = subject.namespace;
  const evidence: Evidence[] = [];
  const nsObject = view.get("Namespace", undefined, namespace);
  // Built only for a finding: most subjects turn out to need none.
  const namespaceEvidence = (): Evidence => {
    const labels = namespaceLabels(view, namespace);
    const labelText = Object.entries(labels)
      .filter(([key]) => key !== "kubernetes.io/metadata.name")
      .map(([key, value]) => `${key}=${value}`)
      .join(",");
    return nsObject
      ? specEvidence(view, nsObject, ["metadata", "labels"], `namespace ${namespace} labels: ${labelText || "<none>"}`)
      : { source: "api", text: `namespace ${namespace} is not in the inputs: its labels are unknown` };
  };

  let reason: string;
  let expectation: string;
  if (decision.requestedBy) {
    expectation = decision.requestedBy;
    evidence.push(namespaceEvidence());
    if (decision.blockedBy) {
      reason = decision.blockedBy;
    } else if (subject.pod) {
      reason = "the pod was created before injection was enabled (or while the injector was unavailable): the webhook only acts at pod creation";
    } else {
      return undefined;
    }
  } else {
    // An ambient workload is in the mesh through ztunnel: it needs no sidecar.
    if (inAmbient(view, subject)) return undefined;
    const signal = meshExpectation(view, subject);
    if (!signal || !nsObject) return undefined;
    expectation = signal.text;
    evidence.push(...signal.evidence, namespaceEvidence());
    reason = `namespace ${namespace} has neither ${NAMESPACE_INJECTION_LABEL}=enabled nor ${REV_LABEL}, and the pod is not labelled ${INJECT_LABEL}=true`;
  }
  if (subject.pod) {
    evidence.unshift({ source: "status", text: `pod ${subject.pod.metadata.name}: READY ${readyColumn(subject.pod)}, containers ${(subject.spec.containers ?? []).map((container) => container.name).join(", ")} (no istio-proxy)`, path: "spec.containers" });
  }

  const target = subject.pod ? `pod ${subject.pod.metadata.name}` : `${subject.owner.kind} ${subject.owner.name}`;
  return {
    severity: decision.requestedBy ? "error" : "warning",
    confidence: decision.requestedBy ? 0.9 : 0.7,
    object: subject.object, fieldPath: subject.specPath.length > 1 ? [...subject.metadataPath] : undefined,
    message: "not-injected",
    data: { target, expectation },
    evidence,
    cause: `${target} runs outside the mesh (READY 1/1): ${reason}.`,
    fix: () => fixFor(view, subject, decision),
    verify: [`kubectl get namespace ${namespace} --show-labels`, `kubectl get pods${ns(namespace)}   # READY 2/2 (App + Sidecar)`, `istioctl x describe pod ${subject.pod?.metadata.name ?? "<pod>"}${ns(namespace)}`],
    // istioctl reports a missing proxy (IST0103) on pods only; a workload template gets the finding without the code.
    equivalents: decision.requestedBy && subject.pod ? ["IST0103"] : [],
  };
}

const DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";

/** Enrolled in ambient mode by its namespace or its own label (https://istio.io/latest/docs/ambient/usage/add-workloads/). */
function inAmbient(view: ClusterView, subject: MeshSubject): boolean {
  const own = subject.labels?.[DATAPLANE_MODE_LABEL];
  if (own !== undefined) return own === "ambient";
  return namespaceLabels(view, subject.namespace)[DATAPLANE_MODE_LABEL] === "ambient";
}

/** Why the workload is expected in the mesh although nothing asks for injection. */
function meshExpectation(view: ClusterView, subject: MeshSubject): { text: string; evidence: Evidence[] } | undefined {
  const namespace = subject.namespace;
  if (SYSTEM_NAMESPACES.has(namespace)) return undefined;
  const meshedSibling = meshedPodIn(view, namespace);
  if (meshedSibling) {
    return { text: `other pods in ${namespace} are in the mesh`, evidence: [{ source: "status", text: `pod ${meshedSibling.metadata.name} in ${namespace} runs istio-proxy`, path: `pods/${namespace}/${meshedSibling.metadata.name}` }] };
  }
  const services = servicesSelecting(view, namespace, subject.labels);
  const serviceNames = new Set(services.flatMap((svc) => [svc.metadata.name, `${svc.metadata.name}.${namespace}`, `${svc.metadata.name}.${namespace}.svc.cluster.local`]));
  for (const kind of ["VirtualService", "DestinationRule"]) {
    const routes = routesByHost(view, kind);
    // Only the objects naming one of the service's hosts can match; visit them in the view's order.
    const candidates = [...new Set([...serviceNames].flatMap((name) => (name === undefined ? [] : routes.get(name) ?? [])))].sort((a, b) => a - b);
    const objects = view.kind(kind);
    for (const index of candidates) {
      const object = objects[index]!;
      const hosts = hostsOf(kind, object);
      const objectNamespace = appliedNamespace(object.metadata.namespace);
      const hit = hosts.find((host) => serviceNames.has(host) && (host.includes(".") || objectNamespace === namespace));
      if (hit) return { text: `${kind} ${objectNamespace}/${object.metadata.name} routes to it`, evidence: [specEvidence(view, object, kind === "VirtualService" ? ["spec", "hosts"] : ["spec", "host"], `${kind} ${object.metadata.name} targets host ${hit}`)] };
    }
  }
  for (const kind of ISTIO_KINDS_IN_NAMESPACE) {
    const object = view.kindIn(kind, namespace)[0];
    if (object) return { text: `${kind} ${namespace}/${object.metadata.name} applies to its namespace`, evidence: [specEvidence(view, object, ["metadata", "name"], `${kind} ${object.metadata.name} in ${namespace}`)] };
  }
  return undefined;
}

function hostsOf(kind: string, object: KubeObject): string[] {
  return kind === "VirtualService" ? (object.spec?.hosts ?? []) : [object.spec?.host].filter(Boolean);
}

const serviceIndexCache = new WeakMap<ClusterView, Map<string, Map<string, number[]>>>();

/**
 * The Services of a namespace whose selector selects these labels, in the view's order. Each Service is
 * indexed by one term of its selector (one it must match), so a subject only tests the Services sharing a label with it.
 */
function servicesSelecting(view: ClusterView, namespace: string, labels: Record<string, string> | undefined): KubeObject[] {
  const services = view.kindIn("Service", namespace);
  if (!labels) return [];
  let byNamespace = serviceIndexCache.get(view);
  if (!byNamespace) serviceIndexCache.set(view, (byNamespace = new Map()));
  let byTerm = byNamespace.get(namespace);
  if (!byTerm) {
    byTerm = new Map();
    services.forEach((service, position) => {
      const selector = service.spec?.selector;
      if (!selector || typeof selector !== "object" || Array.isArray(selector)) return;
      const term = Object.entries(selector as Record<string, unknown>).find(([, value]) => value !== undefined && value !== null);
      if (!term) return;
      const key = `${term[0]}\u0000${String(term[1])}`;
      let positions = byTerm!.get(key);
      if (!positions) byTerm!.set(key, (positions = []));
      positions.push(position);
    });
    byNamespace.set(namespace, byTerm);
  }
  const positions = [...new Set(Object.entries(labels).flatMap(([key, value]) => byTerm!.get(`${key}\u0000${String(value)}`) ?? []))].sort((a, b) => a - b);
  return positions.map((position) => services[position]!).filter((svc) => labelMapMatches(svc.spec?.selector, labels, { absent: "nothing", empty: "nothing" }));
}

const meshedPodCache = new WeakMap<ClusterView, Map<string, KubeObject | undefined>>();

/** The first pod of a namespace that runs istio-proxy, once per namespace and view. */
function meshedPodIn(view: ClusterView, namespace: string): KubeObject | undefined {
  let byNamespace = meshedPodCache.get(view);
  if (!byNamespace) meshedPodCache.set(view, (byNamespace = new Map()));
  if (!byNamespace.has(namespace)) byNamespace.set(namespace, view.kindIn("Pod", namespace).find((pod) => hasSidecar(pod)));
  return byNamespace.get(namespace);
}

const routesCache = new WeakMap<ClusterView, Map<string, Map<string, number[]>>>();

/** Host -> positions in `view.kind(kind)` of the VirtualServices (or DestinationRules) that name it. */
function routesByHost(view: ClusterView, kind: string): Map<string, number[]> {
  let byKind = routesCache.get(view);
  if (!byKind) routesCache.set(view, (byKind = new Map()));
  let byHost = byKind.get(kind);
  if (!byHost) {
    byHost = new Map();
    view.kind(kind).forEach((object, index) => {
      const hosts = hostsOf(kind, object);
      if (!Array.isArray(hosts)) return;
      for (const host of hosts) {
        if (typeof host !== "string") continue;
        let positions = byHost!.get(host);
        if (!positions) byHost!.set(host, (positions = []));
        positions.push(index);
      }
    });
    byKind.set(kind, byHost);
  }
  return byHost;
}

function fixFor(view: ClusterView, subject: MeshSubject, decision: InjectionDecision): Fix {
  const namespace = subject.namespace;
  const restart = subject.owner.kind === "Pod" ? `kubectl delete pod ${subject.owner.name}${ns(namespace)}   # recreate it from its manifest` : `kubectl rollout restart ${kubectlRef(subject.owner)}${ns(namespace)}`;
  if (decision.blockedBy?.startsWith("no sidecar injector webhook for revision")) {
    const revisions = [...knownRevisions(view)];
    const revision = revisions.find((candidate) => candidate !== "default") ?? revisions[0] ?? "default";
    const label = revision === "default" ? `${NAMESPACE_INJECTION_LABEL}=enabled` : `${REV_LABEL}=${revision}`;
    return {
      description: `Point the namespace at an installed revision (${revisions.join(", ") || "none installed"}) and recreate the pods.`,
      commands: [`kubectl label namespace ${namespace} ${REV_LABEL}- ${NAMESPACE_INJECTION_LABEL}-`, `kubectl label namespace ${namespace} ${label} --overwrite`, restart],
    };
  }
  const before = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}`;
  const labelled = decision.requestedBy ? undefined : `${NAMESPACE_INJECTION_LABEL}=enabled`;
  return {
    description: labelled
      ? `Label namespace ${namespace} for injection, then recreate the pods: injection only happens when a pod is created.`
      : "Injection is enabled now: recreate the pods so the webhook injects the sidecar.",
    yaml: labelled ? { target: `Namespace ${namespace}`, before, after: `${before}\n  labels:\n    ${NAMESPACE_INJECTION_LABEL}: enabled` } : undefined,
    commands: [...(labelled ? [`kubectl label namespace ${namespace} ${labelled}`] : []), restart],
  };
}
