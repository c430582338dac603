#!/usr/bin/env node
// Writes examples/lab: a ktriage snapshot of a kind cluster (Kubernetes 1.32, containerd 2.0,
// Istio 1.27) that reproduces every scenario of docs/lab.md, next to healthy workloads.
//
//   node examples/lab-generator/generate.mjs [out-dir]
//
// The output is deterministic; examples/lab/expected.tsv lists what each scenario should be diagnosed as.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Cluster, addSeconds } from "./cluster.mjs";
import { KUBELET_VERSION, PROXY_IMAGE, condition, kubeHash, state, uid } from "./kube.mjs";
import { accessLine, micro, proxyStartLines, proxyStopLines, requestId } from "./logs.mjs";
import { backOffEventCount, crashLoop } from "./timeline.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(process.argv[2] ?? resolve(HERE, "../lab"));
const CAPTURED = "2025-06-02T10:45:00Z";

const NODES = [
  { name: "lab-control-plane", ip: "172.18.0.2", podPrefix: "10.244.0", cidr: "10.244.0.0/24", role: "control-plane" },
  { name: "lab-worker", ip: "172.18.0.3", podPrefix: "10.244.1", cidr: "10.244.1.0/24" },
  { name: "lab-worker2", ip: "172.18.0.4", podPrefix: "10.244.2", cidr: "10.244.2.0/24" },
];

const lab = new Cluster({ date: "2025-06-02", capturedAt: CAPTURED, nodes: NODES });
const t = (time) => lab.t(time);
const expected = [];

function expect(scenario, kind, namespace, name, container, category) {
  expected.push([scenario, kind, namespace, name, container ?? "", category]);
}
function healthy(kind, namespace, name) {
  expected.push(["healthy", kind, namespace, name, "", "none"]);
}

// ============================================================== cluster

for (const node of NODES) {
  const controlPlane = node.role === "control-plane";
  lab.add({
    apiVersion: "v1",
    kind: "Node",
    metadata: lab.meta("Node", undefined, node.name, "2025-05-26T08:12:31Z", {
      annotations: {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
      labels: {
        "beta.kubernetes.io/arch": "arm64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "arm64",
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        ...(controlPlane ? { "node-role.kubernetes.io/control-plane": "", "node.kubernetes.io/exclude-from-external-load-balancers": "" } : {}),
      },
    }),
    spec: {
      podCIDR: node.cidr,
      podCIDRs: [node.cidr],
      providerID: `kind://docker/lab/${node.name}`,
      ...(controlPlane ? { taints: [{ effect: "NoSchedule", key: "node-role.kubernetes.io/control-plane" }] } : {}),
    },
    status: {
      addresses: [
        { address: node.ip, type: "InternalIP" },
        { address: node.name, type: "Hostname" },
      ],
      allocatable: { cpu: "8", "ephemeral-storage": "61202244Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "hugepages-32Mi": "0", "hugepages-64Ki": "0", memory: "8029304Ki", pods: "110" },
      capacity: { cpu: "8", "ephemeral-storage": "61202244Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "hugepages-32Mi": "0", "hugepages-64Ki": "0", memory: "8029304Ki", pods: "110" },
      conditions: [
        condition("MemoryPressure", "False", "2025-05-26T08:12:29Z", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        condition("DiskPressure", "False", "2025-05-26T08:12:29Z", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "2025-05-26T08:12:29Z", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        condition("Ready", "True", "2025-05-26T08:12:51Z", "KubeletReady", "kubelet is posting ready status"),
      ].map(({ lastProbeTime, ...rest }) => ({ ...rest, lastHeartbeatTime: "2025-06-02T10:44:12Z" })),
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: "arm64",
        bootID: uid(`boot/${node.name}`),
        containerRuntimeVersion: "containerd://2.0.2",
        kernelVersion: "6.10.14-linuxkit",
        kubeProxyVersion: KUBELET_VERSION,
        kubeletVersion: KUBELET_VERSION,
        machineID: uid(`machine/${node.name}`).replaceAll("-", ""),
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        systemUUID: uid(`system/${node.name}`),
      },
    },
  });
}

function namespace(name, labels = {}, created = "2025-06-02T09:58:10Z") {
  lab.add({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: lab.meta("Namespace", undefined, name, created, { labels: { "kubernetes.io/metadata.name": name, ...labels } }),
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  });
}
const INJECTED = { "istio-injection": "enabled" };

namespace("default", {}, "2025-05-26T08:12:33Z");
namespace("kube-system", {}, "2025-05-26T08:12:33Z");
namespace("istio-system", {}, "2025-05-26T08:31:02Z");

lab.add({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: lab.meta("StorageClass", undefined, "standard", "2025-05-26T08:12:40Z", { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }),
  provisioner: "rancher.io/local-path",
  reclaimPolicy: "Delete",
  volumeBindingMode: "WaitForFirstConsumer",
});

lab.add({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "MutatingWebhookConfiguration",
  metadata: lab.meta("MutatingWebhookConfiguration", undefined, "istio-sidecar-injector", "2025-05-26T08:31:20Z", {
    generation: 3,
    labels: { app: "sidecar-injector", "istio.io/rev": "default", "operator.istio.io/component": "Pilot", release: "istio" },
  }),
  webhooks: [
    {
      admissionReviewVersions: ["v1beta1", "v1"],
      clientConfig: { service: { name: "istiod", namespace: "istio-system", path: "/inject", port: 443 } },
      failurePolicy: "Fail",
      matchPolicy: "Equivalent",
      name: "namespace.sidecar-injector.istio.io",
      namespaceSelector: { matchExpressions: [{ key: "istio-injection", operator: "In", values: ["enabled"] }] },
      objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] },
      reinvocationPolicy: "Never",
      rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"], scope: "*" }],
      sideEffects: "None",
      timeoutSeconds: 10,
    },
    {
      admissionReviewVersions: ["v1beta1", "v1"],
      clientConfig: { service: { name: "istiod", namespace: "istio-system", path: "/inject", port: 443 } },
      failurePolicy: "Fail",
      matchPolicy: "Equivalent",
      name: "object.sidecar-injector.istio.io",
      namespaceSelector: { matchExpressions: [{ key: "istio-injection", operator: "DoesNotExist" }, { key: "istio.io/rev", operator: "DoesNotExist" }] },
      objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "In", values: ["true"] }, { key: "istio.io/rev", operator: "DoesNotExist" }] },
      reinvocationPolicy: "Never",
      rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"], scope: "*" }],
      sideEffects: "None",
      timeoutSeconds: 10,
    },
  ],
});

// ------------------------------------------------------------- shared helpers

let serviceIpCounter = 0;
function service(ns, name, { ports, selector, type = "ClusterIP", clusterIP, headless = false, created = "2025-06-02T09:58:12Z", labels }) {
  const ip = headless ? "None" : clusterIP ?? `10.96.${(serviceIpCounter * 37 + 40) % 250}.${(serviceIpCounter++ * 53 + 11) % 250}`;
  return lab.add({
    apiVersion: "v1",
    kind: "Service",
    metadata: lab.meta("Service", ns, name, created, { labels: labels ?? { app: name } }),
    spec: {
      clusterIP: ip,
      clusterIPs: [ip],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: ports.map((port) => ({ protocol: "TCP", ...port })),
      ...(selector ? { selector } : {}),
      sessionAffinity: "None",
      type,
      ...(type === "NodePort" || type === "LoadBalancer" ? { externalTrafficPolicy: "Cluster" } : {}),
    },
    status: { loadBalancer: {} },
  });
}

function secret(ns, name, keys, created = "2025-06-02T09:58:12Z") {
  // Snapshots hold Secret keys only; values are never written.
  return lab.add({
    apiVersion: "v1",
    data: Object.fromEntries(keys.map((key) => [key, ""])),
    kind: "Secret",
    metadata: lab.meta("Secret", ns, name, created),
    type: "Opaque",
  });
}

function configMap(ns, name, data, created = "2025-06-02T09:58:12Z", labels) {
  return lab.add({ apiVersion: "v1", data, kind: "ConfigMap", metadata: lab.meta("ConfigMap", ns, name, created, labels ? { labels } : {}) });
}

function rootCaConfigMaps(ns, mesh) {
  configMap(ns, "kube-root-ca.crt", { "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQ2FwdHVyZWRMYWIwDQYJKoZIhvcNAQELBQAwFTETMBEG\n-----END CERTIFICATE-----\n" });
  if (mesh) configMap(ns, "istio-ca-root-cert", { "root-cert.pem": "-----BEGIN CERTIFICATE-----\nMIIC/DCCAeSgAwIBAgIQTGFiSXN0aW9Sb290Q0EwDQYJKoZIhvcNAQELBQAwGDEW\n-----END CERTIFICATE-----\n" }, undefined, { "istio.io/config": "true" });
}

/** Go's time.Duration text for a pull time, as the kubelet prints it: 891ms, 2.79s. */
const goDuration = (ms) => (ms < 1000 ? `${ms}ms` : `${String(ms / 1000).replace(/\.?0+$/, "")}s`);
const IMAGE_BYTES = { "alpine:3.20": 3_627_802, "python:3.12-slim": 41_318_550, "ghcr.io/nginxinc/nginx-unprivileged:stable": 70_215_434 };
const pulledIn = (image, ms, bytes) => `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${IMAGE_BYTES[image] ?? bytes} bytes.`;

/** The kubelet events of a pod whose container started once and is running. */
function startEvents(container, image, at, { pulled = true, ms = 1873, bytes = 18_471_235 } = {}) {
  const when = t(at);
  return pulled
    ? [
        ["Normal", "Pulled", `Container image "${image}" already present on machine`, 1, when, when, container],
        ["Normal", "Created", `Created container ${container}`, 1, when, when, container],
        ["Normal", "Started", `Started container ${container}`, 1, addSeconds(when, 1), addSeconds(when, 1), container],
      ]
    : [
        ["Normal", "Pulling", `Pulling image "${image}"`, 1, addSeconds(when, -3), addSeconds(when, -3), container],
        ["Normal", "Pulled", pulledIn(image, ms, bytes), 1, addSeconds(when, -1), addSeconds(when, -1), container],
        ["Normal", "Created", `Created container ${container}`, 1, when, when, container],
        ["Normal", "Started", `Started container ${container}`, 1, addSeconds(when, 1), addSeconds(when, 1), container],
      ];
}

/** Events of a sidecar-injected pod's istio-init and istio-proxy start. */
function meshStartEvents(at) {
  return [
    ...startEvents("istio-init", PROXY_IMAGE, at).map((e) => [...e.slice(0, 6), "spec.initContainers{istio-init}"]),
  ];
}

/** The events and status of a container that keeps crashing, `runSeconds` after each start. */
function crashLooping({ container, image, firstStart, runSeconds, reason = "Error", exitCode = 1, message, startError = false, initContainer = false }) {
  const loop = crashLoop(t(firstStart), runSeconds, CAPTURED);
  const runs = loop.runs;
  const last = runs.at(-1);
  const previous = loop.running ? runs.at(-2) : last;
  const fieldPath = initContainer ? `spec.initContainers{${container}}` : `spec.containers{${container}}`;
  const events = [
    ["Normal", "Pulling", `Pulling image "${image}"`, 1, addSeconds(runs[0].start, -4), addSeconds(runs[0].start, -4), fieldPath],
    ["Normal", "Pulled", pulledIn(image, 1200 + (parseInt(uid(image).slice(0, 4), 16) % 4000), 21_000_000 + (parseInt(uid(image).slice(9, 13), 16) * 1201) % 80_000_000), 1, addSeconds(runs[0].start, -1), addSeconds(runs[0].start, -1), fieldPath],
  ];
  if (runs.length > 1) events.push(["Normal", "Pulled", `Container image "${image}" already present on machine`, runs.length - 1, runs[1].start, last.start, fieldPath]);
  events.push(["Normal", "Created", `Created container ${container}`, runs.length, runs[0].start, last.start, fieldPath]);
  if (startError) {
    events.push(["Warning", "Failed", `Error: ${message}`, runs.length, runs[0].start, last.start, fieldPath]);
  } else {
    events.push(["Normal", "Started", `Started container ${container}`, runs.length, runs[0].start, last.start, fieldPath]);
  }
  const backOffs = backOffEventCount(loop, CAPTURED);
  events.push(["Warning", "BackOff", null, backOffs, addSeconds(runs[0].end, 1), loop.running ? addSeconds(previous.end, 5) : addSeconds(CAPTURED, -3), fieldPath]);
  const terminated = (run) =>
    state.terminated({
      reason: startError ? "StartError" : reason,
      exitCode: startError ? 128 : exitCode,
      startedAt: startError ? "1970-01-01T00:00:00Z" : run.start,
      finishedAt: run.end,
      ...(startError ? { message } : {}),
    });
  return {
    loop,
    events,
    status: (pod) => ({
      current: loop.running ? state.running(last.start) : state.waiting("CrashLoopBackOff", null),
      last: terminated(previous),
      restartCount: loop.restarts,
      ready: false,
      started: loop.running,
      fix: { container, delay: loop.backOff },
    }),
  };
}

/** Resolves placeholders that need the pod (back-off messages name the pod and its uid). */
function finishCrashLoop(pod, container, loop, backOffMessageTarget) {
  const status = [...(pod.status.containerStatuses ?? []), ...(pod.status.initContainerStatuses ?? [])].find((s) => s.name === container);
  if (status?.state.waiting?.reason === "CrashLoopBackOff") {
    status.state.waiting.message = `back-off ${loop.backOff} restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  }
  for (const object of lab.objects) {
    if (object.kind === "Event" && object.involvedObject.uid === pod.metadata.uid && object.reason === "BackOff" && object.message === null && object.involvedObject.fieldPath?.endsWith(`{${container}}`)) {
      object.message = `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
      object.metadata.name = `${pod.metadata.name}.${kubeHash(`${pod.metadata.name}/backoff/${container}`, 16).replace(/[^0-9a-f]/g, "a")}`;
    }
  }
}

function crashStatus(crash) {
  const { fix, ...status } = crash.status();
  return status;
}

// ============================================================== istio-system

rootCaConfigMaps("istio-system", true);
configMap(
  "istio-system",
  "istio",
  {
    mesh: [
      "accessLogFile: /dev/stdout",
      "defaultConfig:",
      "  discoveryAddress: istiod.istio-system.svc:15012",
      "defaultProviders:",
      "  metrics:",
      "  - prometheus",
      "enablePrometheusMerge: true",
      "outboundTrafficPolicy:",
      "  mode: REGISTRY_ONLY",
      "rootNamespace: istio-system",
      "trustDomain: cluster.local",
    ].join("\n"),
    meshNetworks: "networks: {}",
  },
  "2025-05-26T08:31:05Z",
  { "install.operator.istio.io/owning-resource": "unknown", "istio.io/rev": "default", "operator.istio.io/component": "Pilot", release: "istio" },
);

