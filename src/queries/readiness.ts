import type { KubeObject } from "../model/kube.js";
import { portProtocol } from "../istio/protocols.js";
import type { ClusterView } from "../view/cluster-view.js";
import { isProductionNamespace } from "../k8s/environment.js";
import { istiodPods } from "../istio/istiod.js";
import type { Container, PodSpec, ServicePort } from "../k8s/types.js";
import { detectLocalCluster } from "../k8s/local-cluster.js";
import { controlPlaneEgress } from "../istio/control-plane-egress.js";
import { policyTypes } from "../k8s/network-policy.js";
import { parseQuantity } from "../k8s/quantities.js";
import { namespaceLabels } from "../k8s/namespaces.js";
import { PROXY_CONTAINER, SYSTEM_NAMESPACES } from "../istio/pods.js";
import { hasSidecar } from "../istio/sidecar.js";
import { isReservedPort } from "../istio/reserved-ports.js";
import { readIstiodLogs } from "./istiod-logs.js";
import { chooseTestService } from "./readiness-candidates.js";
import { appliedNamespace } from "../model/namespace.js";
import type { Severity } from "../model/finding.js";

/** The numbers the adoption checklist compares the cluster with. */
export const READINESS_THRESHOLDS = {
  /** Istio pays off from five microservices; two or three is overkill. */
  servicesWorthIt: 5,
  servicesOverkill: 3,
  recommendedCpuCores: 4,
  recommendedMemoryBytes: 8 * 1024 ** 3,
  /** Below this istiod itself keeps restarting on a small test cluster. */
  minimumMemoryBytes: 4 * 1024 ** 3,
  recommendedDiskBytes: 20 * 1024 ** 3,
  sidecarMemoryLowMiB: 50,
  sidecarMemoryHighMiB: 100,
  istiodMemoryMiB: 200,
} as const;

export type CheckStatus = "ok" | "warn" | "fail" | "info" | "unknown";

/** A checklist status as the finding severity `--fail-on` compares it with; ok and unknown never fail a run. */
const STATUS_SEVERITY: Partial<Record<CheckStatus, Severity>> = { fail: "error", warn: "warning", info: "info" };

/** The checks that count for `--fail-on`, each with the severity of its status. */
export function checkSeverities(checks: readonly ReadinessCheck[]): Array<{ check: string; severity: Severity }> {
  return checks.flatMap((check) => {
    const severity = STATUS_SEVERITY[check.status];
    return severity === undefined ? [] : [{ check: check.id, severity }];
  });
}

export interface ReadinessCheck {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  items: string[];
}

export interface Phase {
  phase: number;
  title: string;
  goal: string;
  commands: string[];
  confirm: string[];
}

export interface ReadinessReport {
  scope: string;
  cluster: {
    nodes: number;
    cpuCores?: number;
    memoryBytes?: number;
    diskBytes?: number;
    local?: string;
    istiod: "running" | "not installed" | "unknown";
  };
  estimate: { podsToInject: number; sidecarMemoryMiB: [number, number]; istiodMemoryMiB: number; istiodMemoryMeasured?: boolean; requestedMemoryBytes?: number };
  checks: ReadinessCheck[];
  plan: Phase[];
  rollback: Phase[];
  afterAdoption: string[];
}

interface WorkloadInfo {
  kind: string;
  namespace: string;
  name: string;
  replicas: number;
  spec: PodSpec;
  stateful: boolean;
}

