// Builders for Kubernetes objects as `kubectl get -o json` prints them (Kubernetes 1.32, containerd 2.0,
// Istio 1.27). Shared by the lab generator (examples/lab-generator/generate.mjs) and the benchmark
// generator (bench/generate-snapshot.mjs). Everything is deterministic: uids, hashes and container ids
// are derived from names, so regenerating gives byte-identical files.
import { createHash } from "node:crypto";

export const KUBELET_VERSION = "v1.32.2";
export const ISTIO_VERSION = "1.27.0";
export const PROXY_IMAGE = `docker.io/istio/proxyv2:${ISTIO_VERSION}`;

const HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export function sha(text, algorithm = "sha256") {
  return createHash(algorithm).update(text).digest("hex");
}

export function uid(key) {
  const h = sha(`uid:${key}`, "sha1");
  const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Characters from the alphabet Kubernetes uses for pod-template-hash and generated name suffixes. */
export function kubeHash(key, length) {
  const bytes = createHash("sha256").update(key).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += HASH_ALPHABET[bytes[i] % HASH_ALPHABET.length];
  return out;
}

export function containerId(key) {
  return `containerd://${sha(`cid:${key}`)}`;
}

export function imageId(image) {
  const [repo] = image.split(":");
  const full = repo.includes("/") ? (repo.split("/")[0].includes(".") ? repo : `docker.io/${repo}`) : `docker.io/library/${repo}`;
  return `${full}@sha256:${sha(`image:${image}`)}`;
}

/** Sorts keys the way kubectl's JSON printer does (alphabetically), recursively. */
export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  }
  return value;
}

export function list(items) {
  return { apiVersion: "v1", items: items.map(sortKeys), kind: "List", metadata: { resourceVersion: "" } };
}

let resourceVersion = 4000;
export function nextResourceVersion() {
  resourceVersion += 37;
  return String(resourceVersion);
}
export function resetResourceVersion(start = 4000) {
  resourceVersion = start;
}

// ---------------------------------------------------------------- containers

const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

export function probeDefaults(probe) {
  if (!probe) return undefined;
  const out = { failureThreshold: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1, ...probe };
  if (out.httpGet) out.httpGet = { scheme: "HTTP", ...out.httpGet };
  return out;
}

/** A container as the API server stores it in a pod template (defaults filled in). */
export function templateContainer(spec) {
  const image = spec.image;
  const tagless = !image.includes(":") || image.endsWith(":latest");
  const out = {
    imagePullPolicy: tagless ? "Always" : "IfNotPresent",
    resources: {},
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    ...spec,
  };
  for (const key of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    if (out[key]) out[key] = probeDefaults(out[key]);
  }
  if (out.ports) out.ports = out.ports.map((port) => ({ protocol: "TCP", ...port }));
  return out;
}

export function templateSpec(spec) {
  return {
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Always",
    schedulerName: "default-scheduler",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    ...spec,
    ...(spec.serviceAccountName ? { serviceAccount: spec.serviceAccountName } : {}),
    containers: spec.containers.map(templateContainer),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(templateContainer) } : {}),
  };
}

/** The pod spec the API server and scheduler produce from a template: token volume, node, tolerations. */
export function podSpecFromTemplate(templateSpecValue, { podName, nodeName }) {
  const tokenVolume = `kube-api-access-${kubeHash(`token:${podName}`, 5)}`;
  const mount = { mountPath: TOKEN_MOUNT_PATH, name: tokenVolume, readOnly: true };
  const withMount = (container) => ({ ...container, volumeMounts: [...(container.volumeMounts ?? []), mount] });
  const spec = {
    enableServiceLinks: true,
    preemptionPolicy: "PreemptLowerPriority",
    priority: 0,
    serviceAccount: templateSpecValue.serviceAccountName ?? "default",
    serviceAccountName: "default",
    ...structuredClone(templateSpecValue),
    tolerations: [
      { effect: "NoExecute", key: "node.kubernetes.io/not-ready", operator: "Exists", tolerationSeconds: 300 },
      { effect: "NoExecute", key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 300 },
    ],
  };
  if (nodeName) spec.nodeName = nodeName;
  spec.containers = spec.containers.map(withMount);
  if (spec.initContainers) spec.initContainers = spec.initContainers.map(withMount);
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name: tokenVolume,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
          { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
        ],
      },
    },
  ];
  return spec;
}

export function qosClass(containers) {
  let anyRequest = false;
  let guaranteed = true;
  for (const container of containers) {
    const { requests = {}, limits = {} } = container.resources ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) anyRequest = true;
    for (const resource of ["cpu", "memory"]) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (!limit || request !== limit) guaranteed = false;
    }
  }
  if (!anyRequest) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

// ---------------------------------------------------------------- container states

export const state = {
  running: (startedAt) => ({ running: { startedAt } }),
  waiting: (reason, message) => ({ waiting: message ? { message, reason } : { reason } }),
  terminated: ({ reason, exitCode, startedAt, finishedAt, containerID, message }) => ({
    terminated: { containerID, exitCode, finishedAt, ...(message ? { message } : {}), reason, startedAt },
  }),
};

/** The message kubelet puts on a container waiting out its crash back-off. */
export function backOffMessage(delay, container, pod) {
  return `back-off ${delay} restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/**
 * One containerStatuses entry. `current` and `last` are state objects; `ready`, `started`, `restartCount`
 * as the kubelet reports them. A running or terminated current state gets a containerID.
 */
export function containerStatus({ pod, container, current, last, ready = false, started, restartCount = 0, pulled = true, instance = restartCount }) {
  const out = {
    image: container.image,
    imageID: pulled ? imageId(container.image) : "",
    lastState: last ?? {},
    name: container.name,
    ready,
    restartCount,
    started: current.waiting ? false : (started ?? Boolean(current.running)),
    state: current,
  };
  if (current.running || current.terminated) out.containerID = containerId(`${pod}/${container.name}/${instance}`);
  if (current.terminated && !current.terminated.containerID) current.terminated.containerID = out.containerID;
  if (out.lastState.terminated && !out.lastState.terminated.containerID) {
    out.lastState.terminated.containerID = containerId(`${pod}/${container.name}/${Math.max(0, instance - 1)}`);
  }
  const mounts = container.volumeMounts ?? [];
  if (mounts.length) {
    out.volumeMounts = mounts.map((mount) => ({ mountPath: mount.mountPath, name: mount.name, ...(mount.readOnly ? { readOnly: true, recursiveReadOnly: "Disabled" } : {}) }));
  }
  return out;
}

export function condition(type, status, lastTransitionTime, reason, message) {
  return { lastProbeTime: null, lastTransitionTime, ...(message ? { message } : {}), ...(reason ? { reason } : {}), status, type };
}