service("istio-system", "istiod", {
  clusterIP: "10.96.211.80",
  created: "2025-05-26T08:31:06Z",
  labels: { app: "istiod", istio: "pilot", "istio.io/rev": "default" },
  selector: { app: "istiod", istio: "pilot" },
  ports: [
    { name: "grpc-xds", port: 15010, targetPort: 15010 },
    { name: "https-dns", port: 15012, targetPort: 15012 },
    { name: "https-webhook", port: 443, targetPort: 15017 },
    { name: "http-monitoring", port: 15014, targetPort: 15014 },
  ],
});
service("istio-system", "istio-ingressgateway", {
  clusterIP: "10.96.170.37",
  type: "LoadBalancer",
  created: "2025-05-26T08:31:30Z",
  labels: { app: "istio-ingressgateway", istio: "ingressgateway" },
  selector: { app: "istio-ingressgateway", istio: "ingressgateway" },
  ports: [
    { name: "status-port", nodePort: 31652, port: 15021, targetPort: 15021 },
    { name: "http2", nodePort: 31733, port: 80, targetPort: 8080 },
    { name: "https", nodePort: 30952, port: 443, targetPort: 8443 },
  ],
});

const istiod = lab.deployment({
  namespace: "istio-system",
  name: "istiod",
  created: "2025-05-26T08:31:06Z",
  labels: { app: "istiod", istio: "pilot", "istio.io/rev": "default" },
  selector: { app: "istiod", istio: "pilot" },
  template: {
    labels: { "istio.io/rev": "default", "sidecar.istio.io/inject": "false" },
    annotations: { "prometheus.io/port": "15014", "prometheus.io/scrape": "true", "sidecar.istio.io/inject": "false" },
    spec: {
      containers: [
        {
          args: ["discovery", "--monitoringAddr=:15014", "--log_output_level=default:info", "--domain", "cluster.local", "--keepaliveMaxServerConnectionAge", "30m"],
          image: `docker.io/istio/pilot:1.27.0`,
          name: "discovery",
          ports: [
            { containerPort: 8080 },
            { containerPort: 15010 },
            { containerPort: 15012 },
            { containerPort: 15017 },
          ],
          readinessProbe: { httpGet: { path: "/ready", port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
          resources: { requests: { cpu: "10m", memory: "100Mi" } },
        },
      ],
      serviceAccountName: "istiod",
    },
  },
  pods: [{ name: "istiod-85798b5866-8ptm6", node: "lab-worker", created: "2025-05-26T08:31:06Z" }],
});
healthy("Pod", "istio-system", "istiod-85798b5866-8ptm6");
// istiod's own log, read by mesh readiness; pushes and reconnects, no error and no rejected push.
lab.log("istio-system", "istiod-85798b5866-8ptm6", "discovery", [
  "2025-06-02T10:38:51.204117Z\tinfo\tads\tADS: new connection for node:catalog-v2-7cc6f578cd-rjrms.istioinaction-41",
  "2025-06-02T10:38:51.205420Z\tinfo\tads\tCDS: PUSH request for node:catalog-v2-7cc6f578cd-rjrms.istioinaction resources:31 size:27.6kB",
  "2025-06-02T10:38:51.207981Z\tinfo\tads\tEDS: PUSH request for node:catalog-v2-7cc6f578cd-rjrms.istioinaction resources:26 size:4.9kB empty:0 cached:26/26 filtered:0",
  "2025-06-02T10:38:51.211604Z\tinfo\tads\tLDS: PUSH request for node:catalog-v2-7cc6f578cd-rjrms.istioinaction resources:20 size:61.8kB",
  "2025-06-02T10:38:51.214355Z\tinfo\tads\tRDS: PUSH request for node:catalog-v2-7cc6f578cd-rjrms.istioinaction resources:11 size:9.2kB cached:10/11",
  "2025-06-02T10:42:17.530284Z\tinfo\tmodel\tIncremental push, service catalog.istioinaction.svc.cluster.local at shard Kubernetes/Kubernetes has no endpoints",
  "2025-06-02T10:42:17.631907Z\tinfo\tads\tPush debounce stable[57] 2 for config VirtualService/istioinaction/catalog-v1-v2 and 1 more configs: 100.31218ms since last change, 100.30957ms since last push, full=true",
  "2025-06-02T10:42:17.633210Z\tinfo\tads\tXDS: Pushing Services:15 ConnectedEndpoints:24 Version:2025-06-02T10:42:17Z/57",
  "2025-06-02T10:42:17.636442Z\tinfo\tads\tRDS: PUSH for node:istio-ingressgateway-74df47f5f9-nv65v.istio-system resources:1 size:1.9kB cached:0/1",
  "2025-06-02T10:42:17.640915Z\tinfo\tads\tRDS: PUSH for node:catalog-5899bbc954-xnq22.istioinaction resources:11 size:9.4kB cached:10/11",
  "2025-06-02T10:42:17.643277Z\tinfo\tads\tRDS: PUSH for node:catalog-v2-7cc6f578cd-rjrms.istioinaction resources:11 size:9.4kB cached:10/11",
  "2025-06-02T10:44:03.118542Z\tinfo\tads\tADS: \"10.244.1.12:52318\" istio-egressgateway-559bd55945-nspdv.istio-system-12 terminated",
  "2025-06-02T10:44:03.412066Z\tinfo\tads\tADS: new connection for node:istio-egressgateway-559bd55945-nspdv.istio-system-58",
  "2025-06-02T10:44:03.414830Z\tinfo\tads\tCDS: PUSH request for node:istio-egressgateway-559bd55945-nspdv.istio-system resources:29 size:25.3kB",
  "2025-06-02T10:44:03.417359Z\tinfo\tads\tEDS: PUSH request for node:istio-egressgateway-559bd55945-nspdv.istio-system resources:24 size:4.4kB empty:0 cached:24/24 filtered:0",
  "2025-06-02T10:44:03.420188Z\tinfo\tads\tLDS: PUSH request for node:istio-egressgateway-559bd55945-nspdv.istio-system resources:1 size:3.1kB",
]);

const gatewayPod = lab.deployment({
  namespace: "istio-system",
  name: "istio-ingressgateway",
  created: "2025-05-26T08:31:30Z",
  labels: { app: "istio-ingressgateway", istio: "ingressgateway" },
  selector: { app: "istio-ingressgateway", istio: "ingressgateway" },
  template: {
    labels: { "sidecar.istio.io/inject": "false", "service.istio.io/canonical-name": "istio-ingressgateway", "service.istio.io/canonical-revision": "latest" },
    annotations: { "prometheus.io/path": "/stats/prometheus", "prometheus.io/port": "15020", "prometheus.io/scrape": "true", "sidecar.istio.io/inject": "false" },
    spec: {
      containers: [
        {
          args: ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"],
          image: PROXY_IMAGE,
          name: "istio-proxy",
          ports: [
            { containerPort: 15021 },
            { containerPort: 8080 },
            { containerPort: 8443 },
            { containerPort: 15090, name: "http-envoy-prom" },
          ],
          readinessProbe: { failureThreshold: 30, httpGet: { path: "/healthz/ready", port: 15021 }, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 1 },
          resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "10m", memory: "40Mi" } },
        },
      ],
      serviceAccountName: "istio-ingressgateway-service-account",
    },
  },
  pods: [{ name: "istio-ingressgateway-74df47f5f9-nv65v", node: "lab-worker", created: "2025-05-26T08:31:30Z", ip: "10.244.1.9" }],
}).pods[0];


// ============================================================== healthy workloads

namespace("shop");
rootCaConfigMaps("shop");
service("shop", "web", { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 80 }] });
const web = lab.deployment({
  namespace: "shop",
  name: "web",
  created: "2025-06-01T14:02:11Z",
  replicas: 2,
  template: {
    spec: {
      containers: [
        {
          image: "nginx:1.27.5",
          name: "nginx",
          ports: [{ containerPort: 80, name: "http" }],
          readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 10, periodSeconds: 20 },
          resources: { limits: { memory: "128Mi" }, requests: { cpu: "50m", memory: "64Mi" } },
        },
      ],
    },
  },
  pods: [
    { key: "a", node: "lab-worker", created: "2025-06-01T14:02:11Z" },
    { key: "b", node: "lab-worker2", created: "2025-06-01T14:02:11Z" },
  ],
});
for (const pod of web.pods) healthy("Pod", "shop", pod.metadata.name);
healthy("Deployment", "shop", "web");

service("shop", "postgres", { headless: true, selector: { app: "postgres" }, ports: [{ name: "postgres", port: 5432, targetPort: 5432 }] });
secret("shop", "postgres-credentials", ["POSTGRES_PASSWORD", "POSTGRES_USER"]);
const postgres = lab.statefulSet({
  namespace: "shop",
  name: "postgres",
  created: "2025-05-30T09:14:55Z",
  template: {
    spec: {
      containers: [
        {
          envFrom: [{ secretRef: { name: "postgres-credentials" } }],
          env: [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }],
          image: "postgres:16.9",
          name: "postgres",
          ports: [{ containerPort: 5432, name: "postgres" }],
          readinessProbe: { exec: { command: ["pg_isready", "-U", "postgres"] }, periodSeconds: 10, timeoutSeconds: 5 },
          resources: { limits: { memory: "1Gi" }, requests: { cpu: "250m", memory: "512Mi" } },
          volumeMounts: [{ mountPath: "/var/lib/postgresql/data", name: "data" }],
        },
      ],
    },
  },
  volumeClaimTemplates: [
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { creationTimestamp: null, name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, volumeMode: "Filesystem" },
      status: { phase: "Pending" },
    },
  ],
  pods: [{ node: "lab-worker2", created: "2025-05-30T09:15:01Z" }],
});
const postgresSpec = postgres.pods[0].spec;
postgresSpec.volumes.unshift({ name: "data", persistentVolumeClaim: { claimName: "data-postgres-0" } });
postgresSpec.hostname = "postgres-0";
postgresSpec.subdomain = "postgres";
lab.add({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: lab.meta("PersistentVolumeClaim", "shop", "data-postgres-0", "2025-05-30T09:14:55Z", {
    annotations: {
      "pv.kubernetes.io/bind-completed": "yes",
      "pv.kubernetes.io/bound-by-controller": "yes",
      "volume.beta.kubernetes.io/storage-provisioner": "rancher.io/local-path",
      "volume.kubernetes.io/selected-node": "lab-worker2",
      "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path",
    },
    finalizers: ["kubernetes.io/pvc-protection"],
    labels: { app: "postgres" },
  }),
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, storageClassName: "standard", volumeMode: "Filesystem", volumeName: "pvc-" + uid("pvc/shop/data-postgres-0") },
  status: { accessModes: ["ReadWriteOnce"], capacity: { storage: "5Gi" }, phase: "Bound" },
});
lab.log("shop", "postgres-0", "postgres", [
  "",
  "PostgreSQL Database directory appears to contain a database; Skipping initialization",
  "",
  "2025-05-30 09:15:04.112 UTC [1] LOG:  starting PostgreSQL 16.9 (Debian 16.9-1.pgdg120+1) on aarch64-unknown-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
  "2025-05-30 09:15:04.112 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
  "2025-05-30 09:15:04.112 UTC [1] LOG:  listening on IPv6 address \"::\", port 5432",
  "2025-05-30 09:15:04.118 UTC [1] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"",
  "2025-05-30 09:15:04.129 UTC [29] LOG:  database system was shut down at 2025-05-30 09:14:41 UTC",
  "2025-05-30 09:15:04.141 UTC [1] LOG:  database system is ready to accept connections",
  "2025-06-02 09:20:04.233 UTC [27] LOG:  checkpoint starting: time",
  "2025-06-02 09:20:09.461 UTC [27] LOG:  checkpoint complete: wrote 52 buffers (0.3%); 0 WAL file(s) added, 0 removed, 0 recycled; write=5.207 s, sync=0.011 s, total=5.229 s; sync files=41, longest=0.004 s, average=0.001 s; distance=312 kB, estimate=401 kB; lsn=0/1F6A3C8, redo lsn=0/1F6A390",
]);
healthy("Pod", "shop", "postgres-0");
healthy("StatefulSet", "shop", "postgres");

// A CronJob whose latest Job completed.
{
  const cronJob = lab.add({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: lab.meta("CronJob", "shop", "db-backup", "2025-05-30T09:20:00Z", { generation: 1 }),
    spec: {
      concurrencyPolicy: "Forbid",
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { creationTimestamp: null },
        spec: {
          backoffLimit: 2,
          template: {
            metadata: { creationTimestamp: null },
            spec: {
              containers: [
                {
                  command: ["sh", "-c", "pg_dump -h postgres -U \"$POSTGRES_USER\" shop | gzip > /backup/shop-$(date +%F).sql.gz && echo backup written"],
                  envFrom: [{ secretRef: { name: "postgres-credentials" } }],
                  image: "postgres:16.9",
                  imagePullPolicy: "IfNotPresent",
                  name: "backup",
                  resources: {},
                  terminationMessagePath: "/dev/termination-log",
                  terminationMessagePolicy: "File",
                  volumeMounts: [{ mountPath: "/backup", name: "backup" }],
                },
              ],
              dnsPolicy: "ClusterFirst",
              restartPolicy: "OnFailure",
              schedulerName: "default-scheduler",
              securityContext: {},
              terminationGracePeriodSeconds: 30,
              volumes: [{ emptyDir: {}, name: "backup" }],
            },
          },
        },
      },
      schedule: "0 10 * * *",
      successfulJobsHistoryLimit: 3,
      suspend: false,
    },
    status: { lastScheduleTime: "2025-06-02T10:00:00Z", lastSuccessfulTime: "2025-06-02T10:00:09Z" },
  });
  const jobName = `db-backup-${Math.floor(Date.parse("2025-06-02T10:00:00Z") / 60000)}`;
  const jobUid = uid(`Job/shop/${jobName}`);
  const job = lab.add({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: lab.meta("Job", "shop", jobName, "10:00:00", {
      annotations: { "batch.kubernetes.io/cronjob-scheduled-timestamp": "2025-06-02T10:00:00Z" },
      generation: 1,
      labels: { "batch.kubernetes.io/controller-uid": jobUid, "batch.kubernetes.io/job-name": jobName, "controller-uid": jobUid, "job-name": jobName },
      ownerReferences: [{ apiVersion: "batch/v1", blockOwnerDeletion: true, controller: true, kind: "CronJob", name: "db-backup", uid: cronJob.metadata.uid }],
    }),
    spec: {
      backoffLimit: 2,
      completionMode: "NonIndexed",
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": jobUid } },
      suspend: false,
      template: {
        metadata: { creationTimestamp: null, labels: { "batch.kubernetes.io/controller-uid": jobUid, "batch.kubernetes.io/job-name": jobName, "controller-uid": jobUid, "job-name": jobName } },
        spec: cronJob.spec.jobTemplate.spec.template.spec,
      },
    },
    status: {
      completionTime: "2025-06-02T10:00:09Z",
      conditions: [
        { lastProbeTime: "2025-06-02T10:00:09Z", lastTransitionTime: "2025-06-02T10:00:09Z", message: "Reached expected number of succeeded pods", reason: "CompletionsReached", status: "True", type: "SuccessCriteriaMet" },
        { lastProbeTime: "2025-06-02T10:00:09Z", lastTransitionTime: "2025-06-02T10:00:09Z", message: "Reached expected number of succeeded pods", reason: "CompletionsReached", status: "True", type: "Complete" },
      ],
      ready: 0,
      startTime: "2025-06-02T10:00:00Z",
      succeeded: 1,
      terminating: 0,
      uncountedTerminatedPods: {},
    },
  });
  job.metadata.uid = jobUid;
  const podName = `${jobName}-${kubeHash(`${jobName}/pod`, 5)}`;
  const pod = lab.pod({
    namespace: "shop",
    name: podName,
    generateName: `${jobName}-`,
    node: "lab-worker2",
    created: "10:00:00",
    owner: job,
    template: { metadata: job.spec.template.metadata, spec: job.spec.template.spec },
    workload: { kind: "Job", name: jobName },
    phase: "Succeeded",
    statuses: {
      backup: {
        current: state.terminated({ reason: "Completed", exitCode: 0, startedAt: t("10:00:02"), finishedAt: t("10:00:08") }),
        ready: false,
        started: false,
      },
    },
    events: startEvents("backup", "postgres:16.9", "10:00:01"),
    logs: { backup: { current: ["backup written"] } },
  });
  healthy("Pod", "shop", podName);
  healthy("Job", "shop", jobName);
}

