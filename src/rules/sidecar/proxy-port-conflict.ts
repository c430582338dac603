import { defineRule, type Report } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence } from "../../model/finding.js";
import type { KubeObject } from "../../model/kube.js";
import { eventEvidence, logEvidence, ns, sidecarVerify, specEvidence } from "./evidence.js";
import { podInjectionDecision, injectionDecision } from "../../istio/injection-decision.js";
import type { Container, ServiceSpec } from "../../k8s/types.js";
import { findInLogs, PROXY_SIGNATURES } from "../../istio/proxy-log-signatures.js";
import { appContainers, containerSpecPath, containerStatus, PROXY_CONTAINER } from "../../istio/pods.js";
import { hasSidecar } from "../../istio/sidecar.js";
import { isReservedPort, replacementPort, RESERVED_PORTS } from "../../istio/reserved-ports.js";
import { labelMapMatches } from "../../k8s/selectors.js";
import { meshSubjects, type MeshSubject } from "../../istio/mesh-subjects.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { findContainer } from "../../k8s/workload-changes.js";
import { containerFix } from "../workload-fixes.js";
import { podSpecOf, type JsonObject } from "../../k8s/workloads.js";

interface Conflict {
  port: number;
  container?: string;
  evidence: Evidence[];
  services: Array<{ service: KubeObject; portIndex: number }>;
}

