// Fixture helpers for the test control plane: objects created through the
// API as controllers and kubelets would create them. Pod status is written
// through the status subresource exactly as a kubelet reports it; events are
// core/v1 Events from source kubelet; container logs are CRI log files that
// kwok serves through the real pods/log API (current and --previous).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const NODE_NAME = "kwok-node-1";

async function must(plane, method, path, body, headers) {
  const response = await plane.request(method, path, body, headers);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${typeof response.body === "string" ? response.body : JSON.stringify(response.body).slice(0, 400)}`);
  return response.body;
}

export const create = (plane, path, body) => must(plane, "POST", path, body);

export async function createNamespace(plane, name, labels = {}) {
  return create(plane, "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
}

/** A node kwok manages: kwok fills its status (Ready, addresses, kubelet port) so the API server can reach "its kubelet" for logs. */
export async function createNode(plane, name = NODE_NAME) {
  await create(plane, "/api/v1/nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", type: "kwok" }, annotations: { "kwok.x-k8s.io/node": "fake" } },
    spec: {},
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const node = await must(plane, "GET", `/api/v1/nodes/${name}`);
    const ready = (node.status?.conditions ?? []).find((condition) => condition.type === "Ready");
    if (ready?.status === "True" && node.status?.daemonEndpoints?.kubeletEndpoint?.Port) return node;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`node ${name} did not become Ready through kwok`);
}

/** Deployment -> ReplicaSet -> pods, with owner references as the controllers set them. */
export async function createDeployment(plane, namespace, name, { hash, podTemplate, replicas = 1, labels = { app: name } }) {
  const deployment = await create(plane, `/apis/apps/v1/namespaces/${namespace}/deployments`, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podTemplate } },
  });
  const replicaSet = await create(plane, `/apis/apps/v1/namespaces/${namespace}/replicasets`, {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${name}-${hash}`,
      namespace,
      labels: { ...labels, "pod-template-hash": hash },
      annotations: { "deployment.kubernetes.io/revision": "1" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid: deployment.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...labels, "pod-template-hash": hash } },
      template: { metadata: { labels: { ...labels, "pod-template-hash": hash } }, spec: podTemplate },
    },
  });
  return { deployment, replicaSet };
}

/** A pod bound to the kwok node (no scheduler runs), owned by a ReplicaSet when given. */
export async function createPod(plane, namespace, name, { spec, labels = {}, annotations, owner }) {
  return create(plane, `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      labels,
      ...(annotations ? { annotations } : {}),
      ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { nodeName: NODE_NAME, ...spec },
  });
}

/** Writes pod status through the status subresource, as the kubelet does. */
export async function setPodStatus(plane, namespace, name, status) {
  return must(plane, "PATCH", `/api/v1/namespaces/${namespace}/pods/${name}/status`, { status }, { "Content-Type": "application/merge-patch+json" });
}

/** A core/v1 Event as the kubelet records it (count and first/last timestamps aggregated). */
export async function createEvent(plane, pod, { type = "Warning", reason, message, count = 1, fieldPath, first, last }) {
  const namespace = pod.metadata.namespace;
  return create(plane, `/api/v1/namespaces/${namespace}/events`, {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${pod.metadata.name}.${Math.random().toString(16).slice(2, 18)}`, namespace },
    involvedObject: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name, namespace, uid: pod.metadata.uid, ...(fieldPath ? { fieldPath } : {}) },
    reason,
    message,
    type,
    count,
    firstTimestamp: first,
    lastTimestamp: last ?? first,
    source: { component: "kubelet", host: NODE_NAME },
    reportingComponent: "kubelet",
    reportingInstance: NODE_NAME,
  });
}

/** CRI log format ("<RFC3339Nano> stdout F <line>"), which kwok reads back as the kubelet does. */
export function criLog(lines, start = new Date("2025-06-02T09:14:03Z")) {
  return lines.map((line, index) => `${new Date(start.getTime() + index * 1000).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z")} stdout F ${line}`).join("\n") + "\n";
}

/**
 * Makes `kubectl logs POD -c CONTAINER [--previous]` return these lines: writes
 * the files and a kwok Logs object pointing at them.
 */
export async function setContainerLogs(plane, namespace, pod, containers) {
  const folder = join(plane.dir, "container-logs", namespace, pod);
  mkdirSync(folder, { recursive: true });
  const logs = Object.entries(containers).map(([container, { current = [], previous }]) => {
    const logsFile = join(folder, `${container}.log`);
    writeFileSync(logsFile, criLog(current));
    const entry = { containers: [container], logsFile };
    if (previous) {
      const previousLogsFile = join(folder, `${container}.previous.log`);
      writeFileSync(previousLogsFile, criLog(previous));
      entry.previousLogsFile = previousLogsFile;
    }
    return entry;
  });
  await create(plane, `/apis/kwok.x-k8s.io/v1alpha1/namespaces/${namespace}/logs`, { apiVersion: "kwok.x-k8s.io/v1alpha1", kind: "Logs", metadata: { name: pod, namespace }, spec: { logs } });
}

/** Waits until the API server returns the log through kwok (kwok picks Logs objects up by watch). */
export async function waitForLog(plane, namespace, pod, container, previous = false) {
  const deadline = Date.now() + 30_000;
  let last;
  while (Date.now() < deadline) {
    last = await plane.request("GET", `/api/v1/namespaces/${namespace}/pods/${pod}/log?container=${container}${previous ? "&previous=true" : ""}`, undefined, { Accept: "*/*" });
    if (last.status === 200 && last.text.length > 0) return last.text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`log of ${namespace}/${pod}/${container}${previous ? " (previous)" : ""} not served: ${last?.status} ${last?.text?.slice(0, 300)}`);
}

/** CRDs for the Istio kinds ktriage reads (schema left open, as a test stand-in for Istio's own CRDs). */
export function istioCrds(groups = ["networking.istio.io", "security.istio.io"]) {
  const kinds = {
    "networking.istio.io": [
      ["VirtualService", "virtualservices"],
      ["DestinationRule", "destinationrules"],
      ["Gateway", "gateways"],
      ["ServiceEntry", "serviceentries"],
      ["Sidecar", "sidecars"],
      ["EnvoyFilter", "envoyfilters"],
      ["WorkloadEntry", "workloadentries"],
    ],
    "security.istio.io": [
      ["PeerAuthentication", "peerauthentications"],
      ["AuthorizationPolicy", "authorizationpolicies"],
      ["RequestAuthentication", "requestauthentications"],
    ],
  };
  return groups.flatMap((group) =>
    kinds[group].map(([kind, plural]) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${plural}.${group}`, labels: { app: "istio-pilot", "istio.io/rev": "default" } },
      spec: {
        group,
        names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), categories: ["istio-io", group.split(".")[0] + "-istio-io"] },
        scope: "Namespaced",
        versions: ["v1", "v1beta1"].map((name, index) => ({
          name,
          served: true,
          storage: index === 0,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        })),
      },
    })),
  );
}

export async function installIstioCrds(plane, groups) {
  for (const crd of istioCrds(groups)) await create(plane, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  const deadline = Date.now() + 30_000;
  for (const group of groups ?? ["networking.istio.io", "security.istio.io"]) {
    while (Date.now() < deadline) {
      const discovery = await plane.request("GET", `/apis/${group}/v1`);
      if (discovery.status === 200 && (discovery.body.resources ?? []).length >= istioCrds([group]).length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