// A pod that restarted once, a day ago, and has been fine since.
{
  const cart = lab.deployment({
    namespace: "shop",
    name: "cart",
    created: "2025-05-28T16:40:02Z",
    template: {
      spec: {
        containers: [
          {
            env: [{ name: "REDIS_URL", value: "redis://cart-cache:6379" }],
            image: "ghcr.io/acme/cart:4.2.1",
            name: "cart",
            ports: [{ containerPort: 3000, name: "http" }],
            readinessProbe: { httpGet: { path: "/ready", port: 3000 }, periodSeconds: 10 },
            livenessProbe: { httpGet: { path: "/live", port: 3000 }, periodSeconds: 20, failureThreshold: 3 },
            resources: { limits: { memory: "512Mi" }, requests: { cpu: "100m", memory: "256Mi" } },
          },
        ],
      },
    },
    pods: [
      {
        key: "cart",
        node: "lab-worker",
        created: "2025-05-28T16:40:02Z",
        readyAt: "2025-06-01T09:12:51Z",
        statuses: {
          cart: {
            current: state.running("2025-06-01T09:12:46Z"),
            last: state.terminated({ reason: "Error", exitCode: 1, startedAt: "2025-05-28T16:40:05Z", finishedAt: "2025-06-01T09:12:44Z" }),
            ready: true,
            restartCount: 1,
            started: true,
          },
        },
      },
    ],
  });
  const pod = cart.pods[0];
  lab.log("shop", pod.metadata.name, "cart", [
    `{"level":"info","time":"2025-06-01T09:12:40.908Z","msg":"GET /api/cart/8812 200 11ms"}`,
    `{"level":"error","time":"2025-06-01T09:12:44.117Z","msg":"redis connection lost","err":"read ECONNRESET"}`,
    `{"level":"fatal","time":"2025-06-01T09:12:44.118Z","msg":"cache unavailable, exiting"}`,
  ], { previous: true });
  lab.log("shop", pod.metadata.name, "cart", [
    `{"level":"info","time":"2025-06-01T09:12:47.301Z","msg":"cart 4.2.1 listening on :3000"}`,
    `{"level":"info","time":"2025-06-01T09:12:47.588Z","msg":"connected to redis://cart-cache:6379"}`,
    `{"level":"info","time":"2025-06-02T10:44:51.230Z","msg":"GET /api/cart/9120 200 9ms"}`,
  ]);
  healthy("Pod", "shop", pod.metadata.name);
}

// A rollout in progress: the new pod is still inside its start-up probe budget.
{
  const containerFor = (image) => ({
    image,
    name: "api",
    ports: [{ containerPort: 8080, name: "http" }],
    startupProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 2, failureThreshold: 30 },
    readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 10 },
    resources: { limits: { memory: "768Mi" }, requests: { cpu: "250m", memory: "512Mi" } },
  });
  const rollout = lab.deployment({
    namespace: "shop",
    name: "api",
    created: "2025-05-29T11:00:00Z",
    replicas: 3,
    strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" },
    revisions: [
      {
        revision: 1,
        created: "2025-05-29T11:00:00Z",
        template: { spec: { containers: [containerFor("ghcr.io/acme/shop-api:2.7.0")] } },
        pods: [
          { key: "1", node: "lab-worker", created: "2025-05-29T11:00:00Z" },
          { key: "2", node: "lab-worker2", created: "2025-05-29T11:00:00Z" },
          { key: "3", node: "lab-worker2", created: "2025-05-29T11:00:01Z" },
        ],
      },
      {
        revision: 2,
        created: "10:44:41",
        template: { spec: { containers: [containerFor("ghcr.io/acme/shop-api:2.8.0")] } },
        pods: [
          {
            key: "new",
            node: "lab-worker",
            created: "10:44:41",
            statuses: { api: { current: state.running(t("10:44:47")), ready: false, started: false } },
            events: [
              ...startEvents("api", "ghcr.io/acme/shop-api:2.8.0", "10:44:46", { pulled: false, ms: 3891, bytes: 96_220_118 }),
              ["Warning", "Unhealthy", null, 3, t("10:44:49"), t("10:44:53"), "api"],
            ],
          },
        ],
      },
    ],
  });
  const newPod = rollout.pods.at(-1);
  const unhealthy = lab.objects.find((o) => o.kind === "Event" && o.involvedObject.uid === newPod.metadata.uid && o.reason === "Unhealthy");
  unhealthy.message = `Startup probe failed: Get "http://${newPod.status.podIP}:8080/healthz": dial tcp ${newPod.status.podIP}:8080: connect: connection refused`;
  lab.log("shop", newPod.metadata.name, "api", [
    `2025-06-02T10:44:47.512Z INFO  shop-api 2.8.0 starting (go1.24.3, GOMAXPROCS=8)`,
    `2025-06-02T10:44:47.530Z INFO  loading catalog cache from postgres://postgres.shop.svc:5432/shop`,
    `2025-06-02T10:44:58.907Z INFO  catalog cache loaded: 18412 products in 11.377s`,
  ]);
  const rsNew = rollout.replicaSets.at(-1).metadata.name;
  lab.event(rollout.deployment, { reason: "ScalingReplicaSet", message: `Scaled up replica set ${rsNew} from 0 to 1`, first: "10:44:41", component: "deployment-controller" });
  healthy("Pod", "shop", newPod.metadata.name);
  healthy("Deployment", "shop", "api");
}

// A meshed app, 2/2 Running (classic sidecar), and one with a native sidecar (istio-proxy as a restartable init container).
namespace("bookinfo", INJECTED);
rootCaConfigMaps("bookinfo", true);
service("bookinfo", "productpage", { selector: { app: "productpage" }, ports: [{ name: "http", port: 9080, targetPort: 9080 }] });
service("bookinfo", "reviews", { selector: { app: "reviews" }, ports: [{ name: "http", port: 9080, targetPort: 9080 }] });
{
  const productpage = lab.deployment({
    namespace: "bookinfo",
    name: "productpage-v1",
    selector: { app: "productpage", version: "v1" },
    labels: { app: "productpage", version: "v1" },
    created: "2025-06-01T08:00:12Z",
    template: {
      spec: {
        containers: [
          {
            image: "docker.io/istio/examples-bookinfo-productpage-v1:1.20.3",
            name: "productpage",
            ports: [{ containerPort: 9080 }],
            volumeMounts: [{ mountPath: "/tmp", name: "tmp" }],
          },
        ],
        serviceAccountName: "bookinfo-productpage",
        volumes: [{ emptyDir: {}, name: "tmp" }],
      },
    },
    pods: [{ key: "pp", node: "lab-worker2", created: "2025-06-01T08:00:12Z", mesh: "classic" }],
  });
  const pod = productpage.pods[0];
  lab.log("bookinfo", pod.metadata.name, "istio-proxy", proxyStartLines({ start: "2025-06-01T08:00:14Z", pod: pod.metadata.name, namespace: "bookinfo", ip: pod.status.podIP }));
  healthy("Pod", "bookinfo", pod.metadata.name);

  const reviews = lab.deployment({
    namespace: "bookinfo",
    name: "reviews-v1",
    selector: { app: "reviews", version: "v1" },
    labels: { app: "reviews", version: "v1" },
    created: "2025-06-01T08:00:12Z",
    template: {
      annotations: { "sidecar.istio.io/nativeSidecar": "true" },
      spec: {
        containers: [
          {
            env: [{ name: "LOG_DIR", value: "/tmp/logs" }],
            image: "docker.io/istio/examples-bookinfo-reviews-v1:1.20.3",
            name: "reviews",
            ports: [{ containerPort: 9080 }],
            volumeMounts: [
              { mountPath: "/tmp", name: "tmp" },
              { mountPath: "/opt/ibm/wlp/output", name: "wlp-output" },
            ],
          },
        ],
        serviceAccountName: "bookinfo-reviews",
        volumes: [
          { emptyDir: {}, name: "wlp-output" },
          { emptyDir: {}, name: "tmp" },
        ],
      },
    },
    pods: [{ key: "rv", node: "lab-worker", created: "2025-06-01T08:00:12Z", mesh: "native" }],
  });
  healthy("Pod", "bookinfo", reviews.pods[0].metadata.name);
}

// ============================================================== pod and container scenarios

// crash-sample: command /bin/not-exist.
namespace("lab-bad-command");
rootCaConfigMaps("lab-bad-command");
{
  const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/bin/not-exist": stat /bin/not-exist: no such file or directory: unknown';
  const crash = crashLooping({ container: "c", image: "alpine:3.20", firstStart: "10:29:14", runSeconds: 0, startError: true, message });
  const { pods } = lab.deployment({
    namespace: "lab-bad-command",
    name: "crash-sample",
    selector: { app: "crash" },
    created: "10:29:10",
    progressing: condition("Progressing", "False", t("10:39:11"), "ProgressDeadlineExceeded", 'ReplicaSet "crash-sample-REPLACE" has timed out progressing.'),
    template: { spec: { containers: [{ command: ["/bin/not-exist"], image: "alpine:3.20", name: "c" }] } },
    pods: [{ key: "c", node: "lab-worker", created: "10:29:10", statuses: { c: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "c", crash.loop);
  expect("crash-sample-bad-command", "Pod", "lab-bad-command", pods[0].metadata.name, "c", "bad-command");
}

// live-tight: liveness probe on a path nginx does not serve.
namespace("lab-liveness-404");
rootCaConfigMaps("lab-liveness-404");
{
  const image = "ghcr.io/nginxinc/nginx-unprivileged:stable";
  // Probes at +5s, +10s, +15s fail; the kubelet kills the container and nginx quits cleanly on SIGQUIT (its STOPSIGNAL).
  const crash = crashLooping({ container: "app", image, firstStart: "10:19:47", runSeconds: 16, reason: "Completed", exitCode: 0 });
  const runs = crash.loop.runs;
  const killed = crash.loop.running ? runs.length - 1 : runs.length;
  const { pods } = lab.deployment({
    namespace: "lab-liveness-404",
    name: "live-tight",
    created: "10:19:43",
    selector: { app: "live-tight" },
    progressing: condition("Progressing", "False", t("10:29:44"), "ProgressDeadlineExceeded", 'ReplicaSet "live-tight-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [{ image, name: "app", livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5 } }],
      },
    },
    pods: [
      {
        key: "lt",
        node: "lab-worker2",
        created: "10:19:43",
        statuses: { app: crashStatus(crash) },
        events: [
          ...crash.events,
          ["Warning", "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404", killed * 3, addSeconds(runs[0].start, 5), addSeconds(runs[killed - 1].start, 15), "app"],
          ["Normal", "Killing", "Container app failed liveness probe, will be restarted", killed, addSeconds(runs[0].start, 15), addSeconds(runs[killed - 1].start, 15), "app"],
        ],
      },
    ],
  });
  const pod = pods[0];
  finishCrashLoop(pod, "app", crash.loop);
  const run = runs[killed - 1];
  const clock = (offset) => new Date(Date.parse(run.start) + offset * 1000).toISOString().slice(0, 19).replace("T", " ").replaceAll("-", "/");
  const accessTime = (offset) => {
    const d = new Date(Date.parse(run.start) + offset * 1000);
    return `${String(d.getUTCDate()).padStart(2, "0")}/Jun/2025:${d.toISOString().slice(11, 19)} +0000`;
  };
  const ip = pod.status.podIP;
  const probe = (offset, n) => [
    `10.244.2.1 - - [${accessTime(offset)}] "GET /healthz HTTP/1.1" 404 153 "-" "kube-probe/1.32" "-"`,
    `${clock(offset)} [error] 29#29: *${n} open() "/usr/share/nginx/html/healthz" failed (2: No such file or directory), client: 10.244.2.1, server: localhost, request: "GET /healthz HTTP/1.1", host: "${ip}:8080"`,
  ];
  lab.log("lab-liveness-404", pod.metadata.name, "app", [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
    `${clock(0)} [notice] 1#1: using the "epoll" event method`,
    `${clock(0)} [notice] 1#1: nginx/1.28.0`,
    `${clock(0)} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) `,
    `${clock(0)} [notice] 1#1: OS: Linux 6.10.14-linuxkit`,
    `${clock(0)} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
    `${clock(0)} [notice] 1#1: start worker processes`,
    `${clock(0)} [notice] 1#1: start worker process 29`,
    ...probe(5, 1),
    ...probe(10, 2),
    ...probe(15, 3),
    `${clock(15)} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down`,
    `${clock(15)} [notice] 29#29: gracefully shutting down`,
    `${clock(15)} [notice] 29#29: exiting`,
    `${clock(15)} [notice] 29#29: exit`,
    `${clock(16)} [notice] 1#1: signal 17 (SIGCHLD) received from 29`,
    `${clock(16)} [notice] 1#1: worker process 29 exited with code 0`,
    `${clock(16)} [notice] 1#1: exit`,
  ], { previous: true });
  expect("live-tight-probe-404", "Pod", "lab-liveness-404", pod.metadata.name, "app", "bad-probe-config");
}

// An image tag that does not exist: nginx:invalid-tag.
namespace("lab-image-pull");
rootCaConfigMaps("lab-image-pull");
{
  const image = "nginx:invalid-tag";
  const notFound = `rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:invalid-tag": failed to resolve reference "docker.io/library/nginx:invalid-tag": docker.io/library/nginx:invalid-tag: not found`;
  const { pods } = lab.deployment({
    namespace: "lab-image-pull",
    name: "nginx-deployment",
    selector: { app: "nginx" },
    created: "10:21:05",
    progressing: condition("Progressing", "False", t("10:31:06"), "ProgressDeadlineExceeded", 'ReplicaSet "nginx-deployment-REPLACE" has timed out progressing.'),
    template: { spec: { containers: [{ image, name: "nginx", ports: [{ containerPort: 80 }] }] } },
    pods: [
      {
        key: "n",
        node: "lab-worker",
        created: "10:21:05",
        statuses: { nginx: { current: state.waiting("ImagePullBackOff", `Back-off pulling image "${image}": ErrImagePull: ${notFound}`), ready: false, pulled: false } },
        events: [
          ["Normal", "Pulling", `Pulling image "${image}"`, 9, t("10:21:06"), t("10:43:41"), "nginx"],
          ["Warning", "Failed", `Failed to pull image "${image}": ${notFound}`, 9, t("10:21:07"), t("10:43:42"), "nginx"],
          ["Warning", "Failed", "Error: ErrImagePull", 9, t("10:21:07"), t("10:43:42"), "nginx"],
          ["Normal", "BackOff", `Back-off pulling image "${image}"`, 97, t("10:21:08"), t("10:44:53"), "nginx"],
          ["Warning", "Failed", "Error: ImagePullBackOff", 97, t("10:21:08"), t("10:44:53"), "nginx"],
        ],
      },
    ],
  });
  expect("nginx-invalid-tag", "Pod", "lab-image-pull", pods[0].metadata.name, "nginx", "image-pull-failure");
}

// Secret key typo `passwrod`.
namespace("lab-secret-typo");
rootCaConfigMaps("lab-secret-typo");
secret("lab-secret-typo", "db-secret", ["password", "username"]);
{
  const image = "ghcr.io/acme/orders-api:3.1.0";
  const { pods } = lab.deployment({
    namespace: "lab-secret-typo",
    name: "orders-api",
    created: "10:26:30",
    progressing: condition("Progressing", "False", t("10:36:31"), "ProgressDeadlineExceeded", 'ReplicaSet "orders-api-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            env: [
              { name: "DB_HOST", value: "postgres.shop.svc.cluster.local" },
              { name: "DB_USER", valueFrom: { secretKeyRef: { key: "username", name: "db-secret" } } },
              { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { key: "passwrod", name: "db-secret" } } },
            ],
            image,
            name: "app",
            ports: [{ containerPort: 8080, name: "http" }],
          },
        ],
      },
    },
    pods: [
      {
        key: "o",
        node: "lab-worker2",
        created: "10:26:30",
        statuses: { app: { current: state.waiting("CreateContainerConfigError", "couldn't find key passwrod in Secret lab-secret-typo/db-secret"), ready: false } },
        events: [
          ["Normal", "Pulling", `Pulling image "${image}"`, 1, t("10:26:31"), t("10:26:31"), "app"],
          ["Normal", "Pulled", pulledIn(image, 2790, 61_044_810), 1, t("10:26:34"), t("10:26:34"), "app"],
          ["Warning", "Failed", "Error: couldn't find key passwrod in Secret lab-secret-typo/db-secret", 86, t("10:26:34"), t("10:44:52"), "app"],
          ["Normal", "Pulled", `Container image "${image}" already present on machine`, 85, t("10:26:47"), t("10:44:52"), "app"],
        ],
      },
    ],
  });
  expect("secret-key-typo", "Pod", "lab-secret-typo", pods[0].metadata.name, "app", "missing-config-reference");
}