export const proxyPortConflict = defineRule({
  id: "sidecar/proxy-port-conflict",
  category: "sidecar-port-conflict",
  severity: "error",
  title: "The application uses a port the Istio sidecar reserves",
  docs: {
    cause:
      "istio-proxy (Envoy and pilot-agent) binds 15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053 and 15090 inside the pod's network namespace. " +
      "When the application declares or listens on one of them, whichever starts second fails with `address already in use`: the proxy crash-loops (READY 1/2) or the app does.",
    fix:
      "Move the application to another port (simpler and safer than changing the sidecar's ports): change the containerPort, the Service targetPort that points at it, " +
      "and the port the application itself listens on (its flag, env var or config file), then roll the workload out.",
    verify: ["kubectl get pod <pod> -n <ns>   # READY 2/2", "kubectl logs <pod> -n <ns> -c istio-proxy   # no 'address already in use'"],
    references: ["https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio"],
  },
  equivalents: [],
  inputs: ["workloads", "services", "logs", "events", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "EndpointSlice", "Endpoints", "Job", "MutatingWebhookConfiguration", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: ["workloads"],
  scopes: ["diagnose", "lint"],
  messages: {
    "uses-reserved-port": "{container} uses port {ports}, reserved by the Istio sidecar",
    "uses-reserved-ports": "{container} uses ports {ports}, reserved by the Istio sidecar",
  },
  analyze({ view, report }) {
    for (const subject of meshSubjects(view)) {
      const meshed = subject.pod ? hasSidecar(subject.pod) || podInjectionDecision(view, subject.pod).injected : injectionDecision(view, subject.namespace, subject, subject.spec.hostNetwork === true).injected;
      if (!meshed) continue;
      const conflicts = conflictsOf(view, subject);
      if (conflicts.length > 0) report(toFinding(view, subject, conflicts));
    }
  },
});

const servicesCache = new WeakMap<ClusterView, Map<string, KubeObject[]>>();

/** Services of a namespace (no namespace counts as `default`), in the view's order, grouped once per view. */
function servicesIn(view: ClusterView, namespace: string): KubeObject[] {
  let byNamespace = servicesCache.get(view);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const service of view.kind("Service")) {
      const key = appliedNamespace(service.metadata.namespace);
      let list = byNamespace.get(key);
      if (!list) byNamespace.set(key, (list = []));
      list.push(service);
    }
    servicesCache.set(view, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

function conflictsOf(view: ClusterView, subject: MeshSubject): Conflict[] {
  const conflicts = new Map<number, Conflict>();
  const add = (port: number, container: string | undefined, evidence: Evidence): Conflict => {
    let conflict = conflicts.get(port);
    if (!conflict) conflicts.set(port, (conflict = { port, container, evidence: [], services: [] }));
    if (!conflict.container && container) conflict.container = container;
    conflict.evidence.push(evidence);
    return conflict;
  };

  const apps = appContainers(subject.spec);
  for (const container of apps) {
    const containerPath = containerSpecPath(subject.spec, container.name) ?? [];
    (container.ports ?? []).forEach((port, index) => {
      if (!isReservedPort(port.containerPort)) return;
      add(
        port.containerPort,
        container.name,
        specEvidence(view, subject.object, [...subject.specPath, ...containerPath, "ports", index, "containerPort"], `container "${container.name}" declares containerPort ${port.containerPort}, which the sidecar reserves for ${RESERVED_PORTS.get(port.containerPort)}`),
      );
    });
  }

  for (const service of servicesIn(view, subject.namespace)) {
    const spec = (service.spec ?? {}) as ServiceSpec;
    if (!labelMapMatches(spec.selector, subject.labels, { absent: "nothing", empty: "nothing" })) continue;
    (spec.ports ?? []).forEach((port, index) => {
      const target = resolveTargetPort(port.targetPort ?? port.port, apps);
      if (target === undefined || !isReservedPort(target.port)) return;
      const conflict = add(
        target.port,
        target.container,
        specEvidence(view, service, ["spec", "ports", index, "targetPort"], `Service ${service.metadata.name} port ${port.port} sends traffic to targetPort ${port.targetPort ?? port.port} (${target.port}), a sidecar port`),
      );
      conflict.services.push({ service, portIndex: index });
    });
  }

  if (subject.pod) {
    const podName = subject.pod.metadata.name;
    for (const container of [PROXY_CONTAINER, ...apps.map((app) => app.name)]) {
      for (const hit of findInLogs(view, subject.namespace, podName, container, PROXY_SIGNATURES.bindInUse, 5)) {
        const port = Number(hit.match[1] ?? hit.match[2]);
        if (!isReservedPort(port)) continue;
        add(port, container === PROXY_CONTAINER ? conflicts.get(port)?.container : container, logEvidence(hit));
      }
    }
    // pilot-agent's own line when Envoy died of it: supporting evidence for the first conflict.
    const exited = findInLogs(view, subject.namespace, podName, PROXY_CONTAINER, PROXY_SIGNATURES.envoyExited, 1)[0];
    if (exited && conflicts.size > 0) conflicts.values().next().value!.evidence.push(logEvidence(exited));
    for (const event of view.eventsFor("Pod", subject.namespace, podName ?? "")) {
      if (event.reason === "BackOff" && /istio-proxy/.test(event.message) && conflicts.size > 0) {
        for (const conflict of conflicts.values()) conflict.evidence.push(eventEvidence(event));
        break;
      }
    }
  }
  return [...conflicts.values()];
}

/** Whether the sidecar is the container that fails (then crash-loop findings about it fold under this one). */
function proxyFailing(subject: MeshSubject): boolean {
  const status = subject.pod ? containerStatus(subject.pod, PROXY_CONTAINER) : undefined;
  return status !== undefined && (status.ready !== true || (status.restartCount ?? 0) > 0);
}

function resolveTargetPort(target: number | string, containers: Container[]): { port: number; container?: string } | undefined {
  if (typeof target === "number" || /^\d+$/.test(String(target))) {
    const port = Number(target);
    return { port, container: containers.find((container) => (container.ports ?? []).some((entry) => entry.containerPort === port))?.name };
  }
  for (const container of containers) {
    const named = (container.ports ?? []).find((entry) => entry.name === target);
    if (named) return { port: named.containerPort, container: container.name };
  }
  return undefined;
}

function toFinding(view: ClusterView, subject: MeshSubject, conflicts: Conflict[]): Report {
  // Ports the manifests declare come first: they are the ones the fix moves.
  conflicts.sort((a, b) => Number(b.evidence.some((item) => item.source !== "log" && item.source !== "previous-log")) - Number(a.evidence.some((item) => item.source !== "log" && item.source !== "previous-log")));
  const primary = conflicts[0]!;
  const containerName = conflicts.find((conflict) => conflict.container)?.container ?? appContainers(subject.spec)[0]?.name ?? "app";
  const ownerSpec = subject.owner.object ? podSpecOf(subject.owner.object)?.spec : undefined;
  const current = (findContainer(ownerSpec, containerName) ?? findContainer(subject.spec as JsonObject, containerName) ?? { name: containerName }) as JsonObject;
  const currentPorts = ((current.ports as Container["ports"]) ?? []).map((port) => ({ ...port }));
  const used = new Set(appContainers(subject.spec).flatMap((container) => (container.ports ?? []).map((port) => port.containerPort)));
  const moves = new Map<number, number>();
  for (const conflict of conflicts) {
    if (!currentPorts.some((port) => port.containerPort === conflict.port) && conflict.services.length === 0) continue;
    const next = replacementPort(used);
    used.add(next);
    moves.set(conflict.port, next);
  }
  const newPorts = currentPorts.map((port) => (moves.has(port.containerPort) ? { ...port, containerPort: moves.get(port.containerPort)! } : port));

  const namespace = subject.namespace;
  const services = conflicts.flatMap((conflict) => conflict.services.map((entry) => ({ ...entry, to: moves.get(conflict.port) })));
  const serviceCommands = services.map(
    ({ service, portIndex, to }) => `kubectl patch service ${service.metadata.name}${ns(namespace)} --type json -p '[{"op":"replace","path":"/spec/ports/${portIndex}/targetPort","value":${to}}]'`,
  );
  const manifests = [
    `${subject.owner.kind} ${subject.owner.name} (containerPort)`,
    ...services.map(({ service }) => `Service ${service.metadata.name} (targetPort)`),
    "the application's own listen setting (flag, env var or config file)",
  ];
  const portList = conflicts.map((conflict) => `${conflict.port} (${RESERVED_PORTS.get(conflict.port)})`).join(", ");
  const moveText = moves.size > 0 ? [...moves].map(([from, to]) => `${from} to ${to}`).join(", ") : `its listener off ${conflicts.map((conflict) => conflict.port).join(", ")}`;
  const fix =
    moves.size > 0
      ? containerFix(
          subject.owner,
          containerName,
          { current, set: { ports: newPorts } },
          `Move the application from ${moveText}; change ${manifests.join(", ")}. Changing the app's port is preferred over changing the sidecar's.`,
          serviceCommands,
        )
      : {
          description: `Find what in the pod listens on ${conflicts.map((conflict) => conflict.port).join(", ")} (the app's listen setting, or a second proxy) and move it to a port outside 15000-15090; then restart the workload.`,
          commands: [`kubectl exec ${subject.pod?.metadata.name ?? subject.owner.name}${ns(namespace)} -c istio-proxy -- pilot-agent request GET listeners`, `kubectl rollout restart ${subject.owner.kind.toLowerCase()}/${subject.owner.name}${ns(namespace)}`],
        };
  const containerPath = containerSpecPath(subject.spec, containerName);
  const portIndex = currentPorts.findIndex((port) => port.containerPort === primary.port);
  const evidence = conflicts.flatMap((conflict) => conflict.evidence);
  const hasLog = evidence.some((item) => item.source.endsWith("log"));
  const hasSpec = evidence.some((item) => !item.source.endsWith("log"));
  return {
    confidence: hasLog && hasSpec ? 0.95 : hasSpec ? 0.85 : 0.8,
    object: subject.object, fieldPath: containerPath && portIndex >= 0 ? [...subject.specPath, ...containerPath, "ports", portIndex, "containerPort"] : undefined, container: proxyFailing(subject) ? PROXY_CONTAINER : containerName,
    message: conflicts.length > 1 ? "uses-reserved-ports" : "uses-reserved-port",
    data: { container: containerName, ports: conflicts.map((conflict) => conflict.port).join(", ") },
    evidence,
    cause: `The sidecar reserves ${portList}. The application and istio-proxy share the pod's network namespace, so both cannot bind the same port: the second one fails with "address already in use" and its container crash-loops (READY 1/2).`,
    fix,
    verify: [...sidecarVerify(subject.pod ?? subject.object, subject.owner), ...services.map(({ service, to }) => `kubectl get endpoints ${service.metadata.name}${ns(namespace)}   # the endpoint now lists port ${to}`)],
  };
}
