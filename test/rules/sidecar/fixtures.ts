/**
 * Istio 1.27 objects as the API server returns them (trimmed to the fields the
 * rules read), built from a few parameters so each case states only what differs.
 */

export interface ContainerStatusInput {
  ready?: boolean;
  restartCount?: number;
  /** YAML for `state:` (indented by the helper). */
  state?: string;
  lastState?: string;
}

export interface MeshedPodInput {
  name?: string;
  namespace?: string;
  app?: string;
  hash?: string;
  appPorts?: number[];
  appImage?: string;
  /** Extra lines under the app container (indented 4). */
  appExtra?: string;
  /** Extra annotations (already `key: value`). */
  annotations?: string[];
  labels?: string[];
  proxyResources?: string;
  sidecar?: boolean;
  nativeSidecar?: boolean;
  hostNetwork?: boolean;
  podIP?: string;
  startTime?: string;
  app_status?: ContainerStatusInput;
  proxy_status?: ContainerStatusInput;
  init_status?: string;
  phase?: string;
  creationTimestamp?: string;
}

const indent = (text: string, spaces: number): string =>
  text
    .split("\n")
    .map((line) => (line.length > 0 ? " ".repeat(spaces) + line : line))
    .join("\n");

const DEFAULT_PROXY_RESOURCES = `limits:
  cpu: "2"
  memory: 1Gi
requests:
  cpu: 100m
  memory: 128Mi`;

function statusBlock(name: string, image: string, input: ContainerStatusInput | undefined, startTime: string): string {
  const ready = input?.ready ?? true;
  const state = input?.state ?? `running:\n  startedAt: "${startTime}"`;
  return [
    `- name: ${name}`,
    `  image: ${image}`,
    `  ready: ${ready}`,
    `  started: true`,
    `  restartCount: ${input?.restartCount ?? 0}`,
    `  state:`,
    indent(state, 4),
    ...(input?.lastState ? ["  lastState:", indent(input.lastState, 4)] : ["  lastState: {}"]),
  ].join("\n");
}

/** A pod of a Deployment with the sidecar the injector of Istio 1.27 adds. */
export function meshedPod(input: MeshedPodInput = {}): string {
  const name = input.name ?? "orders-7c9d8b6f5-x2k4q";
  const namespace = input.namespace ?? "shop";
  const app = input.app ?? "orders";
  const hash = input.hash ?? "7c9d8b6f5";
  const startTime = input.startTime ?? "2025-10-23T05:00:00Z";
  const appImage = input.appImage ?? "registry.example.com/shop/orders:1.4.2";
  const sidecar = input.sidecar ?? true;
  const proxyImage = "docker.io/istio/proxyv2:1.27.1";
  const ports = (input.appPorts ?? [8080]).map((port) => `    - containerPort: ${port}\n      name: http-${port}\n      protocol: TCP`).join("\n");
  const proxyContainer = `- name: istio-proxy
  image: ${proxyImage}
  args:
  - proxy
  - sidecar
  - --domain
  - $(POD_NAMESPACE).svc.cluster.local
  - --proxyLogLevel=warning
  - --proxyComponentLogLevel=misc:error
  - --log_output_level=default:info
  ports:
  - containerPort: 15090
    name: http-envoy-prom
    protocol: TCP
  readinessProbe:
    failureThreshold: 4
    httpGet:
      path: /healthz/ready
      port: 15021
      scheme: HTTP
    periodSeconds: 15
    timeoutSeconds: 3
  resources:
${indent(input.proxyResources ?? DEFAULT_PROXY_RESOURCES, 4)}
  securityContext:
    allowPrivilegeEscalation: false
    capabilities:
      drop:
      - ALL
    readOnlyRootFilesystem: true
    runAsGroup: 1337
    runAsNonRoot: true
    runAsUser: 1337${input.nativeSidecar ? "\n  restartPolicy: Always" : ""}`;
  const initContainer = `- name: istio-init
  image: ${proxyImage}
  args:
  - istio-iptables
  - -p
  - "15001"
  - -z
  - "15006"
  - -u
  - "1337"
  - -m
  - REDIRECT
  - -i
  - '*'
  - -x
  - ""
  - -b
  - '*'
  - -d
  - 15090,15021,15020
  - --log_output_level=default:info
  securityContext:
    allowPrivilegeEscalation: false
    capabilities:
      add:
      - NET_ADMIN
      - NET_RAW
      drop:
      - ALL
    readOnlyRootFilesystem: false
    runAsGroup: 0
    runAsNonRoot: false
    runAsUser: 0`;
  const annotations = [
    ...(sidecar
      ? [
          "kubectl.kubernetes.io/default-container: " + app,
          "kubectl.kubernetes.io/default-logs-container: " + app,
          "prometheus.io/path: /stats/prometheus",
          'prometheus.io/port: "15020"',
          'prometheus.io/scrape: "true"',
          "istio.io/rev: default",
          `sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}'`,
        ]
      : []),
    ...(input.annotations ?? []),
  ];
  const labels = [
    `app: ${app}`,
    `pod-template-hash: ${hash}`,
    ...(sidecar ? [`security.istio.io/tlsMode: istio`, `service.istio.io/canonical-name: ${app}`, `service.istio.io/canonical-revision: latest`] : []),
    ...(input.labels ?? []),
  ];
  const containerStatuses = [statusBlock(app, appImage, input.app_status, startTime)];
  if (sidecar && !input.nativeSidecar) containerStatuses.push(statusBlock("istio-proxy", proxyImage, input.proxy_status, startTime));
  const initStatuses: string[] = [];
  if (sidecar) {
    initStatuses.push(
      input.init_status ??
        `- name: istio-init
  image: ${proxyImage}
  ready: true
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: "${startTime}"
      finishedAt: "${startTime}"`,
    );
    if (input.nativeSidecar) initStatuses.push(statusBlock("istio-proxy", proxyImage, input.proxy_status, startTime));
  }
  const allReady = (input.app_status?.ready ?? true) && (!sidecar || (input.proxy_status?.ready ?? true));
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  uid: 5f0a8c3e-${hash.slice(0, 4)}-4b1e-9a53-${name.length.toString().padStart(12, "0")}
  creationTimestamp: "${input.creationTimestamp ?? startTime}"
  labels:
${indent(labels.join("\n"), 4)}
${annotations.length > 0 ? `  annotations:\n${indent(annotations.join("\n"), 4)}\n` : ""}  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: ${app}-${hash}
    uid: 0b5e7f62-2c1d-4f7e-8a9b-${hash.padEnd(12, "0").slice(0, 12)}
    controller: true
    blockOwnerDeletion: true
spec:
${input.hostNetwork ? "  hostNetwork: true\n" : ""}  serviceAccountName: ${app}
  containers:
  - name: ${app}
    image: ${appImage}
    ports:
${ports}
${input.appExtra ? indent(input.appExtra, 4) + "\n" : ""}${sidecar && !input.nativeSidecar ? indent(proxyContainer, 2) + "\n" : ""}${sidecar ? `  initContainers:\n${indent(initContainer, 2)}\n${input.nativeSidecar ? indent(proxyContainer, 2) + "\n" : ""}` : ""}status:
  phase: ${input.phase ?? "Running"}
  podIP: ${input.podIP ?? "10.42.0.5"}
  startTime: "${startTime}"
  conditions:
  - type: Initialized
    status: "True"
    lastTransitionTime: "${startTime}"
  - type: Ready
    status: "${allReady ? "True" : "False"}"
    lastTransitionTime: "${startTime}"
  - type: ContainersReady
    status: "${allReady ? "True" : "False"}"
    lastTransitionTime: "${startTime}"
${initStatuses.length > 0 ? `  initContainerStatuses:\n${indent(initStatuses.join("\n"), 2)}\n` : ""}  containerStatuses:
${indent(containerStatuses.join("\n"), 2)}
`;
}

export function namespace(name: string, labels: string[] = []): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    kubernetes.io/metadata.name: ${name}
${labels.map((label) => `    ${label}`).join("\n")}
`;
}