// ConfigMap mounted at /etc/appconf, the app reads /etc/app/config.yaml.
namespace("lab-config-path");
rootCaConfigMaps("lab-config-path");
configMap("lab-config-path", "app-config", { "config.yaml": "listen: :8080\nlogLevel: info\nfeatures:\n  exportCsv: true\n" });
{
  const image = "ghcr.io/acme/settings-api:1.4.2";
  const crash = crashLooping({ container: "app", image, firstStart: "10:22:19", runSeconds: 0 });
  const { pods } = lab.deployment({
    namespace: "lab-config-path",
    name: "settings-api",
    created: "10:22:15",
    progressing: condition("Progressing", "False", t("10:32:16"), "ProgressDeadlineExceeded", 'ReplicaSet "settings-api-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            args: ["--config", "/etc/app/config.yaml"],
            image,
            name: "app",
            ports: [{ containerPort: 8080, name: "http" }],
            volumeMounts: [{ mountPath: "/etc/appconf", name: "cfg" }],
          },
        ],
        volumes: [{ configMap: { defaultMode: 420, name: "app-config" }, name: "cfg" }],
      },
    },
    pods: [{ key: "s", node: "lab-worker", created: "10:22:15", statuses: { app: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "app", crash.loop);
  const run = crash.loop.runs.at(-1);
  const clock = run.start.slice(0, 19).replace("T", " ").replaceAll("-", "/");
  lab.log("lab-config-path", pods[0].metadata.name, "app", [`${clock} settings-api 1.4.2 starting`, `${clock} load config: open /etc/app/config.yaml: no such file or directory`], { previous: true });
  expect("configmap-mount-path", "Pod", "lab-config-path", pods[0].metadata.name, "app", "config-file-missing");
}

// Liveness initialDelaySeconds 5 on an app that needs 10 s to initialise its context.
namespace("lab-liveness-slow");
rootCaConfigMaps("lab-liveness-slow");
{
  const image = "ghcr.io/acme/inventory-service:2.3.0";
  const crash = crashLooping({ container: "app", image, firstStart: "10:23:02", runSeconds: 16, reason: "Error", exitCode: 143 });
  const runs = crash.loop.runs;
  const killed = crash.loop.running ? runs.length - 1 : runs.length;
  const { pods } = lab.deployment({
    namespace: "lab-liveness-slow",
    name: "inventory-service",
    created: "10:22:58",
    progressing: condition("Progressing", "False", t("10:32:59"), "ProgressDeadlineExceeded", 'ReplicaSet "inventory-service-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            env: [{ name: "JAVA_TOOL_OPTIONS", value: "-XX:MaxRAMPercentage=75" }],
            image,
            name: "app",
            ports: [{ containerPort: 8080, name: "http" }],
            livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 1 },
            resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "768Mi" } },
          },
        ],
      },
    },
    pods: [
      {
        key: "inv",
        node: "lab-worker2",
        created: "10:22:58",
        statuses: { app: crashStatus(crash) },
        events: [
          ...crash.events,
          ["Warning", "Unhealthy", null, killed * 3, addSeconds(runs[0].start, 5), addSeconds(runs[killed - 1].start, 15), "app"],
          ["Normal", "Killing", "Container app failed liveness probe, will be restarted", killed, addSeconds(runs[0].start, 15), addSeconds(runs[killed - 1].start, 15), "app"],
        ],
      },
    ],
  });
  const pod = pods[0];
  finishCrashLoop(pod, "app", crash.loop);
  const ip = pod.status.podIP;
  lab.objects.find((o) => o.kind === "Event" && o.involvedObject.uid === pod.metadata.uid && o.reason === "Unhealthy").message =
    `Liveness probe failed: Get "http://${ip}:8080/healthz": dial tcp ${ip}:8080: connect: connection refused`;
  const run = runs[killed - 1];
  const ts = (ms) => new Date(Date.parse(run.start) + ms).toISOString();
  lab.log("lab-liveness-slow", pod.metadata.name, "app", [
    "Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75",
    "",
    "  .   ____          _            __ _ _",
    " /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
    "( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\",
    " \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )",
    "  '  |____| .__|_| |_|_| |_\\__, | / / / /",
    " =========|_|==============|___/=/_/_/_/",
    "",
    " :: Spring Boot ::                (v3.4.5)",
    "",
    `${ts(1870)}  INFO 1 --- [inventory-service] [           main] c.a.inventory.InventoryApplication       : Starting InventoryApplication v2.3.0 using Java 21.0.7 with PID 1 (/app/app.jar started by app in /app)`,
    `${ts(1874)}  INFO 1 --- [inventory-service] [           main] c.a.inventory.InventoryApplication       : No active profile set, falling back to 1 default profile: "default"`,
    `${ts(4211)}  INFO 1 --- [inventory-service] [           main] .s.d.r.c.RepositoryConfigurationDelegate : Bootstrapping Spring Data JPA repositories in DEFAULT mode.`,
    `${ts(4586)}  INFO 1 --- [inventory-service] [           main] .s.d.r.c.RepositoryConfigurationDelegate : Finished Spring Data repository scanning in 361 ms. Found 14 JPA repository interfaces.`,
    `${ts(6012)}  INFO 1 --- [inventory-service] [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat initialized with port 8080 (http)`,
    `${ts(6051)}  INFO 1 --- [inventory-service] [           main] o.apache.catalina.core.StandardService   : Starting service [Tomcat]`,
    `${ts(6052)}  INFO 1 --- [inventory-service] [           main] o.apache.catalina.core.StandardEngine    : Starting Servlet engine: [Apache Tomcat/10.1.40]`,
    `${ts(6214)}  INFO 1 --- [inventory-service] [           main] o.a.c.c.C.[Tomcat].[localhost].[/]       : Initializing Spring embedded WebApplicationContext`,
    `${ts(6215)}  INFO 1 --- [inventory-service] [           main] w.s.c.ServletWebServerApplicationContext : Root WebApplicationContext: initialization completed in 4302 ms`,
    `${ts(7102)}  INFO 1 --- [inventory-service] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...`,
    `${ts(8744)}  INFO 1 --- [inventory-service] [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@5a4bef8`,
    `${ts(8751)}  INFO 1 --- [inventory-service] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Start completed.`,
    `${ts(9930)}  INFO 1 --- [inventory-service] [           main] o.hibernate.jpa.internal.util.LogHelper  : HHH000204: Processing PersistenceUnitInfo [name: default]`,
    `${ts(11655)}  INFO 1 --- [inventory-service] [           main] o.h.e.t.j.p.i.JtaPlatformInitiator       : HHH000489: No JTA platform available (set 'hibernate.transaction.jta.platform' to enable JTA platform integration)`,
    `${ts(12140)}  INFO 1 --- [inventory-service] [           main] j.LocalContainerEntityManagerFactoryBean : Initialized JPA EntityManagerFactory for persistence unit 'default'`,
    `${ts(13906)}  INFO 1 --- [inventory-service] [           main] c.a.inventory.cache.StockCacheWarmer     : Warming stock cache for 41 warehouses`,
    `${ts(15310)}  INFO 1 --- [inventory-service] [ionShutdownHook] j.LocalContainerEntityManagerFactoryBean : Closing JPA EntityManagerFactory for persistence unit 'default'`,
    `${ts(15318)}  INFO 1 --- [inventory-service] [ionShutdownHook] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Shutdown initiated...`,
    `${ts(15327)}  INFO 1 --- [inventory-service] [ionShutdownHook] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Shutdown completed.`,
  ], { previous: true });
  expect("liveness-too-aggressive", "Pod", "lab-liveness-slow", pod.metadata.name, "app", "liveness-probe-failure");
}

// OOMKilled at a 256Mi limit.
namespace("lab-oom");
rootCaConfigMaps("lab-oom");
{
  const image = "ghcr.io/acme/report-worker:5.0.1";
  const crash = crashLooping({ container: "worker", image, firstStart: "10:27:40", runSeconds: 21, reason: "OOMKilled", exitCode: 137 });
  const { pods } = lab.deployment({
    namespace: "lab-oom",
    name: "report-worker",
    created: "10:27:36",
    progressing: condition("Progressing", "False", t("10:37:37"), "ProgressDeadlineExceeded", 'ReplicaSet "report-worker-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            command: ["python", "-m", "reports.worker"],
            env: [{ name: "REPORT_BATCH", value: "monthly_sales" }],
            image,
            name: "worker",
            resources: { limits: { memory: "256Mi" }, requests: { memory: "128Mi" } },
          },
        ],
      },
    },
    pods: [{ key: "w", node: "lab-worker", created: "10:27:36", statuses: { worker: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "worker", crash.loop);
  const run = crash.loop.runs.at(crash.loop.running ? -2 : -1);
  const ts = (ms) => new Date(Date.parse(run.start) + ms).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
  lab.log("lab-oom", pods[0].metadata.name, "worker", [
    `${ts(820)} INFO reports.worker: report-worker 5.0.1 starting, batch=monthly_sales`,
    `${ts(1410)} INFO reports.source: connected to postgres.shop.svc.cluster.local:5432/shop`,
    `${ts(1433)} INFO reports.source: loading 1843210 rows from reports.monthly_sales`,
    `${ts(9877)} INFO reports.source: loaded 600000 rows`,
    `${ts(16102)} INFO reports.source: loaded 1200000 rows`,
    `${ts(20550)} INFO reports.build: building pivot by region, product_line, week`,
  ], { previous: true });
  expect("oom-killed-256mi", "Pod", "lab-oom", pods[0].metadata.name, "worker", "oom-killed");
}

// Read-only root filesystem, the app writes /app/logs.
namespace("lab-readonly-fs");
rootCaConfigMaps("lab-readonly-fs");
{
  const image = "ghcr.io/acme/audit-api:0.9.3";
  const crash = crashLooping({ container: "app", image, firstStart: "10:24:51", runSeconds: 0 });
  const { pods } = lab.deployment({
    namespace: "lab-readonly-fs",
    name: "audit-api",
    created: "10:24:47",
    progressing: condition("Progressing", "False", t("10:34:48"), "ProgressDeadlineExceeded", 'ReplicaSet "audit-api-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            image,
            name: "app",
            ports: [{ containerPort: 8080, name: "http" }],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001 },
          },
        ],
      },
    },
    pods: [{ key: "a", node: "lab-worker2", created: "10:24:47", statuses: { app: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "app", crash.loop);
  const clock = crash.loop.runs.at(-1).start.slice(0, 19).replace("T", " ").replaceAll("-", "/");
  lab.log("lab-readonly-fs", pods[0].metadata.name, "app", [`${clock} audit-api 0.9.3 starting`, `${clock} open /app/logs/app.log: read-only file system`], { previous: true });
  expect("read-only-root-fs", "Pod", "lab-readonly-fs", pods[0].metadata.name, "app", "read-only-filesystem");
}

// A failing `migrate` init container.
namespace("lab-init-fail");
rootCaConfigMaps("lab-init-fail");
secret("lab-init-fail", "db-secret", ["DATABASE_URL"]);
{
  const image = "ghcr.io/acme/billing-migrator:1.2.0";
  const crash = crashLooping({ container: "migrate", image, firstStart: "10:25:33", runSeconds: 1, initContainer: true });
  const { pods } = lab.deployment({
    namespace: "lab-init-fail",
    name: "billing-api",
    created: "10:25:30",
    progressing: condition("Progressing", "False", t("10:35:31"), "ProgressDeadlineExceeded", 'ReplicaSet "billing-api-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        initContainers: [{ command: ["sh", "-c", "./migrate up || exit 1"], envFrom: [{ secretRef: { name: "db-secret" } }], image, name: "migrate" }],
        containers: [{ envFrom: [{ secretRef: { name: "db-secret" } }], image: "ghcr.io/acme/billing-api:1.2.0", name: "app", ports: [{ containerPort: 8080, name: "http" }] }],
      },
    },
    pods: [
      {
        key: "b",
        node: "lab-worker",
        created: "10:25:30",
        initStatuses: { migrate: crashStatus(crash) },
        statuses: { app: { current: state.waiting("PodInitializing"), ready: false, pulled: false } },
        events: crash.events,
      },
    ],
  });
  const pod = pods[0];
  finishCrashLoop(pod, "migrate", crash.loop);
  lab.log("lab-init-fail", pod.metadata.name, "migrate", ["error: Dirty database version 20250528101500. Fix and force version."], { previous: true });
  expect("init-migrate-fails", "Pod", "lab-init-fail", pod.metadata.name, "migrate", "init-container-failure");
}