/** The Istio adoption checklist, computed from the cluster, then its four-phase plan and rollback filled in with this cluster's names. */
export function computeReadiness(view: ClusterView): ReadinessReport {
  const namespaces = userNamespaces(view);
  const workloads = workloadsOf(view, namespaces);
  const services = view.kind("Service").filter((svc) => namespaces.includes(appliedNamespace(svc.metadata.namespace)) && !(svc.metadata.name === "kubernetes" && svc.metadata.namespace === "default"));
  const pods = view.kind("Pod").filter((pod) => namespaces.includes(appliedNamespace(pod.metadata.namespace)) && !["Succeeded", "Failed"].includes(pod.status?.phase));
  const nodes = view.kind("Node");
  const local = detectLocalCluster(view);
  const istiod = istiodPods(view).length > 0 ? "running" : view.kind("Pod").some((pod) => pod.metadata.namespace === "istio-system") || view.kind("Namespace").length > 0 ? "not installed" : "unknown";

  const cpu = sum(nodes.map((node) => parseQuantity(node.status?.allocatable?.cpu)));
  const memory = sum(nodes.map((node) => parseQuantity(node.status?.allocatable?.memory)));
  const disk = sum(nodes.map((node) => parseQuantity(node.status?.allocatable?.["ephemeral-storage"])));
  const podsToInject = pods.filter((pod) => !hasSidecar(pod) && pod.spec?.hostNetwork !== true).length + (pods.length === 0 ? workloads.reduce((total, workload) => total + workload.replicas, 0) : 0);
  // What scheduled, still-running pods already reserve on the nodes.
  const scheduled = view.kind("Pod").filter((pod) => typeof pod.spec?.nodeName === "string" && !["Succeeded", "Failed"].includes(pod.status?.phase));
  const requested = sum(scheduled.flatMap((pod) => ((pod.spec?.containers ?? []) as Container[]).map((container) => parseQuantity(container.resources?.requests?.memory))));

  const istiodMeasured = measuredIstiodMemoryMiB(view);
  const report: ReadinessReport = {
    scope: view.namespaces ? view.namespaces.join(", ") : "all namespaces",
    cluster: { nodes: nodes.length, cpuCores: cpu, memoryBytes: memory, diskBytes: disk, local: local ? `${local.tool} cluster "${local.name}"` : undefined, istiod },
    estimate: {
      podsToInject,
      sidecarMemoryMiB: [podsToInject * READINESS_THRESHOLDS.sidecarMemoryLowMiB, podsToInject * READINESS_THRESHOLDS.sidecarMemoryHighMiB],
      istiodMemoryMiB: istiodMeasured ?? READINESS_THRESHOLDS.istiodMemoryMiB,
      ...(istiodMeasured !== undefined ? { istiodMemoryMeasured: true } : {}),
      requestedMemoryBytes: requested,
    },
    checks: [],
    plan: [],
    rollback: [],
    afterAdoption: [],
  };
  report.checks = [
    serviceCountCheck(services),
    resourceCheck(nodes, cpu, memory, disk),
    sidecarMemoryCheck(report, memory, requested),
    networkPolicyCheck(view, namespaces, workloads),
    podSecurityCheck(view, namespaces),
    portNamingCheck(services),
    reservedPortCheck(workloads),
    uidCheck(workloads),
    istiodLogCheck(view, istiod),
  ];
  report.plan = planPhases(view, namespaces, workloads, istiod);
  report.rollback = rollbackSteps(namespaces.filter((namespace) => workloads.some((workload) => workload.namespace === namespace) && injectionState(view, namespace) !== "disabled"));
  report.afterAdoption = [
    "kubectl get pods -A   # every meshed pod READY 2/2",
    "istioctl analyze -A   # passes",
    "istioctl dashboard kiali   # traffic flow as expected",
    `kubectl logs <pod> -n <ns> -c ${PROXY_CONTAINER}   # no errors in the sidecar logs`,
    "kubectl exec -it <pod> -n <ns> -- curl -sI https://<external-api>   # external API calls still work",
  ];
  return report;
}

function userNamespaces(view: ClusterView): string[] {
  const names = new Set<string>();
  for (const object of view.objects) {
    const namespace = object.object.kind === "Namespace" ? object.object.metadata.name : object.object.metadata.namespace;
    if (namespace && !SYSTEM_NAMESPACES.has(namespace) && view.inScope(namespace)) names.add(namespace);
  }
  return [...names].sort();
}

