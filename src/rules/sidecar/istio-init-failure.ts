import { defineRule, type Report } from "../../contract/rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import type { Evidence, Fix } from "../../model/finding.js";
import type { EventRecord } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import { eventEvidence, logEvidence, ns, specEvidence, statusEvidence } from "./evidence.js";
import { resourceOf } from "../../contract/resource.js";
import { injectionDecision } from "../../istio/injection-decision.js";
import { findInLogs, INIT_SIGNATURES } from "../../istio/proxy-log-signatures.js";
import { namespaceLabels } from "../../k8s/namespaces.js";
import { containerStatus, SYSTEM_NAMESPACES } from "../../istio/pods.js";
import { meshSubjects } from "../../istio/mesh-subjects.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { kubectlRef } from "../../k8s/workload-changes.js";
import { templateOwnerOf } from "../../k8s/workloads.js";

const INIT_NAMES = ["istio-init", "istio-validation"];
const PSA_ISTIO_INIT = /violates PodSecurity "(restricted|baseline)(?::[\w.]+)?".*container "istio-init"/;
const CNI_SANDBOX = /plugin type="istio-cni" name="istio-cni" failed/;
const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

export const istioInitFailure = defineRule({
  id: "sidecar/istio-init-failure",
  category: "istio-init-failure",
  severity: "error",
  title: "istio-init or the Istio CNI cannot set up traffic capture",
  docs: {
    cause:
      "Before the app starts, istio-init runs istio-iptables to redirect the pod's traffic to Envoy (15001 out, 15006 in). It needs the NET_ADMIN and NET_RAW capabilities and runs as root. " +
      "A namespace that enforces the `restricted` (or `baseline`) Pod Security level rejects such pods outright; a node without the iptables nat table, or capabilities removed " +
      "by an admission policy, makes istio-init exit non-zero (Init:CrashLoopBackOff). With the Istio CNI the same work happens in the CNI plugin, whose failures show as FailedCreatePodSandBox.",
    fix:
      "Install Istio with the CNI plugin (components.cni.enabled=true), which removes istio-init and its privileges so pods pass the restricted Pod Security level; " +
      "or let the namespace run privileged pods. For iptables errors on the node, load the nat table (iptable_nat / nf_tables) or use the CNI.",
    verify: ["kubectl get pods -n <ns>   # Init:... gone, READY 2/2", "kubectl logs <pod> -n <ns> -c istio-init", "kubectl get events -n <ns> --field-selector reason=FailedCreate"],
    references: ["https://istio.io/latest/docs/setup/additional-setup/cni/", "https://istio.io/latest/docs/setup/additional-setup/pod-security-admission/"],
  },
  equivalents: [],
  inputs: ["workloads", "events", "logs", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "MutatingWebhookConfiguration", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose", "lint"],
  messages: {
    "init-container-fails": "{container} fails ({reason}): the pod's traffic capture cannot be set up",
    "cni-sandbox-fails": "the Istio CNI plugin fails to set up the pod's network: the pod stays ContainerCreating",
    "pod-security-rejects-init": "Pod Security \"{level}\" in {namespace} rejects the injected istio-init (NET_ADMIN, NET_RAW, root): no pod can be created",
    "pod-security-will-reject-init": "{kind} {name} will be injected with istio-init, which Pod Security \"{level}\" in {namespace} rejects",
  },
  analyze({ view, report }) {
    const reported = new Set<string>();
    for (const pod of view.kind("Pod")) {
      if (SYSTEM_NAMESPACES.has(pod.metadata.namespace ?? "") || !view.inScope(pod.metadata.namespace)) continue;
      const finding = initContainerFailure(view, pod) ?? cniSandboxFailure(view, pod);
      if (finding) {
        report(finding);
        reported.add(`${pod.metadata.namespace}/${templateOwnerOf(view, pod).name}`);
      }
    }
    for (const event of view.eventsWithReason("FailedCreate")) {
      if (!PSA_ISTIO_INIT.test(event.message)) continue;
      const namespace = appliedNamespace(event.involved.namespace);
      if (!view.inScope(namespace)) continue;
      const finding = podSecurityRejection(view, event);
      const key = `${namespace}/${finding.resource!.name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      report(finding);
    }
    if (view.mode === "lint" || view.kind("Pod").length === 0) for (const finding of restrictedNamespaceTemplates(view, reported)) report(finding);
  },
});

function initContainerFailure(view: ClusterView, pod: KubeObject): Report | undefined {
  for (const name of INIT_NAMES) {
    const status = containerStatus(pod, name);
    if (!status) continue;
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    const failing = (terminated && terminated.exitCode !== 0) || status.state?.waiting?.reason === "CrashLoopBackOff";
    if (!failing) continue;
    const namespace = appliedNamespace(pod.metadata.namespace);
    const permission = findInLogs(view, namespace, pod.metadata.name, name, INIT_SIGNATURES.permission, 3);
    const iptables = findInLogs(view, namespace, pod.metadata.name, name, INIT_SIGNATURES.iptables, 3);
    const evidence: Evidence[] = [
      statusEvidence(pod, name, terminated ? (status.state?.terminated ? "state.terminated" : "lastState.terminated") : "state.waiting", `${name}: ${status.state?.waiting?.reason ?? terminated?.reason ?? "failed"}${terminated ? `, exit code ${terminated.exitCode}` : ""}, restarts ${status.restartCount ?? 0}`),
      ...[...permission, ...iptables.filter((hit) => !permission.some((other) => other.index === hit.index))].slice(0, 4).map(logEvidence),
    ];
    const owner = templateOwnerOf(view, pod);
    const missingPrivilege = permission.length > 0;
    const cause = missingPrivilege
      ? `${name} could not change the pod's iptables rules: it lacks NET_ADMIN/NET_RAW or root (an admission policy, SecurityContextConstraints or runtime removed them), so traffic capture is never set up and the app containers never start.`
      : `${name} exited with an error while setting up iptables redirection${iptables.length > 0 ? " (see the log lines)" : ""}: the node's iptables (nat table, legacy vs nf_tables) did not accept the rules, so the pod never starts.`;
    return {
      confidence: permission.length + iptables.length > 0 ? 0.95 : 0.85,
      object: pod, container: name,
      message: "init-container-fails",
      data: { container: name, reason: missingPrivilege ? "iptables: permission denied" : terminated ? `exit code ${terminated.exitCode}` : "CrashLoopBackOff" },
      evidence,
      cause,
      fix: () => cniFix(namespace, owner.kind === "Pod" ? `pod/${owner.name}` : kubectlRef(owner), missingPrivilege),
      verify: [`kubectl get pods${ns(namespace)}   # no Init:CrashLoopBackOff, READY 2/2`, `kubectl logs ${pod.metadata.name}${ns(namespace)} -c ${name}`],
    };
  }
  return undefined;
}

function cniSandboxFailure(view: ClusterView, pod: KubeObject): Report | undefined {
  const namespace = appliedNamespace(pod.metadata.namespace);
  const events = view.eventsFor("Pod", namespace, pod.metadata.name ?? "").filter((event) => event.reason === "FailedCreatePodSandBox" && CNI_SANDBOX.test(event.message));
  if (events.length === 0) return undefined;
  const ztunnel = events.some((event) => /ztunnel/.test(event.message));
  return {
    confidence: 0.9,
    object: pod,
    message: "cni-sandbox-fails",
    evidence: events.slice(0, 2).map(eventEvidence),
    cause: ztunnel
      ? "The istio-cni plugin cannot hand the pod to ztunnel on its node (no ztunnel connection), so the sandbox is never created."
      : "The istio-cni plugin failed while adding the pod to the network, so the kubelet cannot create the pod sandbox.",
    fix: {
      description: "Look at the istio-cni (and ztunnel) pods on the pod's node; restart the unhealthy one. The kubelet retries the sandbox on its own.",
      commands: [
        `kubectl get pods -n istio-system -o wide -l k8s-app=istio-cni-node`,
        ...(ztunnel ? ["kubectl get pods -n istio-system -o wide -l app=ztunnel", "kubectl logs -n istio-system -l app=ztunnel --tail=50"] : ["kubectl logs -n istio-system -l k8s-app=istio-cni-node --tail=50"]),
      ],
    },
    verify: [`kubectl get pod ${pod.metadata.name}${ns(namespace)}   # Running`, `kubectl get events${ns(namespace)} --field-selector involvedObject.name=${pod.metadata.name},reason=FailedCreatePodSandBox`],
  };
}

function podSecurityRejection(view: ClusterView, event: EventRecord): Report {
  const namespace = appliedNamespace(event.involved.namespace);
  const level = PSA_ISTIO_INIT.exec(event.message)?.[1] ?? "restricted";
  const replicaSet = view.get(event.involved.kind, namespace, event.involved.name);
  const deployRef = replicaSet?.metadata.ownerReferences?.find((ref) => ref.kind === "Deployment");
  const hashMatch = /^(.*)-[a-z0-9]{8,10}$/.exec(event.involved.name);
  const ownerName = event.involved.kind === "ReplicaSet" ? (deployRef?.name ?? hashMatch?.[1] ?? event.involved.name) : event.involved.name;
  const ownerKind = event.involved.kind === "ReplicaSet" ? "Deployment" : event.involved.kind;
  const ownerObject = view.get(ownerKind, namespace, ownerName) ?? replicaSet;
  const evidence: Evidence[] = [eventEvidence(event)];
  const nsObject = view.get("Namespace", undefined, namespace);
  if (nsObject?.metadata.labels?.[PSA_ENFORCE]) evidence.push(specEvidence(view, nsObject, ["metadata", "labels", PSA_ENFORCE], `namespace ${namespace}: ${PSA_ENFORCE}=${nsObject.metadata.labels[PSA_ENFORCE]}`));
  const resource = ownerObject ? resourceOf(view, ownerObject, undefined) : { kind: ownerKind, namespace, name: ownerName };
  return {
    confidence: 0.95,
    resource: { ...resource, container: "istio-init" },
    message: "pod-security-rejects-init",
    data: { level, namespace },
    evidence,
    cause: `The namespace enforces the ${level} Pod Security level. The injector adds istio-init, which needs NET_ADMIN and NET_RAW and runs as root to set up iptables, so the API server rejects every new pod of ${ownerKind} ${ownerName}.`,
    fix: () => cniFix(namespace, `${ownerKind.toLowerCase()}/${ownerName}`, true, level),
    verify: [`kubectl get ${event.involved.kind.toLowerCase()} ${event.involved.name}${ns(namespace)}   # READY matches DESIRED`, `kubectl get events${ns(namespace)} --field-selector reason=FailedCreate`, `kubectl get pods${ns(namespace)}   # READY 2/2`],
  };
}

function restrictedNamespaceTemplates(view: ClusterView, reported: Set<string>): Report[] {
  const findings: Report[] = [];
  const cniInstalled = view.kind("DaemonSet").some((ds) => ds.metadata.name === "istio-cni-node");
  if (cniInstalled) return findings;
  for (const subject of meshSubjects(view)) {
    if (subject.pod) continue;
    const level = namespaceLabels(view, subject.namespace)[PSA_ENFORCE];
    if (level !== "restricted" && level !== "baseline") continue;
    if (reported.has(`${subject.namespace}/${subject.owner.name}`)) continue;
    if (!injectionDecision(view, subject.namespace, subject, subject.spec.hostNetwork === true).injected) continue;
    const nsObject = view.get("Namespace", undefined, subject.namespace)!;
    findings.push({
      confidence: 0.8,
      object: subject.object, container: "istio-init",
      message: "pod-security-will-reject-init",
      data: { kind: subject.owner.kind, name: subject.owner.name, level, namespace: subject.namespace },
      evidence: [specEvidence(view, nsObject, ["metadata", "labels", PSA_ENFORCE], `namespace ${subject.namespace}: ${PSA_ENFORCE}=${level} and sidecar injection enabled; no istio-cni-node DaemonSet in the inputs`)],
      cause: `Without the Istio CNI, every injected pod carries istio-init with NET_ADMIN, NET_RAW and runAsUser 0, which the ${level} Pod Security level forbids: the pods will not be created.`,
      fix: () => cniFix(subject.namespace, kubectlRef(subject.owner), true, level),
      verify: [`kubectl get pods${ns(subject.namespace)}   # READY 2/2`, `kubectl get events${ns(subject.namespace)} --field-selector reason=FailedCreate`],
    });
  }
  return findings;
}

function cniFix(namespace: string, workload: string, privilege: boolean, level?: string): Fix {
  const commands = [
    "istioctl install --set components.cni.enabled=true -y   # the CNI plugin replaces istio-init",
    "kubectl get pods -n istio-system -l k8s-app=istio-cni-node",
    `kubectl rollout restart ${workload}${ns(namespace)}`,
  ];
  if (level) commands.push(`# or, if the namespace may run privileged pods: kubectl label namespace ${namespace} ${PSA_ENFORCE}=privileged --overwrite`);
  else if (!privilege) commands.splice(0, 0, "# on each node: modprobe iptable_nat (or use the nf_tables iptables the node ships)");
  return {
    description: privilege
      ? "Use the Istio CNI plugin so pods no longer need istio-init's NET_ADMIN/NET_RAW and root; pods then pass the restricted Pod Security level."
      : "Make iptables work on the node (nat table available) or move traffic capture to the Istio CNI plugin.",
    commands,
  };
}