// `operation not permitted`.
namespace("lab-privileges");
rootCaConfigMaps("lab-privileges");
{
  const image = "ghcr.io/acme/media-indexer:2.0.0";
  const crash = crashLooping({ container: "app", image, firstStart: "10:28:05", runSeconds: 0 });
  const { pods } = lab.deployment({
    namespace: "lab-privileges",
    name: "media-indexer",
    created: "10:28:01",
    progressing: condition("Progressing", "False", t("10:38:02"), "ProgressDeadlineExceeded", 'ReplicaSet "media-indexer-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            command: ["/bin/sh", "-xc", "chown -R indexer:indexer /srv/media && exec su-exec indexer /usr/local/bin/media-indexer"],
            image,
            name: "app",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            volumeMounts: [{ mountPath: "/srv/media", name: "media" }],
          },
        ],
        volumes: [{ emptyDir: {}, name: "media" }],
      },
    },
    pods: [{ key: "m", node: "lab-worker2", created: "10:28:01", statuses: { app: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "app", crash.loop);
  lab.log("lab-privileges", pods[0].metadata.name, "app", ["+ chown -R indexer:indexer /srv/media", "chown: /srv/media: Operation not permitted"], { previous: true });
  expect("operation-not-permitted", "Pod", "lab-privileges", pods[0].metadata.name, "app", "insufficient-privileges");
}

// `address already in use` between two containers of one pod.
namespace("lab-port-in-use");
rootCaConfigMaps("lab-port-in-use");
{
  const exporterImage = "ghcr.io/acme/queue-exporter:0.6.1";
  const crash = crashLooping({ container: "exporter", image: exporterImage, firstStart: "10:30:12", runSeconds: 0 });
  const { pods } = lab.deployment({
    namespace: "lab-port-in-use",
    name: "metrics-gateway",
    created: "10:30:07",
    progressing: condition("Progressing", "False", t("10:40:08"), "ProgressDeadlineExceeded", 'ReplicaSet "metrics-gateway-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          { image: "ghcr.io/acme/metrics-gateway:1.8.0", name: "gateway", ports: [{ containerPort: 8080, name: "http" }] },
          { args: ["--web.listen-address=:8080"], image: exporterImage, name: "exporter", ports: [{ containerPort: 8080, name: "metrics" }] },
        ],
      },
    },
    pods: [
      {
        key: "g",
        node: "lab-worker",
        created: "10:30:07",
        statuses: { exporter: crashStatus(crash) },
        events: [...startEvents("gateway", "ghcr.io/acme/metrics-gateway:1.8.0", "10:30:10"), ...crash.events],
      },
    ],
  });
  finishCrashLoop(pods[0], "exporter", crash.loop);
  const ts = crash.loop.runs.at(-1).start.replace("Z", ".412Z");
  lab.log("lab-port-in-use", pods[0].metadata.name, "exporter", [
    `ts=${ts} caller=main.go:98 level=info msg="Starting queue_exporter" version="(version=0.6.1, branch=HEAD, revision=4f1d2a9)"`,
    `ts=${ts} caller=main.go:131 level=info msg="Listening on" address=:8080`,
    `ts=${ts} caller=main.go:134 level=error msg="Error starting HTTP server" err="listen tcp :8080: bind: address already in use"`,
  ], { previous: true });
  expect("address-already-in-use", "Pod", "lab-port-in-use", pods[0].metadata.name, "exporter", "port-in-use");
}