function workloadsOf(view: ClusterView, namespaces: string[]): WorkloadInfo[] {
  const list: WorkloadInfo[] = [];
  for (const kind of ["Deployment", "StatefulSet", "DaemonSet"]) {
    for (const object of view.kind(kind)) {
      const namespace = appliedNamespace(object.metadata.namespace);
      if (!namespaces.includes(namespace)) continue;
      list.push({ kind, namespace, name: object.metadata.name ?? "", replicas: Number(object.spec?.replicas ?? 1), spec: (object.spec?.template?.spec ?? {}) as PodSpec, stateful: kind === "StatefulSet" });
    }
  }
  return list;
}

function sum(values: Array<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : known.reduce((total, value) => total + value, 0);
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "unknown";
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

function serviceCountCheck(services: KubeObject[]): ReadinessCheck {
  const count = services.length;
  const status: CheckStatus = count >= READINESS_THRESHOLDS.servicesWorthIt ? "ok" : count <= READINESS_THRESHOLDS.servicesOverkill ? "warn" : "info";
  return {
    id: "services",
    title: "Do you need Istio? (5+ microservices)",
    status,
    detail:
      status === "ok"
        ? `${count} services: enough for a mesh to pay off (5 or more).`
        : status === "warn"
          ? `${count} service(s): with 3 or fewer Istio is likely more than you need (for a monolith or 2-3 services a mesh is overkill); an Ingress may be enough.`
          : `${count} services: close to the threshold of 5; the mesh pays off when services call each other in chains.`,
    items: services.slice(0, 20).map((svc) => `${svc.metadata.namespace}/${svc.metadata.name}`),
  };
}

function resourceCheck(nodeList: KubeObject[], cpu: number | undefined, memory: number | undefined, disk: number | undefined): ReadinessCheck {
  const nodes = nodeList.length;
  if (nodes === 0 || memory === undefined) {
    return { id: "resources", title: "Cluster resources (4 cores, 8 GB, 20 GB disk)", status: "unknown", detail: "no Node objects in the inputs: capacity unknown (kubectl get nodes -o yaml, or a snapshot, gives it).", items: [] };
  }
  const t = READINESS_THRESHOLDS;
  const diskShort = disk !== undefined && disk < t.recommendedDiskBytes;
  const status: CheckStatus =
    memory < t.minimumMemoryBytes ? "fail" : memory < t.recommendedMemoryBytes || (cpu ?? 0) < t.recommendedCpuCores || diskShort ? "warn" : "ok";
  return {
    id: "resources",
    title: "Cluster resources (4 cores, 8 GB, 20 GB disk)",
    status,
    detail: `allocatable ${cpu === undefined ? "unknown" : `${Number(cpu.toFixed(2))} cores`}, ${formatBytes(memory)} memory${disk !== undefined ? `, ${formatBytes(disk)} disk` : ""} on ${nodes} node${nodes === 1 ? "" : "s"}. ${
      status === "fail"
        ? "Below 4 GB istiod itself keeps restarting (seen at 2 GB)."
        : memory < t.recommendedMemoryBytes || (cpu ?? 0) < t.recommendedCpuCores
          ? "Works, but the recommended minimum is 4 cores and 8 GB."
          : diskShort
            ? "Meets the recommended 4 cores and 8 GB."
            : "Meets the recommended 4 cores, 8 GB and 20 GB of disk."
    }${diskShort ? " Disk is below the recommended 20 GB: images of the sidecar and the control plane, and their logs, need room on the nodes." : ""}`,
    items: diskShort ? nodeList.map((node) => `node ${node.metadata.name}: ${formatBytes(parseQuantity(node.status?.allocatable?.["ephemeral-storage"]))} allocatable ephemeral storage`) : [],
  };
}

/** istiod's working set as metrics-server measures it (PodMetrics of its pods), MiB; undefined when not measured. */
function measuredIstiodMemoryMiB(view: ClusterView): number | undefined {
  let total = 0;
  let measured = false;
  for (const pod of istiodPods(view)) {
    const metrics = view.get("PodMetrics", pod.metadata.namespace, pod.metadata.name ?? "") as unknown as { containers?: Array<{ usage?: { memory?: string } }> } | undefined;
    for (const container of metrics?.containers ?? []) {
      const bytes = parseQuantity(container.usage?.memory);
      if (bytes === undefined) continue;
      total += bytes;
      measured = true;
    }
  }
  return measured ? Math.ceil(total / 1024 ** 2) : undefined;
}

function sidecarMemoryCheck(report: ReadinessReport, memory: number | undefined, requested: number | undefined): ReadinessCheck {
  const [low, high] = report.estimate.sidecarMemoryMiB;
  const need = (high + report.estimate.istiodMemoryMiB) * 1024 ** 2;
  const headroom = memory !== undefined ? memory - (requested ?? 0) : undefined;
  const status: CheckStatus = headroom === undefined ? "info" : headroom < need ? "warn" : "ok";
  return {
    id: "sidecar-memory",
    title: "Sidecar memory (50-100 MB per pod)",
    status,
    detail: `${report.estimate.podsToInject} pods to inject x 50-100 MB = ${low}-${high} MiB, plus ${report.estimate.istiodMemoryMeasured ? `${report.estimate.istiodMemoryMiB} MiB for istiod (its working set now, metrics-server)` : `about ${report.estimate.istiodMemoryMiB} MiB for istiod`}.${
      headroom !== undefined ? ` Unrequested allocatable memory: ${formatBytes(headroom)}.${status === "warn" ? " Not enough for the high estimate." : ""}` : ""
    }`,
    items: [],
  };
}

function networkPolicyCheck(view: ClusterView, namespaces: string[], workloads: WorkloadInfo[]): ReadinessCheck {
  const policies = view.kind("NetworkPolicy").filter((policy) => namespaces.includes(appliedNamespace(policy.metadata.namespace)));
  const items: string[] = [];
  let blocking = 0;
  for (const policy of policies) {
    const namespace = appliedNamespace(policy.metadata.namespace);
    const types = policyTypes(policy.spec ?? {});
    let note = `${namespace}/${policy.metadata.name} (${types.join(", ")})`;
    if (types.includes("Egress")) {
      const selected = workloads.filter((workload) => workload.namespace === namespace).map((workload) => ({ namespace, labels: (view.get(workload.kind, namespace, workload.name)?.spec?.template?.metadata?.labels ?? {}) as Record<string, string> }));
      const targets = selected.length > 0 ? selected : [{ namespace, labels: {} }];
      const blocked = targets.some((pod) => controlPlaneEgress(view, pod).blocked.length > 0);
      if (blocked) {
        blocking += 1;
        note += ": denies egress to istiod 15012 or DNS 53 for meshed pods";
      }
    }
    items.push(note);
  }
  return {
    id: "network-policies",
    title: "Existing NetworkPolicies",
    status: blocking > 0 ? "warn" : policies.length > 0 ? "info" : "ok",
    detail:
      policies.length === 0
        ? "none: nothing stands between sidecars and istiod."
        : blocking > 0
          ? `${policies.length} policies, ${blocking} would cut sidecars off istiod or DNS: allow egress to istio-system:15012 and kube-dns:53, or move to Istio AuthorizationPolicies.`
          : `${policies.length} policies; none blocks the sidecar's control-plane traffic. Consider AuthorizationPolicies to keep one policy model.`,
    items,
  };
}

function podSecurityCheck(view: ClusterView, namespaces: string[]): ReadinessCheck {
  const cni = view.kind("DaemonSet").some((ds) => ds.metadata.name === "istio-cni-node");
  const items = namespaces
    .map((namespace) => ({ namespace, level: namespaceLabels(view, namespace)["pod-security.kubernetes.io/enforce"] }))
    .filter((entry) => entry.level !== undefined)
    .map((entry) => `${entry.namespace}: enforce=${entry.level}`);
  const strict = items.filter((item) => /enforce=(restricted|baseline)$/.test(item));
  return {
    id: "pod-security",
    title: "Pod Security levels",
    status: strict.length > 0 && !cni ? "warn" : "ok",
    detail:
      strict.length > 0 && !cni
        ? `${strict.length} namespace(s) enforce baseline/restricted: the injected istio-init needs NET_ADMIN and NET_RAW and would be rejected. Install Istio with the CNI plugin (components.cni.enabled=true).`
        : items.length > 0
          ? `Pod Security labels found${cni ? "; the Istio CNI is installed, so istio-init is not needed" : ""}.`
          : "no namespace enforces a Pod Security level.",
    items,
  };
}

function portNamingCheck(services: KubeObject[]): ReadinessCheck {
  const items: string[] = [];
  for (const svc of services) {
    for (const port of (svc.spec?.ports ?? []) as ServicePort[]) {
      if (!portProtocol(port)) items.push(`${svc.metadata.namespace}/${svc.metadata.name} port ${port.port}${port.name ? ` (name "${port.name}")` : " (unnamed)"}`);
    }
  }
  return {
    id: "port-naming",
    title: "Service port names / appProtocol",
    status: items.length > 0 ? "warn" : "ok",
    detail:
      items.length > 0
        ? `${items.length} port(s) have neither a protocol prefix (http-, grpc-, tcp- ...) nor appProtocol: Istio falls back to protocol sniffing for them (IST0118).`
        : "every Service port names its protocol.",
    items: items.slice(0, 30),
  };
}

function reservedPortCheck(workloads: WorkloadInfo[]): ReadinessCheck {
  const items = workloads.flatMap((workload) =>
    (workload.spec.containers ?? []).flatMap((container) => (container.ports ?? []).filter((port) => isReservedPort(port.containerPort)).map((port) => `${workload.kind} ${workload.namespace}/${workload.name}: ${container.name} uses ${port.containerPort}`)),
  );
  return {
    id: "reserved-ports",
    title: "Ports the sidecar reserves (15000-15090)",
    status: items.length > 0 ? "fail" : "ok",
    detail: items.length > 0 ? "these containers would collide with istio-proxy: move them off the reserved ports first." : "no container uses a sidecar port.",
    items,
  };
}

function uidCheck(workloads: WorkloadInfo[]): ReadinessCheck {
  const items = workloads
    .filter((workload) => (workload.spec.containers ?? []).some((container) => (container.securityContext?.runAsUser ?? workload.spec.securityContext?.runAsUser) === 1337))
    .map((workload) => `${workload.kind} ${workload.namespace}/${workload.name}`);
  return {
    id: "uid-1337",
    title: "Applications running as UID 1337",
    status: items.length > 0 ? "fail" : "ok",
    detail: items.length > 0 ? "UID 1337 is the sidecar's: traffic from these apps would bypass the proxy (IST0144). Change runAsUser first." : "no application runs as UID 1337.",
    items,
  };
}

function istiodLogCheck(view: ClusterView, istiod: ReadinessReport["cluster"]["istiod"]): ReadinessCheck {
  const title = "istiod logs";
  const command = "kubectl logs -n istio-system -l app=istiod --tail=50";
  if (istiod !== "running") return { id: "istiod-logs", title, status: istiod === "unknown" ? "unknown" : "info", detail: istiod === "unknown" ? `no istio-system pods in the inputs: istiod's log could not be read (${command}).` : "istiod is not installed yet: nothing to read.", items: [] };
  const reading = readIstiodLogs(view);
  if (reading.read.length === 0) {
    return { id: "istiod-logs", title, status: "unknown", detail: `the inputs hold no log of ${reading.unread.join(", ")}: a sidecar that stays 1/2 often means istiod cannot push its config; read it with: ${command}`, items: [] };
  }
  const count = reading.problems.length + reading.more;
  return {
    id: "istiod-logs",
    title,
    status: count > 0 ? "warn" : "ok",
    detail:
      count > 0
        ? `${count} error line(s) or rejected pushes (ACK ERROR) in the log of ${reading.read.join(", ")}: sidecars may not get their config (READY 1/2 that does not clear). Fix these before moving workloads.`
        : `no error and no rejected push in the log of ${reading.read.join(", ")}${reading.unread.length > 0 ? ` (no log in the inputs for ${reading.unread.join(", ")})` : ""}.`,
    items: reading.problems.map((problem) => `${problem.pod} line ${problem.line}: ${problem.level}${problem.scope ? ` ${problem.scope}` : ""}: ${problem.text}`).concat(reading.more > 0 ? [`... and ${reading.more} more`] : []),
  };
}

/** The four adoption phases, with this cluster's names. */
function planPhases(view: ClusterView, namespaces: string[], workloads: WorkloadInfo[], istiod: string): Phase[] {
  const meshed = namespaces.filter((namespace) => injectionState(view, namespace) === "enabled");
  const optedOut = namespaces.filter((namespace) => injectionState(view, namespace) === "disabled");
  const candidates = namespaces.filter((namespace) => workloads.some((workload) => workload.namespace === namespace) && !meshed.includes(namespace) && !optedOut.includes(namespace));
  const byTestLikeness = [...candidates].sort((a, b) => testScore(view, b) - testScore(view, a) || countIn(workloads, a) - countIn(workloads, b) || a.localeCompare(b));
  // The first test-like namespace with a healthy stateless workload; a namespace whose workloads all crash is passed over.
  const choices = byTestLikeness.map((namespace) => ({ namespace, choice: chooseTestService(view, workloads.filter((workload) => workload.namespace === namespace)) }));
  const pickedIndex = Math.max(0, choices.findIndex((entry) => entry.choice.workload));
  const picked = choices[pickedIndex];
  const testNamespace = picked?.namespace;
  const testWorkload = picked?.choice.workload;
  const skipped = [...(picked?.choice.skipped ?? []), ...choices.slice(0, pickedIndex).map((entry) => `namespace ${entry.namespace}: no healthy stateless workload`)];
  const health = picked?.choice.health;
  const why = testWorkload && health
    ? [
        health.state === "healthy" ? `${health.pods} pod(s) running and ready` : "no pods in the inputs to judge its health",
        picked.choice.exposure?.exposed ? `exposed (${picked.choice.exposure.how.join("; ")})` : "not exposed outside the cluster",
        `${testWorkload.replicas} replica(s)`,
      ].join(", ")
    : undefined;
  const rest = candidates.filter((namespace) => namespace !== testNamespace);
  const stateless = workloads.filter((workload) => !workload.stateful && candidates.includes(workload.namespace) && workload !== testWorkload);
  const stateful = workloads.filter((workload) => workload.stateful && candidates.includes(workload.namespace));

  const phase1: Phase = {
    phase: 1,
    title: "Install Istio without injecting sidecars (observe only)",
    goal: "istiod runs; no workload changes yet.",
    commands: istiod === "running" ? ["# istiod is already running in istio-system"] : ["istioctl install --set profile=demo -y", "# no namespace label yet: nothing is injected"],
    confirm: ["kubectl get pods -n istio-system   # istiod READY 1/1, Running"],
  };
  const phase2: Phase = {
    phase: 2,
    title: "Move one test service",
    goal: testNamespace
      ? `start with the least important: ${testNamespace}${testWorkload ? `, ${testWorkload.kind.toLowerCase()}/${testWorkload.name} (${why})` : ""}.${skipped.length > 0 ? ` Never a crash-looping or unready one, whose own failures would hide a sidecar problem. Passed over: ${skipped.slice(0, 4).join("; ")}${skipped.length > 4 ? ` and ${skipped.length - 4} more` : ""}.` : ""}`
      : meshed.length > 0
        ? "every namespace in scope with workloads is already in the mesh: nothing to move."
        : "start with the least important service (no workload in the inputs).",
    commands: !testNamespace && meshed.length > 0 ? [] : testNamespace
      ? [`kubectl label namespace ${testNamespace} istio-injection=enabled`, testWorkload ? `kubectl rollout restart ${testWorkload.kind.toLowerCase()}/${testWorkload.name} -n ${testNamespace}` : `kubectl rollout restart deployment -n ${testNamespace}`]
      : ["kubectl label namespace <test-ns> istio-injection=enabled", "kubectl rollout restart deployment/<test-service> -n <test-ns>"],
    confirm: [`kubectl get pods -n ${testNamespace ?? "<test-ns>"}   # READY 2/2 (App + Sidecar); 1/2 means a sidecar problem`],
  };
  const phase3: Phase = {
    phase: 3,
    title: "Move the core services, stateless first",
    goal: "one service at a time; stateful ones last and carefully (a restart may mean downtime).",
    commands: [
      ...[...(testNamespace ? [testNamespace] : []), ...rest].flatMap((namespace) => [
        ...(namespace === testNamespace ? [] : [`kubectl label namespace ${namespace} istio-injection=enabled`]),
        ...stateless.filter((workload) => workload.namespace === namespace).map((workload) => `kubectl rollout restart ${workload.kind.toLowerCase()}/${workload.name} -n ${workload.namespace}`),
      ]),
      ...stateful.map((workload) => `kubectl rollout restart statefulset/${workload.name} -n ${workload.namespace}   # stateful: plan for downtime`),
      ...(meshed.length > 0 ? [`# already in the mesh: ${meshed.join(", ")}`] : []),
      ...(optedOut.length > 0 ? [`# opted out (istio-injection=disabled), left alone: ${optedOut.join(", ")}`] : []),
    ],
    confirm: [...new Set([...stateless, ...stateful].map((workload) => workload.namespace))].map((namespace) => `kubectl get pods -n ${namespace}   # READY 2/2`),
  };
  const phase4: Phase = {
    phase: 4,
    title: "Turn on traffic management",
    goal: "once every service is stable: VirtualService/DestinationRule (canary weights, retries), validated before each apply.",
    commands: [...[...meshed, ...candidates].sort().map((namespace) => `istioctl analyze -n ${namespace}`), "kubectl apply -f virtualservice.yaml   # e.g. weight 90/10 between subsets v1 and v2"],
    confirm: ["istioctl analyze -A   # no errors", "istioctl dashboard kiali"],
  };
  return [phase1, phase2, phase3, phase4];
}

function injectionState(view: ClusterView, namespace: string): "enabled" | "disabled" | "none" {
  const labels = namespaceLabels(view, namespace);
  if (labels["istio-injection"] === "disabled") return "disabled";
  if (labels["istio-injection"] === "enabled" || labels["istio.io/rev"] !== undefined) return "enabled";
  return view.kindIn("Pod", namespace).some((pod) => hasSidecar(pod)) ? "enabled" : "none";
}

function testScore(view: ClusterView, namespace: string): number {
  if (isProductionNamespace(view, namespace)) return -10;
  return /(?:^|-)(?:test|dev|sandbox|demo|staging|stage|qa)(?:-|$)/.test(namespace) ? 10 : 0;
}

function countIn(workloads: WorkloadInfo[], namespace: string): number {
  return workloads.filter((workload) => workload.namespace === namespace).length;
}

/** The rollback, step by step, for the namespaces moved. */
function rollbackSteps(namespaces: string[]): Phase[] {
  const targets = namespaces.length > 0 ? namespaces : ["<ns>"];
  return [
    {
      phase: 1,
      title: "Remove VirtualServices and DestinationRules",
      goal: "traffic goes back to plain Kubernetes routing.",
      commands: targets.flatMap((namespace) => [`kubectl delete virtualservice --all -n ${namespace}`, `kubectl delete destinationrule --all -n ${namespace}`]),
      confirm: [],
    },
    {
      phase: 2,
      title: "Remove the sidecars (namespace label, restart)",
      goal: "pods come back 1/1 without istio-proxy.",
      commands: targets.flatMap((namespace) => [`kubectl label namespace ${namespace} istio-injection-`, `kubectl rollout restart deployment --all -n ${namespace}`]),
      confirm: targets.map((namespace) => `kubectl get pods -n ${namespace}   # READY 1/1`),
    },
    {
      phase: 3,
      title: "Remove Istio completely (last resort)",
      goal: "usually steps 1-2 are enough.",
      commands: ["istioctl uninstall --purge -y", "kubectl delete namespace istio-system"],
      confirm: [],
    },
  ];
}