export function deployment(input: { name?: string; namespace?: string; podAnnotations?: string[]; podLabels?: string[]; containers?: string; hostNetwork?: boolean } = {}): string {
  const name = input.name ?? "orders";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${input.namespace ?? "shop"}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
${(input.podLabels ?? []).map((label) => `        ${label}\n`).join("")}${input.podAnnotations && input.podAnnotations.length > 0 ? `      annotations:\n${input.podAnnotations.map((annotation) => indent(annotation, 8)).join("\n")}\n` : ""}    spec:
${input.hostNetwork ? "      hostNetwork: true\n" : ""}      containers:
${indent(input.containers ?? `- name: ${name}\n  image: registry.example.com/shop/${name}:1.4.2\n  ports:\n  - containerPort: 8080\n    name: http`, 6)}
`;
}

export function service(input: { name?: string; namespace?: string; app?: string; port?: number; targetPort?: number | string; portName?: string; type?: string; nodePort?: number } = {}): string {
  const name = input.name ?? "orders";
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${input.namespace ?? "shop"}
spec:
  type: ${input.type ?? "ClusterIP"}
  clusterIP: 10.43.112.18
  selector:
    app: ${input.app ?? name}
  ports:
  - name: ${input.portName ?? "http"}
    port: ${input.port ?? 80}
    protocol: TCP
    targetPort: ${input.targetPort ?? 8080}${input.nodePort ? `\n    nodePort: ${input.nodePort}` : ""}
`;
}

export const ISTIOD_POD = `apiVersion: v1
kind: Pod
metadata:
  name: istiod-7d8f6b6b7-abc12
  namespace: istio-system
  labels:
    app: istiod
    istio: pilot
    istio.io/rev: default
    pod-template-hash: 7d8f6b6b7
spec:
  containers:
  - name: discovery
    image: docker.io/istio/pilot:1.27.1
    ports:
    - containerPort: 8080
      protocol: TCP
    - containerPort: 15010
      protocol: TCP
    - containerPort: 15012
      protocol: TCP
    - containerPort: 15017
      protocol: TCP
status:
  phase: Running
  podIP: 10.42.0.12
  conditions:
  - type: Ready
    status: "True"
    lastTransitionTime: "2025-10-23T04:00:20Z"
  containerStatuses:
  - name: discovery
    image: docker.io/istio/pilot:1.27.1
    ready: true
    restartCount: 0
    state:
      running:
        startedAt: "2025-10-23T04:00:00Z"
`;