// Exit code 0 under restartPolicy Always: a python image with no command runs the REPL, which exits 0 at once without a TTY.
namespace("lab-exit-zero");
rootCaConfigMaps("lab-exit-zero");
{
  const image = "python:3.12-slim";
  const crash = crashLooping({ container: "tool", image, firstStart: "10:26:02", runSeconds: 0, reason: "Completed", exitCode: 0 });
  const { pods } = lab.deployment({
    namespace: "lab-exit-zero",
    name: "py-tool",
    created: "10:25:58",
    progressing: condition("Progressing", "False", t("10:35:59"), "ProgressDeadlineExceeded", 'ReplicaSet "py-tool-REPLACE" has timed out progressing.'),
    template: { spec: { containers: [{ image, name: "tool" }] } },
    pods: [{ key: "py", node: "lab-worker2", created: "10:25:58", statuses: { tool: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "tool", crash.loop);
  expect("exits-zero-under-always", "Pod", "lab-exit-zero", pods[0].metadata.name, "tool", "exits-zero-under-always");
}

// Pending: more memory requested than any node has.
namespace("lab-pending");
rootCaConfigMaps("lab-pending");
{
  const message = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
  const { pods } = lab.deployment({
    namespace: "lab-pending",
    name: "ml-trainer",
    created: "10:33:20",
    progressing: condition("Progressing", "True", t("10:33:20"), "ReplicaSetUpdated", 'ReplicaSet "ml-trainer-REPLACE" is progressing.'),
    template: {
      spec: {
        containers: [{ args: ["--epochs=40"], image: "ghcr.io/acme/ml-trainer:0.8.0", name: "trainer", resources: { limits: { memory: "16Gi" }, requests: { cpu: "2", memory: "16Gi" } } }],
      },
    },
    pods: [{ key: "ml", created: "10:33:20", unschedulableMessage: message, events: [["Warning", "FailedScheduling", message, 3, t("10:33:20"), t("10:43:21")]] }],
  });
  expect("pending-insufficient-memory", "Pod", "lab-pending", pods[0].metadata.name, "", "unschedulable");
}

// A Job whose pods keep failing until backoffLimit.
namespace("lab-job-fail");
rootCaConfigMaps("lab-job-fail");
{
  const image = "ghcr.io/acme/report-export:2.2.0";
  const jobName = "report-export";
  const jobUid = uid(`Job/lab-job-fail/${jobName}`);
  const labels = { "batch.kubernetes.io/controller-uid": jobUid, "batch.kubernetes.io/job-name": jobName, "controller-uid": jobUid, "job-name": jobName };
  const podSpec = {
    containers: [{ args: ["--month=2025-05", "--bucket=s3://acme-reports"], image, imagePullPolicy: "IfNotPresent", name: "export", resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" }],
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Never",
    schedulerName: "default-scheduler",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  };
  const job = lab.add({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: lab.meta("Job", "lab-job-fail", jobName, "10:30:00", { generation: 1, labels: { app: "report-export" } }),
    spec: {
      backoffLimit: 3,
      completionMode: "NonIndexed",
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": jobUid } },
      suspend: false,
      template: { metadata: { creationTimestamp: null, labels }, spec: podSpec },
    },
    status: {
      conditions: [
        { lastProbeTime: t("10:31:23"), lastTransitionTime: t("10:31:23"), message: "Job has reached the specified backoff limit", reason: "BackoffLimitExceeded", status: "True", type: "FailureTarget" },
        { lastProbeTime: t("10:31:23"), lastTransitionTime: t("10:31:23"), message: "Job has reached the specified backoff limit", reason: "BackoffLimitExceeded", status: "True", type: "Failed" },
      ],
      failed: 4,
      ready: 0,
      startTime: t("10:30:00"),
      terminating: 0,
      uncountedTerminatedPods: {},
    },
  });
  const starts = ["10:30:00", "10:30:13", "10:30:35", "10:31:17"];
  starts.forEach((created, index) => {
    const podName = `${jobName}-${kubeHash(`${jobName}/${index}`, 5)}`;
    const started = addSeconds(t(created), 2);
    const finished = addSeconds(t(created), 4);
    lab.pod({
      namespace: "lab-job-fail",
      name: podName,
      generateName: `${jobName}-`,
      node: index % 2 ? "lab-worker" : "lab-worker2",
      created,
      owner: job,
      template: { metadata: { labels }, spec: podSpec },
      workload: { kind: "Job", name: jobName },
      phase: "Failed",
      statuses: { export: { current: state.terminated({ reason: "Error", exitCode: 1, startedAt: started, finishedAt: finished }), ready: false, started: false } },
      events: index === 0 ? startEvents("export", image, started, { pulled: false, ms: 2411, bytes: 71_302_117 }) : startEvents("export", image, started),
      logs: {
        export: {
          current: [
            `${started.replace("T", " ").replace("Z", "")},118 INFO export: exporting orders for 2025-05 to s3://acme-reports`,
            "Traceback (most recent call last):",
            '  File "/app/export.py", line 88, in <module>',
            "    main()",
            '  File "/app/export.py", line 81, in main',
            "    upload(report, args.bucket)",
            '  File "/app/export.py", line 52, in upload',
            "    s3.upload_file(path, bucket, key)",
            '  File "/usr/local/lib/python3.12/site-packages/botocore/signers.py", line 194, in sign',
            "    auth.add_auth(request)",
            '  File "/usr/local/lib/python3.12/site-packages/botocore/auth.py", line 418, in add_auth',
            "    raise NoCredentialsError()",
            "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
          ],
        },
      },
    });
    lab.event(job, { reason: "SuccessfulCreate", message: `Created pod: ${podName}`, first: created, component: "job-controller" });
  });
  lab.event(job, { type: "Warning", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", first: "10:31:23", component: "job-controller" });
  expect("job-backoff-limit", "Job", "lab-job-fail", jobName, "", "job-backoff-limit");
}

// The database Service has no pods yet; the app gives up at start-up.
namespace("lab-dependency");
rootCaConfigMaps("lab-dependency");
secret("lab-dependency", "orders-db", ["DATABASE_URL"]);
{
  const db = service("lab-dependency", "postgres", { selector: { app: "postgres" }, ports: [{ name: "postgres", port: 5432, targetPort: 5432 }] });
  const image = "ghcr.io/acme/orders-sync:1.5.2";
  const crash = crashLooping({ container: "app", image, firstStart: "10:27:12", runSeconds: 2 });
  const { pods } = lab.deployment({
    namespace: "lab-dependency",
    name: "orders-sync",
    created: "10:27:08",
    progressing: condition("Progressing", "False", t("10:37:09"), "ProgressDeadlineExceeded", 'ReplicaSet "orders-sync-REPLACE" has timed out progressing.'),
    template: { spec: { containers: [{ envFrom: [{ secretRef: { name: "orders-db" } }], image, name: "app" }] } },
    pods: [{ key: "os", node: "lab-worker", created: "10:27:08", statuses: { app: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "app", crash.loop);
  const ip = db.spec.clusterIP;
  lab.log("lab-dependency", pods[0].metadata.name, "app", [
    "Traceback (most recent call last):",
    '  File "/app/sync.py", line 140, in <module>',
    "    main()",
    '  File "/app/sync.py", line 121, in main',
    "    conn = psycopg2.connect(os.environ[\"DATABASE_URL\"])",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    '  File "/usr/local/lib/python3.12/site-packages/psycopg2/__init__.py", line 122, in connect',
    "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    `psycopg2.OperationalError: connection to server at "postgres" (${ip}), port 5432 failed: Connection refused`,
    "\tIs the server running on that host and accepting TCP/IP connections?",
    "",
  ], { previous: true });
  expect("database-not-up", "Pod", "lab-dependency", pods[0].metadata.name, "app", "dependency-unavailable");
}

// An amd64-only image on the lab's arm64 nodes.
namespace("lab-arch");
rootCaConfigMaps("lab-arch");
{
  const image = "ghcr.io/acme/cert-webhook:0.3.1";
  const crash = crashLooping({ container: "webhook", image, firstStart: "10:28:40", runSeconds: 0 });
  const { pods } = lab.deployment({
    namespace: "lab-arch",
    name: "cert-webhook",
    created: "10:28:36",
    progressing: condition("Progressing", "False", t("10:38:37"), "ProgressDeadlineExceeded", 'ReplicaSet "cert-webhook-REPLACE" has timed out progressing.'),
    template: { spec: { containers: [{ image, name: "webhook", ports: [{ containerPort: 10250, name: "https" }] }] } },
    pods: [{ key: "cw", node: "lab-worker2", created: "10:28:36", statuses: { webhook: crashStatus(crash) }, events: crash.events }],
  });
  finishCrashLoop(pods[0], "webhook", crash.loop);
  lab.log("lab-arch", pods[0].metadata.name, "webhook", ["exec /usr/local/bin/webhook: exec format error"], { previous: true });
  expect("exec-format-error", "Pod", "lab-arch", pods[0].metadata.name, "webhook", "exec-format-error");
}

// ============================================================== sidecar scenarios

// The app starts before its Envoy sidecar and its first outbound call is refused.
namespace("lab-mesh-startup", INJECTED);
rootCaConfigMaps("lab-mesh-startup", true);
{
  const configService = service("lab-mesh-startup", "config-service", { selector: { app: "config-service" }, ports: [{ name: "http", port: 8080, targetPort: 8080 }] });
  const configIp = configService.spec.clusterIP;
  lab.deployment({
    namespace: "lab-mesh-startup",
    name: "config-service",
    created: "2025-06-02T09:58:20Z",
    template: { spec: { containers: [{ image: "ghcr.io/acme/config-service:1.1.0", name: "app", ports: [{ containerPort: 8080, name: "http" }] }] } },
    pods: [{ key: "cs", node: "lab-worker2", created: "2025-06-02T09:58:20Z", mesh: "classic" }],
  });
  const image = "ghcr.io/acme/payments-worker:1.9.4";
  const { pods } = lab.deployment({
    namespace: "lab-mesh-startup",
    name: "payments-worker",
    created: "10:31:00",
    template: {
      spec: {
        containers: [
          {
            env: [{ name: "CONFIG_URL", value: "http://config-service:8080/v1/config/payments" }],
            image,
            name: "app",
            ports: [{ containerPort: 3000, name: "http" }],
            readinessProbe: { httpGet: { path: "/ready", port: 3000 }, periodSeconds: 5 },
          },
        ],
      },
    },
    pods: [
      {
        key: "pw",
        node: "lab-worker",
        created: "10:31:00",
        mesh: "classic",
        readyAt: "10:31:19",
        statuses: {
          app: {
            current: state.running(t("10:31:14")),
            last: state.terminated({ reason: "Error", exitCode: 1, startedAt: t("10:31:02"), finishedAt: t("10:31:03") }),
            ready: true,
            restartCount: 1,
            started: true,
          },
          "istio-proxy": { current: state.running(t("10:31:02")), ready: true, started: true },
        },
        events: [
          ...meshStartEvents("10:31:01"),
          ["Normal", "Pulled", `Container image "${image}" already present on machine`, 2, t("10:31:02"), t("10:31:14"), "app"],
          ["Normal", "Created", "Created container app", 2, t("10:31:02"), t("10:31:14"), "app"],
          ["Normal", "Started", "Started container app", 2, t("10:31:02"), t("10:31:14"), "app"],
          ["Normal", "Pulled", `Container image "${PROXY_IMAGE}" already present on machine`, 1, t("10:31:02"), t("10:31:02"), "istio-proxy"],
          ["Normal", "Created", "Created container istio-proxy", 1, t("10:31:02"), t("10:31:02"), "istio-proxy"],
          ["Normal", "Started", "Started container istio-proxy", 1, t("10:31:02"), t("10:31:02"), "istio-proxy"],
          ["Warning", "BackOff", null, 1, t("10:31:04"), t("10:31:04"), "app"],
        ],
      },
    ],
  });
  const pod = pods[0];
  finishCrashLoop(pod, "app", { backOff: "10s" });
  lab.log("lab-mesh-startup", pod.metadata.name, "app", [
    `{"level":30,"time":1748860262771,"pid":1,"hostname":"${pod.metadata.name}","msg":"payments-worker 1.9.4 starting"}`,
    `{"level":30,"time":1748860262779,"pid":1,"hostname":"${pod.metadata.name}","msg":"loading remote config from http://config-service:8080/v1/config/payments"}`,
    "node:internal/process/promises:394",
    "    triggerUncaughtException(err, true /* fromPromise */);",
    "    ^",
    "",
    `Error: connect ECONNREFUSED ${configIp}:8080`,
    "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1637:16) {",
    "  errno: -111,",
    "  code: 'ECONNREFUSED',",
    "  syscall: 'connect',",
    `  address: '${configIp}',`,
    "  port: 8080",
    "}",
    "",
    "Node.js v20.19.2",
  ], { previous: true });
  lab.log("lab-mesh-startup", pod.metadata.name, "app", [
    `{"level":30,"time":1748860274402,"pid":1,"hostname":"${pod.metadata.name}","msg":"payments-worker 1.9.4 starting"}`,
    `{"level":30,"time":1748860274410,"pid":1,"hostname":"${pod.metadata.name}","msg":"loading remote config from http://config-service:8080/v1/config/payments"}`,
    `{"level":30,"time":1748860274468,"pid":1,"hostname":"${pod.metadata.name}","msg":"config loaded","keys":23}`,
    `{"level":30,"time":1748860274502,"pid":1,"hostname":"${pod.metadata.name}","msg":"listening on :3000"}`,
  ]);
  lab.log("lab-mesh-startup", pod.metadata.name, "istio-proxy", proxyStartLines({ start: t("10:31:02"), pod: pod.metadata.name, namespace: "lab-mesh-startup", ip: pod.status.podIP, readyAfterMs: 1512 }));
  expect("app-starts-before-sidecar", "Pod", "lab-mesh-startup", pod.metadata.name, "app", "sidecar-dependency");
}

// The app listens on 15020, pilot-agent's status port. pilot-agent logs the bind error and
// runs without its status server, so Envoy's /healthz/ready (15021, answered through 15020) reaches the
// app and gets 404: istio-proxy never passes its start-up probe and the kubelet restarts it every ~10 minutes.
namespace("lab-mesh-ports", INJECTED);
rootCaConfigMaps("lab-mesh-ports", true);
{
  const image = "ghcr.io/acme/legacy-metrics:3.2.1";
  // Each run lasts the start-up probe budget (600 x 1s) plus the 5s drain; a run that long has
  // outlived the kubelet's back-off entry (10 minutes), so the container is restarted at once.
  const runs = [
    { start: "10:04:01", end: "10:14:07" },
    { start: "10:14:08", end: "10:24:14" },
    { start: "10:24:15", end: "10:34:21" },
    { start: "10:34:22", end: "10:44:28" },
  ];
  const { pods } = lab.deployment({
    namespace: "lab-mesh-ports",
    name: "legacy-metrics",
    created: "10:03:58",
    progressing: condition("Progressing", "False", t("10:13:59"), "ProgressDeadlineExceeded", 'ReplicaSet "legacy-metrics-REPLACE" has timed out progressing.'),
    template: {
      spec: {
        containers: [
          {
            args: ["--http.port=8080", "--metrics.port=15020"],
            image,
            name: "app",
            ports: [
              { containerPort: 8080, name: "http" },
              { containerPort: 15020, name: "http-metrics" },
            ],
          },
        ],
      },
    },
    pods: [
      {
        key: "lm",
        node: "lab-worker2",
        created: "10:03:58",
        mesh: "classic",
        unreadySince: "10:03:58",
        statuses: {
          app: { current: state.running(t("10:04:00")), ready: true, started: true },
          "istio-proxy": {
            current: state.running(t("10:44:29")),
            last: state.terminated({ reason: "Completed", exitCode: 0, startedAt: t(runs[3].start), finishedAt: t(runs[3].end) }),
            ready: false,
            restartCount: 4,
            started: false,
          },
        },
        events: [
          ...meshStartEvents("10:03:59"),
          ...startEvents("app", image, "10:04:00"),
          ["Normal", "Pulled", `Container image "${PROXY_IMAGE}" already present on machine`, 5, t("10:04:01"), t("10:44:29"), "istio-proxy"],
          ["Normal", "Created", "Created container istio-proxy", 5, t("10:04:01"), t("10:44:29"), "istio-proxy"],
          ["Normal", "Started", "Started container istio-proxy", 5, t("10:04:01"), t("10:44:29"), "istio-proxy"],
          ["Warning", "Unhealthy", "Startup probe failed: HTTP probe failed with statuscode: 404", 2427, t("10:04:02"), t("10:44:59"), "istio-proxy"],
          ["Normal", "Killing", "Container istio-proxy failed startup probe, will be restarted", 4, t("10:14:02"), t("10:44:23"), "istio-proxy"],
        ],
      },
    ],
  });
  const pod = pods[0];
  const ip = pod.status.podIP;
  lab.log("lab-mesh-ports", pod.metadata.name, "istio-proxy", [
    ...proxyStartLines({ start: t(runs[3].start), pod: pod.metadata.name, namespace: "lab-mesh-ports", ip, statusPortError: true, ready: false }),
    ...proxyStopLines(addSeconds(t(runs[3].end), -6)),
  ], { previous: true });
  lab.log("lab-mesh-ports", pod.metadata.name, "istio-proxy", proxyStartLines({ start: t("10:44:29"), pod: pod.metadata.name, namespace: "lab-mesh-ports", ip, statusPortError: true, ready: false }));
  lab.log("lab-mesh-ports", pod.metadata.name, "app", [
    "2025-06-02T10:04:00.913Z INFO  legacy-metrics 3.2.1: serving API on :8080",
    "2025-06-02T10:04:00.915Z INFO  legacy-metrics 3.2.1: serving Prometheus metrics on :15020/metrics",
  ]);
  expect("istio-proxy-port-15020", "Pod", "lab-mesh-ports", pod.metadata.name, "", "sidecar-port-conflict");
}

// istio-proxy OOMKilled under a 64Mi limit set by annotation.
namespace("lab-mesh-oom", INJECTED);
rootCaConfigMaps("lab-mesh-oom", true);
{
  const image = "ghcr.io/acme/search-api:6.3.0";
  const crash = crashLooping({ container: "istio-proxy", image: PROXY_IMAGE, firstStart: "10:18:22", runSeconds: 26, reason: "OOMKilled", exitCode: 137 });
  const events = crash.events.filter((e) => !(e[1] === "Pulling" || (e[1] === "Pulled" && e[2].startsWith("Successfully"))));
  events.push(["Normal", "Pulled", `Container image "${PROXY_IMAGE}" already present on machine`, 1, crash.loop.runs[0].start, crash.loop.runs[0].start, "istio-proxy"]);
  const { pods } = lab.deployment({
    namespace: "lab-mesh-oom",
    name: "search-api",
    created: "10:18:19",
    progressing: condition("Progressing", "False", t("10:28:20"), "ProgressDeadlineExceeded", 'ReplicaSet "search-api-REPLACE" has timed out progressing.'),
    template: {
      annotations: { "sidecar.istio.io/proxyCPU": "50m", "sidecar.istio.io/proxyCPULimit": "200m", "sidecar.istio.io/proxyMemory": "32Mi", "sidecar.istio.io/proxyMemoryLimit": "64Mi" },
      spec: { containers: [{ image, name: "app", ports: [{ containerPort: 8080, name: "http" }] }] },
    },
    pods: [
      {
        key: "sa",
        node: "lab-worker",
        created: "10:18:19",
        mesh: "classic",
        proxyResources: { limits: { cpu: "200m", memory: "64Mi" }, requests: { cpu: "50m", memory: "32Mi" } },
        unreadySince: "10:18:19",
        statuses: { app: { current: state.running(t("10:18:21")), ready: true, started: true }, "istio-proxy": crashStatus(crash) },
        events: [...meshStartEvents("10:18:20"), ...startEvents("app", image, "10:18:21"), ...events.map((e) => e.map((v) => (v === "spec.containers{istio-proxy}" ? "istio-proxy" : v)))],
      },
    ],
  });
  const pod = pods[0];
  finishCrashLoop(pod, "istio-proxy", crash.loop);
  const run = crash.loop.runs.at(crash.loop.running ? -2 : -1);
  lab.log("lab-mesh-oom", pod.metadata.name, "istio-proxy", [
    ...proxyStartLines({ start: run.start, pod: pod.metadata.name, namespace: "lab-mesh-oom", ip: pod.status.podIP, cpu: 1, readyAfterMs: 2210 }),
    `${micro(run.start, 9120, 417)}\twarning\tenvoy main external/envoy/source/server/server.cc:952\tThere is no configured limit to the number of allowed active downstream connections. Configure a limit in \`envoy.resource_monitors.global_downstream_max_connections\` resource monitor.\tthread=14`,
  ], { previous: true });
  expect("istio-proxy-oom-killed", "Pod", "lab-mesh-oom", pod.metadata.name, "istio-proxy", "sidecar-oom-killed");
}

// A deny-all NetworkPolicy cuts the proxy off istiod (and DNS).
namespace("lab-mesh-netpol", INJECTED);
rootCaConfigMaps("lab-mesh-netpol", true);
{
  lab.add({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: lab.meta("NetworkPolicy", "lab-mesh-netpol", "deny-all", "10:12:01", { generation: 1 }),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
  const image = "ghcr.io/acme/checkout:2.11.0";
  const { pods } = lab.deployment({
    namespace: "lab-mesh-netpol",
    name: "checkout",
    created: "10:12:40",
    progressing: condition("Progressing", "False", t("10:22:41"), "ProgressDeadlineExceeded", 'ReplicaSet "checkout-REPLACE" has timed out progressing.'),
    template: { spec: { containers: [{ image, name: "app", ports: [{ containerPort: 8080, name: "http" }] }] } },
    pods: [
      {
        key: "co",
        node: "lab-worker2",
        created: "10:12:40",
        mesh: "classic",
        unreadySince: "10:12:40",
        statuses: {
          app: { current: state.running(t("10:12:42")), ready: true, started: true },
          "istio-proxy": {
            current: state.running(t("10:33:08")),
            last: state.terminated({ reason: "Completed", exitCode: 0, startedAt: t("10:23:01"), finishedAt: t("10:33:07") }),
            ready: false,
            restartCount: 2,
            started: false,
          },
        },
        events: [
          ...meshStartEvents("10:12:41"),
          ...startEvents("app", image, "10:12:42"),
          ["Normal", "Pulled", `Container image "${PROXY_IMAGE}" already present on machine`, 3, t("10:12:43"), t("10:33:08"), "istio-proxy"],
          ["Normal", "Created", "Created container istio-proxy", 3, t("10:12:43"), t("10:33:08"), "istio-proxy"],
          ["Normal", "Started", "Started container istio-proxy", 3, t("10:12:43"), t("10:33:08"), "istio-proxy"],
          ["Warning", "Unhealthy", null, 1918, t("10:12:44"), t("10:44:59"), "istio-proxy"],
          ["Normal", "Killing", "Container istio-proxy failed startup probe, will be restarted", 2, t("10:22:44"), t("10:33:02"), "istio-proxy"],
        ],
      },
    ],
  });
  const pod = pods[0];
  const ip = pod.status.podIP;
  lab.objects.find((o) => o.kind === "Event" && o.involvedObject.uid === pod.metadata.uid && o.reason === "Unhealthy").message =
    `Startup probe failed: Get "http://${ip}:15021/healthz/ready": dial tcp ${ip}:15021: connect: connection refused`;
  const start = t("10:33:08");
  const dnsTimeout = (port) => `dial tcp: lookup istiod.istio-system.svc on 10.96.0.10:53: read udp ${ip}:${port}->10.96.0.10:53: i/o timeout`;
  lab.log("lab-mesh-netpol", pod.metadata.name, "istio-proxy", [
    ...proxyStartLines({ start, pod: pod.metadata.name, namespace: "lab-mesh-netpol", ip, caUnreachable: true }),
    `${micro(start, 10_048, 113)}\twarn\tca\tca request failed, starting attempt 1 in 91.412413ms`,
    `${micro(start, 20_141, 605)}\twarn\tca\tca request failed, starting attempt 2 in 207.070906ms`,
    `${micro(start, 30_350, 28)}\twarn\tca\tca request failed, starting attempt 3 in 396.710233ms`,
    `${micro(start, 40_748, 392)}\twarn\tca\tca request failed, starting attempt 4 in 792.415528ms`,
    `${micro(start, 51_542, 16)}\terror\tcache\tresource:default failed to sign certificate: create certificate: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: ${dnsTimeout(41922)}"`,
    `${micro(start, 51_542, 77)}\twarn\tcache\tresource:default failed to generate secret for proxy from remote: create certificate: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: ${dnsTimeout(41922)}"`,
    `${micro(start, 60_210, 844)}\twarn\tEnvoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected`,
    `${micro(start, 70_551, 903)}\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/grpc_stream.h:193\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 70s ago: 14, upstream connect error or disconnect/reset before headers. reset reason: connection timeout\tthread=15`,
    `${micro(start, 90_210, 497)}\twarn\tEnvoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected`,
  ]);
  expect("netpol-cuts-proxy-off-istiod", "Pod", "lab-mesh-netpol", pod.metadata.name, "istio-proxy", "sidecar-istiod-unreachable");
}

// A deny-all policy was just applied where meshed pods run. Their proxies still hold
// their istiod streams, but any restart will leave them without config or certificates.
namespace("lab-mesh-netpol-new", INJECTED);
rootCaConfigMaps("lab-mesh-netpol-new", true);
{
  lab.add({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: lab.meta("NetworkPolicy", "lab-mesh-netpol-new", "deny-all", "10:43:12", { generation: 1 }),
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
  lab.add({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: lab.meta("NetworkPolicy", "lab-mesh-netpol-new", "allow-http-from-gateway", "10:43:12", { generation: 1 }),
    spec: {
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } } }], ports: [{ port: 8080, protocol: "TCP" }] }],
      podSelector: { matchLabels: { app: "invoices" } },
      policyTypes: ["Ingress"],
    },
  });
  const { pods } = lab.deployment({
    namespace: "lab-mesh-netpol-new",
    name: "invoices",
    created: "2025-06-02T09:20:41Z",
    template: { spec: { containers: [{ image: "ghcr.io/acme/invoices:3.0.1", name: "app", ports: [{ containerPort: 8080, name: "http" }], readinessProbe: { httpGet: { path: "/ready", port: 8080 } } }] } },
    pods: [{ key: "inv", node: "lab-worker", created: "2025-06-02T09:20:41Z", mesh: "classic" }],
  });
  lab.log("lab-mesh-netpol-new", pods[0].metadata.name, "istio-proxy", proxyStartLines({ start: "2025-06-02T09:20:43Z", pod: pods[0].metadata.name, namespace: "lab-mesh-netpol-new", ip: pods[0].status.podIP }));
  expect("netpol-deny-all-new", "NetworkPolicy", "lab-mesh-netpol-new", "deny-all", "", "network-policy-conflict");
}

// A namespace without the injection label.
namespace("lab-no-injection");
rootCaConfigMaps("lab-no-injection");
{
  service("lab-no-injection", "my-service", { selector: { app: "my-service" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] });
  lab.add({
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: lab.meta("VirtualService", "lab-no-injection", "my-service", "10:05:12", { generation: 1 }),
    spec: { hosts: ["my-service"], http: [{ retries: { attempts: 3, perTryTimeout: "2s" }, route: [{ destination: { host: "my-service", port: { number: 80 } } }], timeout: "5s" }] },
  });
  const { pods } = lab.deployment({
    namespace: "lab-no-injection",
    name: "my-service",
    created: "10:05:10",
    template: { spec: { containers: [{ image: "ghcr.io/acme/my-service:1.0.3", name: "my-service", ports: [{ containerPort: 8080, name: "http" }] }] } },
    pods: [{ key: "ms", node: "lab-worker", created: "10:05:10", events: startEvents("my-service", "ghcr.io/acme/my-service:1.0.3", "10:05:12") }],
  });
  expect("namespace-not-injected", "Pod", "lab-no-injection", pods[0].metadata.name, "", "sidecar-not-injected");
}

// READY 1/2, the proxy's config is rejected (an EnvoyFilter with a wrong type URL).
namespace("lab-mesh-notready", INJECTED);
rootCaConfigMaps("lab-mesh-notready", true);
{
  lab.add({
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    metadata: lab.meta("EnvoyFilter", "lab-mesh-notready", "local-ratelimit", "10:35:02", { generation: 1 }),
    spec: {
      configPatches: [
        {
          applyTo: "HTTP_FILTER",
          match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
          patch: {
            operation: "INSERT_BEFORE",
            value: {
              name: "envoy.filters.http.local_ratelimit",
              typed_config: {
                "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
                type_url: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimits",
                value: { stat_prefix: "http_local_rate_limiter" },
              },
            },
          },
        },
      ],
      workloadSelector: { labels: { app: "my-service" } },
    },
  });
  const image = "ghcr.io/acme/my-service:1.0.3";
  const { pods } = lab.deployment({
    namespace: "lab-mesh-notready",
    name: "my-service",
    created: "10:35:40",
    template: { spec: { containers: [{ image, name: "my-service", ports: [{ containerPort: 8080, name: "http" }] }] } },
    pods: [
      {
        key: "nr",
        node: "lab-worker2",
        created: "10:35:40",
        mesh: "classic",
        unreadySince: "10:35:40",
        statuses: {
          "my-service": { current: state.running(t("10:35:42")), ready: true, started: true },
          "istio-proxy": { current: state.running(t("10:35:43")), ready: false, started: false },
        },
        events: [
          ...meshStartEvents("10:35:41"),
          ...startEvents("my-service", image, "10:35:42"),
          ...startEvents("istio-proxy", PROXY_IMAGE, "10:35:43"),
          ["Warning", "Unhealthy", "Startup probe failed: HTTP probe failed with statuscode: 503", 548, t("10:35:45"), t("10:44:59"), "istio-proxy"],
        ],
      },
    ],
  });
  const pod = pods[0];
  const start = t("10:35:43");
  lab.log("lab-mesh-notready", pod.metadata.name, "istio-proxy", [
    ...proxyStartLines({ start, pod: pod.metadata.name, namespace: "lab-mesh-notready", ip: pod.status.podIP, ready: false }),
    `${micro(start, 402, 611)}\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/grpc_subscription_impl.cc:138\tgRPC config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: Error adding/updating listener(s) virtualInbound: Didn't find a registered implementation for 'envoy.filters.http.local_ratelimit' with type URL: 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimits'\tthread=15`,
    `${micro(start, 2_216, 340)}\twarn\tEnvoy proxy is NOT ready: config received from XDS server, but was rejected: cds updates: 1 successful, 0 rejected; lds updates: 0 successful, 1 rejected`,
    `${micro(start, 32_216, 902)}\twarn\tEnvoy proxy is NOT ready: config received from XDS server, but was rejected: cds updates: 1 successful, 0 rejected; lds updates: 0 successful, 1 rejected`,
    `${micro(start, 540_411, 58)}\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/grpc_subscription_impl.cc:138\tgRPC config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: Error adding/updating listener(s) virtualInbound: Didn't find a registered implementation for 'envoy.filters.http.local_ratelimit' with type URL: 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimits'\tthread=15`,
  ]);
  expect("pod-ready-1-of-2", "Pod", "lab-mesh-notready", pod.metadata.name, "istio-proxy", "sidecar-not-ready");
}

// STRICT mTLS, and a client without a sidecar talks plaintext.
namespace("lab-mtls", INJECTED);
rootCaConfigMaps("lab-mtls", true);
namespace("lab-mtls-client");
rootCaConfigMaps("lab-mtls-client");
{
  lab.add({
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: lab.meta("PeerAuthentication", "lab-mtls", "default", "10:08:31", { generation: 1 }),
    spec: { mtls: { mode: "STRICT" } },
  });
  const ledgerSvc = service("lab-mtls", "ledger", { selector: { app: "ledger" }, ports: [{ name: "http", port: 8080, targetPort: 8080 }] });
  const ledger = lab.deployment({
    namespace: "lab-mtls",
    name: "ledger",
    created: "2025-06-02T09:59:02Z",
    template: { spec: { containers: [{ image: "ghcr.io/acme/ledger:4.0.2", name: "app", ports: [{ containerPort: 8080, name: "http" }] }] } },
    pods: [{ key: "lg", node: "lab-worker", created: "2025-06-02T09:59:02Z", mesh: "classic" }],
  });
  const image = "ghcr.io/acme/report-cron:1.3.0";
  const { pods } = lab.deployment({
    namespace: "lab-mtls-client",
    name: "reporter",
    created: "10:09:10",
    template: {
      spec: {
        containers: [
          {
            env: [{ name: "LEDGER_URL", value: "http://ledger.lab-mtls.svc.cluster.local:8080" }],
            image,
            name: "reporter",
          },
        ],
      },
    },
    pods: [{ key: "rp", node: "lab-worker2", created: "10:09:10", events: startEvents("reporter", image, "10:09:12") }],
  });
  const ts = (time) => `${t(time).replace("T", " ").replace("Z", "")},${String((time.length * 97) % 1000).padStart(3, "0")}`;
  const lines = [`${ts("10:09:13")} INFO reporter 1.3.0 starting, ledger=http://ledger.lab-mtls.svc.cluster.local:8080`];
  for (const time of ["10:40:00", "10:41:00", "10:42:00", "10:43:00", "10:44:00"]) {
    lines.push(
      `${ts(time)} ERROR GET http://ledger.lab-mtls.svc.cluster.local:8080/v1/balances failed: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))`,
    );
  }
  lab.log("lab-mtls-client", pods[0].metadata.name, "reporter", lines);
  void ledgerSvc;
  expect("strict-mtls-plaintext-client", "Pod", "lab-mtls", ledger.pods[0].metadata.name, "istio-proxy", "mtls-mode-conflict");
}

// REGISTRY_ONLY (istio ConfigMap above) and calls to api.github.com without a ServiceEntry.
namespace("lab-egress", INJECTED);
rootCaConfigMaps("lab-egress", true);
{
  const image = "ghcr.io/acme/release-notifier:0.4.0";
  const { pods } = lab.deployment({
    namespace: "lab-egress",
    name: "release-notifier",
    created: "10:15:03",
    template: { spec: { containers: [{ env: [{ name: "GITHUB_API", value: "https://api.github.com" }], image, name: "app" }] } },
    pods: [{ key: "rn", node: "lab-worker", created: "10:15:03", mesh: "classic", events: [...meshStartEvents("10:15:04"), ...startEvents("app", image, "10:15:05")] }],
  });
  const pod = pods[0];
  const ip = pod.status.podIP;
  const appLines = [`[2025-06-02T10:15:06Z] release-notifier 0.4.0: polling https://api.github.com/repos/istio/istio/releases/latest every 60s`];
  const proxyLines = proxyStartLines({ start: t("10:15:05"), pod: pod.metadata.name, namespace: "lab-egress", ip });
  for (let minute = 40; minute <= 44; minute++) {
    const start = `2025-06-02T10:${minute}:06`;
    appLines.push(`[${start}Z] curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to api.github.com:443 `);
    proxyLines.push(
      accessLine({
        start: `${start}.${String(118 + minute).padStart(3, "0")}Z`,
        method: "-",
        path: "-",
        protocol: "-",
        code: 0,
        flags: "UH",
        details: "-",
        sent: 0,
        duration: 0,
        xff: undefined,
        cluster: "BlackHoleCluster",
        downstreamLocal: "140.82.121.6:443",
        downstreamRemote: `${ip}:${41000 + minute * 17}`,
        sni: "api.github.com",
      }),
    );
  }
  lab.log("lab-egress", pod.metadata.name, "app", appLines);
  lab.log("lab-egress", pod.metadata.name, "istio-proxy", proxyLines);
  expect("registry-only-github", "Pod", "lab-egress", pod.metadata.name, "app", "outbound-traffic-blocked");
}

// A NodePort on a kind cluster whose nodes map no host ports.
namespace("lab-nodeport");
rootCaConfigMaps("lab-nodeport");
{
  service("lab-nodeport", "web-nodeport", { type: "NodePort", selector: { app: "hello" }, ports: [{ name: "http", nodePort: 30080, port: 80, targetPort: 8080 }] });
  const { pods } = lab.deployment({
    namespace: "lab-nodeport",
    name: "hello",
    created: "10:02:30",
    template: { spec: { containers: [{ image: "ghcr.io/acme/hello:1.0.0", name: "hello", ports: [{ containerPort: 8080, name: "http" }] }] } },
    pods: [{ key: "h", node: "lab-worker2", created: "10:02:30" }],
  });
  expect("nodeport-not-exposed", "Service", "lab-nodeport", "web-nodeport", "", "node-port-not-exposed");
  healthy("Pod", "lab-nodeport", pods[0].metadata.name);
}

// ============================================================== Istio configuration and Envoy

// VirtualService catalog-v1-v2 routes to subsets no DestinationRule defines.
namespace("istioinaction", INJECTED);
rootCaConfigMaps("istioinaction", true);
const catalogPods = {};
{
  service("istioinaction", "catalog", { selector: { app: "catalog" }, ports: [{ name: "http", port: 80, targetPort: 3000 }] });
  const catalogContainer = (version) => ({
    env: [{ name: "KUBERNETES_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } }],
    image: "istioinaction/catalog:latest",
    imagePullPolicy: "IfNotPresent",
    name: "catalog",
    ports: [{ containerPort: 3000, name: "http" }],
    securityContext: { privileged: false },
  });
  const v1 = lab.deployment({
    namespace: "istioinaction",
    name: "catalog",
    selector: { app: "catalog", version: "v1" },
    labels: { app: "catalog" },
    created: "2025-06-02T09:40:10Z",
    template: { spec: { containers: [catalogContainer("v1")], serviceAccountName: "catalog" } },
    pods: [{ name: "catalog-5899bbc954-xnq22", node: "lab-worker", created: "2025-06-02T09:40:10Z", mesh: "classic" }],
  });
  const v2 = lab.deployment({
    namespace: "istioinaction",
    name: "catalog-v2",
    selector: { app: "catalog", version: "v2" },
    labels: { app: "catalog" },
    created: "2025-06-02T09:41:02Z",
    replicas: 2,
    template: { spec: { containers: [{ ...catalogContainer("v2"), env: [{ name: "KUBERNETES_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } }, { name: "SHOW_IMAGE", value: "true" }] }], serviceAccountName: "catalog" } },
    pods: [
      { name: "catalog-v2-7cc6f578cd-5jzdl", node: "lab-worker2", created: "2025-06-02T09:41:02Z", mesh: "classic" },
      { name: "catalog-v2-7cc6f578cd-rjrms", node: "lab-worker", created: "2025-06-02T09:41:02Z", mesh: "classic" },
    ],
  });
  catalogPods.v1 = v1.pods[0];
  catalogPods.v2 = v2.pods;
  lab.add({
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: lab.meta("Gateway", "istioinaction", "catalog-gateway", "2025-06-02T09:42:00Z", { generation: 1 }),
    spec: { selector: { istio: "ingressgateway" }, servers: [{ hosts: ["catalog.istioinaction.io"], port: { name: "http", number: 80, protocol: "HTTP" } }] },
  });
  lab.add({
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: lab.meta("VirtualService", "istioinaction", "catalog-v1-v2", "2025-06-02T09:42:05Z", { generation: 1 }),
    spec: {
      gateways: ["catalog-gateway"],
      hosts: ["catalog.istioinaction.io"],
      http: [
        {
          route: [
            { destination: { host: "catalog.istioinaction.svc.cluster.local", port: { number: 80 }, subset: "version-v1" }, weight: 20 },
            { destination: { host: "catalog.istioinaction.svc.cluster.local", port: { number: 80 }, subset: "version-v2" }, weight: 80 },
          ],
        },
      ],
    },
  });
  expect("vs-subsets-without-destinationrule", "VirtualService", "istioinaction", "catalog-v1-v2", "", "routing-reference-not-found");
  expect("proxy-status-stale", "Pod", "istioinaction", "catalog-v2-7cc6f578cd-rjrms", "istio-proxy", "proxy-config-stale");
}

// With the DestinationRule in place and a 0.5 s route timeout, one catalog-v2 pod is slow:
// the ingress gateway logs 504 UT for the requests it served.
namespace("storefront", INJECTED);
rootCaConfigMaps("storefront", true);
{
  const catalogSvc = service("storefront", "catalog", { selector: { app: "catalog" }, ports: [{ name: "http", port: 80, targetPort: 3000 }] });
  const container = (extraEnv = []) => ({
    env: [{ name: "KUBERNETES_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } }, ...extraEnv],
    image: "istioinaction/catalog:latest",
    imagePullPolicy: "IfNotPresent",
    name: "catalog",
    ports: [{ containerPort: 3000, name: "http" }],
  });
  const v1 = lab.deployment({
    namespace: "storefront",
    name: "catalog",
    selector: { app: "catalog", version: "v1" },
    labels: { app: "catalog" },
    created: "2025-06-02T09:45:00Z",
    template: { spec: { containers: [container()], serviceAccountName: "catalog" } },
    pods: [{ name: "catalog-6cf4b97d5c-lx9vq", node: "lab-worker2", created: "2025-06-02T09:45:00Z", mesh: "classic" }],
  });
  const v2 = lab.deployment({
    namespace: "storefront",
    name: "catalog-v2",
    selector: { app: "catalog", version: "v2" },
    labels: { app: "catalog" },
    created: "2025-06-02T09:45:02Z",
    replicas: 2,
    template: { spec: { containers: [container([{ name: "SHOW_IMAGE", value: "true" }])], serviceAccountName: "catalog" } },
    pods: [
      { name: "catalog-v2-5f8b6d9c4b-k2m7p", node: "lab-worker", created: "2025-06-02T09:45:02Z", mesh: "classic" },
      { name: "catalog-v2-5f8b6d9c4b-w8zt4", node: "lab-worker2", created: "2025-06-02T09:45:02Z", mesh: "classic" },
    ],
  });
  lab.add({
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: lab.meta("DestinationRule", "storefront", "catalog", "2025-06-02T09:46:10Z", { generation: 1 }),
    spec: {
      host: "catalog.storefront.svc.cluster.local",
      subsets: [
        { labels: { version: "v1" }, name: "version-v1" },
        { labels: { version: "v2" }, name: "version-v2" },
      ],
    },
  });
  lab.add({
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: lab.meta("Gateway", "storefront", "storefront-gateway", "2025-06-02T09:46:00Z", { generation: 1 }),
    spec: { selector: { istio: "ingressgateway" }, servers: [{ hosts: ["catalog.storefront.example.com"], port: { name: "http", number: 80, protocol: "HTTP" } }] },
  });
  lab.add({
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: lab.meta("VirtualService", "storefront", "catalog-v1-v2", "2025-06-02T09:46:05Z", { generation: 2 }),
    spec: {
      gateways: ["storefront-gateway"],
      hosts: ["catalog.storefront.example.com"],
      http: [
        {
          route: [
            { destination: { host: "catalog.storefront.svc.cluster.local", port: { number: 80 }, subset: "version-v1" }, weight: 20 },
            { destination: { host: "catalog.storefront.svc.cluster.local", port: { number: 80 }, subset: "version-v2" }, weight: 80 },
          ],
          timeout: "0.5s",
        },
      ],
    },
  });
  const slowPod = v2.pods[0];
  const pods = [
    { pod: v1.pods[0], subset: "version-v1", weight: 20 },
    { pod: v2.pods[0], subset: "version-v2", weight: 40, slow: true },
    { pod: v2.pods[1], subset: "version-v2", weight: 40 },
  ];
  const gwIp = gatewayPod.status.podIP;
  const lines = [];
  let n = 0;
  let clock = Date.parse("2025-06-02T10:40:00.000Z");
  const pick = (i) => (i % 5 === 0 ? pods[0] : i % 2 === 0 ? pods[1] : pods[2]);
  for (let i = 0; i < 120; i++) {
    clock += 1700 + ((i * 7919) % 900);
    const target = pick(i);
    const upstreamHost = `${target.pod.status.podIP}:3000`;
    const cluster = `outbound|80|${target.subset}|catalog.storefront.svc.cluster.local`;
    const slow = target.slow && i % 4 !== 1;
    const common = {
      start: new Date(clock).toISOString(),
      method: "GET",
      path: "/items",
      protocol: "HTTP/1.1",
      xff: "10.244.1.1",
      userAgent: "curl/8.7.1",
      requestId: requestId(++n),
      authority: "catalog.storefront.example.com",
      upstreamHost,
      cluster,
      upstreamLocal: `${gwIp}:${33000 + ((i * 131) % 9000)}`,
      downstreamLocal: `${gwIp}:8080`,
      downstreamRemote: `10.244.1.1:${50000 + ((i * 733) % 9000)}`,
    };
    if (slow) {
      lines.push(accessLine({ ...common, code: 504, flags: "UT", details: "response_timeout", sent: 24, duration: 500 + (i % 3) }));
    } else {
      const duration = target.slow ? 412 + (i % 60) : 9 + ((i * 13) % 21);
      lines.push(accessLine({ ...common, code: 200, sent: 502, duration, upstreamTime: duration - 1 }));
    }
  }
  // The catalog.istioinaction.io route names subset clusters that were never created (no DestinationRule): 503 NC.
  for (let i = 0; i < 6; i++) {
    const start = new Date(Date.parse("2025-06-02T10:43:10.000Z") + i * 9_137).toISOString();
    lines.push(
      accessLine({
        start,
        method: "GET",
        path: "/items",
        protocol: "HTTP/1.1",
        code: 503,
        flags: "NC",
        details: "cluster_not_found",
        sent: 0,
        duration: 0,
        xff: "10.244.1.1",
        userAgent: "curl/8.7.1",
        requestId: requestId(++n),
        authority: "catalog.istioinaction.io",
        downstreamLocal: `${gwIp}:8080`,
        downstreamRemote: `10.244.1.1:${41200 + i * 311}`,
      }),
    );
  }
  lines.sort((a, b) => a.slice(1, 25).localeCompare(b.slice(1, 25)));
  lab.file(`envoy/istio-system/${gatewayPod.metadata.name}/access.log`, `${lines.join("\n")}\n`);
  lab.log("istio-system", gatewayPod.metadata.name, "istio-proxy", proxyStartLines({ start: "2025-05-26T08:31:33Z", pod: gatewayPod.metadata.name, namespace: "istio-system", ip: gwIp }).map((line) => line.replace("type=sidecar", "type=router")));
  void catalogSvc;
  expect("ingress-504-ut", "Pod", "istio-system", gatewayPod.metadata.name, "", "upstream-timeout");
  expect("one-slow-catalog-v2-pod", "Pod", "storefront", slowPod.metadata.name, "", "slow-upstream-host");
}

// ============================================================== kube-system (DNS)

service("kube-system", "kube-dns", {
  clusterIP: "10.96.0.10",
  created: "2025-05-26T08:12:35Z",
  labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
  selector: { "k8s-app": "kube-dns" },
  ports: [
    { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
    { name: "dns-tcp", port: 53, targetPort: 53 },
    { name: "metrics", port: 9153, targetPort: 9153 },
  ],
});
lab.deployment({
  namespace: "kube-system",
  name: "coredns",
  created: "2025-05-26T08:12:35Z",
  replicas: 2,
  labels: { "k8s-app": "kube-dns" },
  selector: { "k8s-app": "kube-dns" },
  template: {
    spec: {
      containers: [
        {
          args: ["-conf", "/etc/coredns/Corefile"],
          image: "registry.k8s.io/coredns/coredns:v1.11.3",
          name: "coredns",
          ports: [
            { containerPort: 53, name: "dns", protocol: "UDP" },
            { containerPort: 53, name: "dns-tcp" },
            { containerPort: 9153, name: "metrics" },
          ],
          readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: "/health", port: 8080 }, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 },
          resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
          volumeMounts: [{ mountPath: "/etc/coredns", name: "config-volume", readOnly: true }],
        },
      ],
      priorityClassName: "system-cluster-critical",
      serviceAccountName: "coredns",
      volumes: [{ configMap: { defaultMode: 420, items: [{ key: "Corefile", path: "Corefile" }], name: "coredns" }, name: "config-volume" }],
    },
  },
  pods: [
    { key: "dns1", node: "lab-control-plane", created: "2025-05-26T08:12:51Z", ip: "10.244.0.2" },
    { key: "dns2", node: "lab-control-plane", created: "2025-05-26T08:12:51Z", ip: "10.244.0.3" },
  ],
});

configMap("kube-system", "coredns", {
  Corefile: [
    ".:53 {",
    "    errors",
    "    health {",
    "       lameduck 5s",
    "    }",
    "    ready",
    "    kubernetes cluster.local in-addr.arpa ip6.arpa {",
    "       pods insecure",
    "       fallthrough in-addr.arpa ip6.arpa",
    "       ttl 30",
    "    }",
    "    prometheus :9153",
    "    forward . /etc/resolv.conf {",
    "       max_concurrent 1000",
    "    }",
    "    cache 30 {",
    "       disable success cluster.local",
    "       disable denial cluster.local",
    "    }",
    "    loop",
    "    reload",
    "    loadbalance",
    "}",
    "",
  ].join("\n"),
}, "2025-05-26T08:12:35Z");
rootCaConfigMaps("kube-system");

// Added after the scenarios so that the objects before it keep their IPs and resource versions.
// Istio's samples/addons/prometheus.yaml: the Prometheus that scrapes the sidecars (15020, 15090); the
// deny-all NetworkPolicies of lab-mesh-netpol and lab-mesh-netpol-new drop its scrapes.
lab.deployment({
  namespace: "istio-system",
  name: "prometheus",
  created: "2025-05-26T08:33:40Z",
  labels: { "app.kubernetes.io/component": "server", "app.kubernetes.io/instance": "prometheus", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/part-of": "prometheus" },
  selector: { "app.kubernetes.io/component": "server", "app.kubernetes.io/instance": "prometheus", "app.kubernetes.io/name": "prometheus" },
  template: {
    labels: { "app.kubernetes.io/component": "server", "app.kubernetes.io/instance": "prometheus", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/part-of": "prometheus", "sidecar.istio.io/inject": "false" },
    spec: {
      containers: [
        {
          args: ["--storage.tsdb.retention.time=15d", "--config.file=/etc/config/prometheus.yml", "--storage.tsdb.path=/data", "--web.console.libraries=/etc/prometheus/console_libraries", "--web.console.templates=/etc/prometheus/consoles", "--web.enable-lifecycle"],
          image: "prom/prometheus:v3.2.1",
          name: "prometheus-server",
          ports: [{ containerPort: 9090 }],
          livenessProbe: { httpGet: { path: "/-/healthy", port: 9090 }, initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 3, successThreshold: 1 },
          readinessProbe: { httpGet: { path: "/-/ready", port: 9090 }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 4, failureThreshold: 3, successThreshold: 1 },
        },
      ],
      serviceAccountName: "prometheus",
    },
  },
  pods: [{ name: "prometheus-7f467df8b6-zhmxj", node: "lab-worker2", created: "2025-05-26T08:33:40Z" }],
});
healthy("Pod", "istio-system", "prometheus-7f467df8b6-zhmxj");
expect("netpol-drops-prometheus-scrapes", "NetworkPolicy", "lab-mesh-netpol", "deny-all", "", "network-policy-conflict");

// Every namespace has its `default` ServiceAccount; named ones exist for the pods that use them.
{
  const accounts = new Set();
  for (const object of lab.objects) {
    if (object.kind === "Namespace") accounts.add(`${object.metadata.name}/default`);
    if (object.kind === "Pod") accounts.add(`${object.metadata.namespace}/${object.spec.serviceAccountName ?? "default"}`);
  }
  for (const key of [...accounts].sort()) {
    const [ns, name] = key.split("/");
    const created = lab.objects.find((o) => o.kind === "Namespace" && o.metadata.name === ns).metadata.creationTimestamp;
    lab.add({ apiVersion: "v1", kind: "ServiceAccount", metadata: lab.meta("ServiceAccount", ns, name, created) });
  }
}

// ============================================================== proxy-status (istioctl 1.27, -v)

{
  const proxies = lab.objects
    .filter((o) => o.kind === "Pod" && o.metadata.annotations?.["sidecar.istio.io/status"] && o.status?.phase === "Running")
    .filter((o) => {
      const proxy = [...(o.status.containerStatuses ?? []), ...(o.status.initContainerStatuses ?? [])].find((s) => s.name === "istio-proxy");
      return proxy?.state.running && !["lab-mesh-ports", "lab-mesh-netpol", "lab-mesh-oom"].includes(o.metadata.namespace);
    })
    .map((o) => ({ name: `${o.metadata.name}.${o.metadata.namespace}`, pod: o }));
  proxies.push({ name: `${gatewayPod.metadata.name}.istio-system`, gateway: true });
  proxies.sort((a, b) => a.name.localeCompare(b.name));
  const rows = [["NAME", "CLUSTER", "CDS", "ECDS", "EDS", "LDS", "RDS", "ISTIOD", "VERSION"]];
  for (const proxy of proxies) {
    let status = { CDS: "SYNCED (3m2s)", ECDS: "IGNORED", EDS: "SYNCED (3m2s)", LDS: "SYNCED (3m2s)", RDS: "SYNCED (3m2s)" };
    if (proxy.name === "catalog-v2-7cc6f578cd-rjrms.istioinaction") status = { ...status, EDS: "STALE (8m41s)", RDS: "STALE (8m41s)" };
    if (proxy.pod?.metadata.namespace === "lab-mesh-notready") status = { ...status, LDS: "ERROR (9m15s)" };
    if (proxy.name.startsWith("istio-ingressgateway")) status = { ...status, RDS: "SYNCED (3m2s)" };
    rows.push([proxy.name, "Kubernetes", status.CDS, status.ECDS, status.EDS, status.LDS, status.RDS, "istiod-85798b5866-8ptm6", "1.27.0"]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const text = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] + 5))).join("").trimEnd()).join("\n");
  lab.file("envoy/proxy-status.txt", `${text}\n`);
}

// A rollout that stalls: revision 2 changed the command, its pod never starts, revision 1 still serves.
namespace("lab-rollout");
rootCaConfigMaps("lab-rollout");
{
  const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/app/checkout-apj": stat /app/checkout-apj: no such file or directory: unknown';
  const crash = crashLooping({ container: "api", image: "ghcr.io/acme/checkout-api:3.5.0", firstStart: "10:31:20", runSeconds: 0, startError: true, message });
  const containerFor = (image, command) => ({ command, image, name: "api", ports: [{ containerPort: 8080, name: "http" }], resources: { limits: { memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } } });
  const rollout = lab.deployment({
    namespace: "lab-rollout",
    name: "checkout-api",
    created: "2025-05-30T14:00:00Z",
    replicas: 2,
    strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: "RollingUpdate" },
    progressing: condition("Progressing", "False", t("10:41:18"), "ProgressDeadlineExceeded", 'ReplicaSet "checkout-api-REPLACE" has timed out progressing.'),
    revisions: [
      {
        revision: 1,
        created: "2025-05-30T14:00:00Z",
        template: { spec: { containers: [containerFor("ghcr.io/acme/checkout-api:3.4.1", ["/app/checkout-api"])] } },
        pods: [
          { key: "1", node: "lab-worker", created: "2025-05-30T14:00:00Z" },
          { key: "2", node: "lab-worker2", created: "2025-05-30T14:00:01Z" },
        ],
      },
      {
        revision: 2,
        created: "10:31:16",
        template: { spec: { containers: [containerFor("ghcr.io/acme/checkout-api:3.5.0", ["/app/checkout-apj"])] } },
        pods: [{ key: "new", node: "lab-worker", created: "10:31:16", statuses: { api: crashStatus(crash) }, events: crash.events }],
      },
    ],
  });
  const newPod = rollout.pods.at(-1);
  finishCrashLoop(newPod, "api", crash.loop);
  lab.event(rollout.deployment, { reason: "ScalingReplicaSet", message: `Scaled up replica set ${rollout.replicaSets.at(-1).metadata.name} from 0 to 1`, first: "10:31:16", component: "deployment-controller" });
  for (const pod of rollout.pods.slice(0, 2)) healthy("Pod", "lab-rollout", pod.metadata.name);
  expect("rollout-stalled-old-serving", "Deployment", "lab-rollout", "checkout-api", "", "rollout-stalled");
  expect("rollout-new-command-typo", "Pod", "lab-rollout", newPod.metadata.name, "api", "bad-command");
}

// ============================================================== fix-ups and output

// Deployment Progressing messages name their ReplicaSet.
for (const object of lab.objects) {
  if (object.kind !== "Deployment") continue;
  const rs = lab.objects.filter((o) => o.kind === "ReplicaSet" && o.metadata.ownerReferences?.[0]?.uid === object.metadata.uid).at(-1);
  for (const c of object.status.conditions) c.message = c.message.replace(/"[a-z0-9-]+-REPLACE"/, `"${rs.metadata.name}"`);
}
// Events that name no object (placeholders resolved above) must not survive.
for (const object of lab.objects) {
  if (object.kind === "Event" && object.message === null) throw new Error(`event without message: ${object.reason} ${object.involvedObject.name}`);
}

lab.write(OUT, {
  format: "ktriage-snapshot",
  version: 1,
  capturedAt: CAPTURED,
  context: "kind-lab",
  namespaces: "all",
  tool: "ktriage 0.1.0",
  ignore: ["expected.tsv", "README.md"],
});

import { writeFileSync } from "node:fs";
const header = "scenario\tkind\tnamespace\tname\tcontainer\tcategory";
writeFileSync(resolve(OUT, "expected.tsv"), `${header}\n${expected.map((row) => row.join("\t")).join("\n")}\n`);
console.log(`wrote ${OUT}: ${lab.objects.length} objects, ${lab.logs.length} logs, ${expected.length} expected rows`);
