// The cluster the live tests diagnose: workloads in namespaces "shop",
// "storefront" (in the mesh) and "billing" whose pod statuses, events and logs are what kubelets (1.30-1.33)
// and istio-proxy 1.27 really report for each failure.
import {
  create,
  createDeployment,
  createEvent,
  createNamespace,
  createNode,
  createPod,
  installIstioCrds,
  setContainerLogs,
  setPodStatus,
  waitForLog,
} from "../../scripts/control-plane/fixtures.mjs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Plane {
  dir: string;
  server: string;
  kubeconfig: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; text: string }>;
  writeKubeconfig(name: string, token: string, namespace?: string): string;
  stop(): Promise<void>;
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
}

/** The Secret value that must never leave the API response. */
export const SECRET_VALUE = "Tr0ub4dor&3-payments";

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

function runningContainer(name: string, image: string, startedSecondsAgo: number, ready = true) {
  return {
    name,
    image,
    imageID: `${image.split(":")[0]}@sha256:4f1c8a0e2b9d7c3f6a5e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a`,
    containerID: `containerd://${Math.random().toString(16).slice(2).padEnd(16, "0")}9c1e5b7a2d4f6e8c0b3a5d7f9e1c3b5a7d9f1e3c5b`,
    ready,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: ago(startedSecondsAgo) } },
    lastState: {},
  };
}

function podConditions(ready: boolean, notReady: string[] = [], scheduledAgo = 900) {
  const reason = ready ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${notReady.join(" ")}]` };
  return [
    { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: ago(scheduledAgo - 2) },
    { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: ago(scheduledAgo - 1) },
    { type: "Ready", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: ago(scheduledAgo - 5), ...reason },
    { type: "ContainersReady", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: ago(scheduledAgo - 5), ...reason },
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: ago(scheduledAgo) },
  ];
}

function runningPodStatus(containerStatuses: Json[], podIP: string, ready: boolean, notReady: string[] = []) {
  return { phase: "Running", conditions: podConditions(ready, notReady), hostIP: "127.0.0.1", hostIPs: [{ ip: "127.0.0.1" }], podIP, podIPs: [{ ip: podIP }], startTime: ago(900), qosClass: "Burstable", containerStatuses };
}

export interface Scenario {
  pods: Record<string, { namespace: string; name: string; uid: string }>;
}

/** Creates the whole scenario; returns the pod names tests refer to. */
export async function createScenario(plane: Plane, options: { istioGroups?: string[] } = {}): Promise<Scenario> {
  await installIstioCrds(plane, options.istioGroups ?? ["networking.istio.io"]);
  await createNamespace(plane, "shop", { "kubernetes.io/metadata.name": "shop" });
  await createNamespace(plane, "billing", { "kubernetes.io/metadata.name": "billing" });
  await createNamespace(plane, "storefront", { "istio-injection": "enabled", "kubernetes.io/metadata.name": "storefront" });
  await createNamespace(plane, "istio-system", { "kubernetes.io/metadata.name": "istio-system" });
  await createNode(plane);
  const pods: Scenario["pods"] = {};

  // --- shop/orders: OOMKilled (exit 137) and now in CrashLoopBackOff. ---
  const ordersTemplate = {
    containers: [
      {
        name: "orders",
        image: "registry.example.com/shop/orders:1.8.2",
        ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
        env: [{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx512m" }],
        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "256Mi" } },
      },
    ],
  };
  const orders = await createDeployment(plane, "shop", "orders", { hash: "7c9d8b6f5", podTemplate: ordersTemplate });
  const ordersPod = await createPod(plane, "shop", "orders-7c9d8b6f5-x2x9q", { spec: ordersTemplate, labels: { app: "orders", "pod-template-hash": "7c9d8b6f5" }, owner: orders.replicaSet });
  pods.orders = ref(ordersPod);
  await setPodStatus(plane, "shop", ordersPod.metadata.name, {
    ...runningPodStatus(
      [
        {
          ...runningContainer("orders", "registry.example.com/shop/orders:1.8.2", 0, false),
          started: false,
          restartCount: 5,
          state: { waiting: { reason: "CrashLoopBackOff", message: `back-off 2m40s restarting failed container=orders pod=${ordersPod.metadata.name}_shop(${ordersPod.metadata.uid})` } },
          lastState: { terminated: { exitCode: 137, reason: "OOMKilled", startedAt: ago(95), finishedAt: ago(61), containerID: "containerd://8d2f0c4b6a1e3d5f7b9c0e2a4d6f8b1c3e5a7d9f0b2c4e6a8d1f3b5c7e9a0d2f" } },
        },
      ],
      "10.244.0.11",
      false,
      ["orders"],
    ),
  });
  await setContainerLogs(plane, "shop", ordersPod.metadata.name, {
    orders: {
      previous: [
        "Picked up JAVA_TOOL_OPTIONS: -Xmx512m",
        "2025-06-02T09:14:05.112Z  INFO 1 --- [           main] c.e.shop.orders.OrdersApplication        : Starting OrdersApplication v1.8.2 using Java 21.0.3 with PID 1",
        "2025-06-02T09:14:09.871Z  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http) with context path '/'",
        "2025-06-02T09:14:10.020Z  INFO 1 --- [           main] c.e.shop.orders.OrdersApplication        : Started OrdersApplication in 5.321 seconds (process running for 5.9)",
        "2025-06-02T09:14:31.447Z  INFO 1 --- [nio-8080-exec-3] c.e.shop.orders.ReportService            : building monthly report for 48211 orders",
      ],
      current: [],
    },
  });
  await createEvent(plane, ordersPod, { type: "Normal", reason: "Pulled", message: 'Container image "registry.example.com/shop/orders:1.8.2" already present on machine', count: 6, fieldPath: "spec.containers{orders}", first: ago(880), last: ago(95) });
  await createEvent(plane, ordersPod, { type: "Normal", reason: "Created", message: "Created container: orders", count: 6, fieldPath: "spec.containers{orders}", first: ago(880), last: ago(95) });
  await createEvent(plane, ordersPod, { type: "Normal", reason: "Started", message: "Started container orders", count: 6, fieldPath: "spec.containers{orders}", first: ago(879), last: ago(95) });
  await createEvent(plane, ordersPod, {
    reason: "BackOff",
    message: `Back-off restarting failed container orders in pod ${ordersPod.metadata.name}_shop(${ordersPod.metadata.uid})`,
    count: 19,
    fieldPath: "spec.containers{orders}",
    first: ago(700),
    last: ago(20),
  });

  // --- shop/catalog: the image tag does not exist (ImagePullBackOff). ---
  const catalogImage = "registry.example.com/shop/catalog:v2.3.1";
  const catalogTemplate = { containers: [{ name: "catalog", image: catalogImage, ports: [{ containerPort: 8080, name: "http" }], resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } } }] };
  const catalog = await createDeployment(plane, "shop", "catalog", { hash: "5f6b9d7c8", podTemplate: catalogTemplate });
  const catalogPod = await createPod(plane, "shop", "catalog-5f6b9d7c8-qm4lz", { spec: catalogTemplate, labels: { app: "catalog", "pod-template-hash": "5f6b9d7c8" }, owner: catalog.replicaSet });
  pods.catalog = ref(catalogPod);
  await setPodStatus(plane, "shop", catalogPod.metadata.name, {
    phase: "Pending",
    conditions: podConditions(false, ["catalog"]),
    hostIP: "127.0.0.1",
    hostIPs: [{ ip: "127.0.0.1" }],
    podIP: "10.244.0.13",
    podIPs: [{ ip: "10.244.0.13" }],
    startTime: ago(900),
    qosClass: "Burstable",
    containerStatuses: [
      { name: "catalog", image: catalogImage, imageID: "", ready: false, started: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${catalogImage}"` } }, lastState: {} },
    ],
  });
  const pullError = `rpc error: code = NotFound desc = failed to pull and unpack image "${catalogImage}": failed to resolve reference "${catalogImage}": ${catalogImage}: not found`;
  await createEvent(plane, catalogPod, { type: "Normal", reason: "Pulling", message: `Pulling image "${catalogImage}"`, count: 6, fieldPath: "spec.containers{catalog}", first: ago(890), last: ago(240) });
  await createEvent(plane, catalogPod, { reason: "Failed", message: `Failed to pull image "${catalogImage}": ${pullError}`, count: 6, fieldPath: "spec.containers{catalog}", first: ago(889), last: ago(239) });
  await createEvent(plane, catalogPod, { reason: "Failed", message: "Error: ErrImagePull", count: 6, fieldPath: "spec.containers{catalog}", first: ago(889), last: ago(239) });
  await createEvent(plane, catalogPod, { type: "Normal", reason: "BackOff", message: `Back-off pulling image "${catalogImage}"`, count: 41, fieldPath: "spec.containers{catalog}", first: ago(888), last: ago(12) });
  await createEvent(plane, catalogPod, { reason: "Failed", message: "Error: ImagePullBackOff", count: 41, fieldPath: "spec.containers{catalog}", first: ago(888), last: ago(12) });

  // --- shop/payments: a typo in the Secret key (CreateContainerConfigError). ---
  await create(plane, "/api/v1/namespaces/shop/secrets", {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "payments-db", namespace: "shop" },
    type: "Opaque",
    data: { username: Buffer.from("payments").toString("base64"), password: Buffer.from(SECRET_VALUE).toString("base64") },
  });
  // Helm keeps each release in a Secret of its own type; nothing references it.
  await create(plane, "/api/v1/namespaces/shop/secrets", {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "sh.helm.release.v1.shop.v3", namespace: "shop", labels: { name: "shop", owner: "helm", status: "deployed", version: "3" } },
    type: "helm.sh/release.v1",
    data: { release: Buffer.from("H4sIAAAAAAAC/+x9a3PbuJLo9/0VKN1vR0ZIKnRkRkHZOuhPLJtOnoJz4JzyP4mhUzEzxJQ==").toString("base64") },
  });
  const paymentsTemplate = {
    containers: [
      {
        name: "payments",
        image: "registry.example.com/shop/payments:3.0.4",
        env: [
          { name: "DB_USER", valueFrom: { secretKeyRef: { name: "payments-db", key: "username" } } },
          { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "payments-db", key: "passwrod" } } },
        ],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      },
    ],
  };
  const payments = await createDeployment(plane, "shop", "payments", { hash: "6d8f7b9c4", podTemplate: paymentsTemplate });
  const paymentsPod = await createPod(plane, "shop", "payments-6d8f7b9c4-7wq2n", { spec: paymentsTemplate, labels: { app: "payments", "pod-template-hash": "6d8f7b9c4" }, owner: payments.replicaSet });
  pods.payments = ref(paymentsPod);
  await setPodStatus(plane, "shop", paymentsPod.metadata.name, {
    phase: "Pending",
    conditions: podConditions(false, ["payments"]),
    hostIP: "127.0.0.1",
    hostIPs: [{ ip: "127.0.0.1" }],
    podIP: "10.244.0.14",
    podIPs: [{ ip: "10.244.0.14" }],
    startTime: ago(900),
    qosClass: "Burstable",
    containerStatuses: [
      {
        name: "payments",
        image: "registry.example.com/shop/payments:3.0.4",
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: "CreateContainerConfigError", message: "couldn't find key passwrod in Secret shop/payments-db" } },
        lastState: {},
      },
    ],
  });
  await createEvent(plane, paymentsPod, { type: "Normal", reason: "Pulled", message: 'Container image "registry.example.com/shop/payments:3.0.4" already present on machine', count: 72, fieldPath: "spec.containers{payments}", first: ago(895), last: ago(8) });
  await createEvent(plane, paymentsPod, { reason: "Failed", message: "Error: couldn't find key passwrod in Secret shop/payments-db", count: 72, fieldPath: "spec.containers{payments}", first: ago(895), last: ago(8) });

  // --- shop/frontend: healthy, two replicas (no request of their own in a scan). ---
  const frontendTemplate = { containers: [{ name: "frontend", image: "registry.example.com/shop/frontend:5.2.0", ports: [{ containerPort: 8080, name: "http" }], resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } } }] };
  const frontend = await createDeployment(plane, "shop", "frontend", { hash: "6b5d4c3f2a", podTemplate: frontendTemplate, replicas: 2 });
  for (const suffix of ["h7k2p", "m3n8v"]) {
    const pod = await createPod(plane, "shop", `frontend-6b5d4c3f2a-${suffix}`, { spec: frontendTemplate, labels: { app: "frontend", "pod-template-hash": "6b5d4c3f2a" }, owner: frontend.replicaSet });
    await setPodStatus(plane, "shop", pod.metadata.name, runningPodStatus([runningContainer("frontend", "registry.example.com/shop/frontend:5.2.0", 860)], `10.244.0.${suffix === "h7k2p" ? 21 : 22}`, true));
  }

  // Services, a NetworkPolicy, Istio routing with a subset the DestinationRule does not define.
  for (const app of ["orders", "catalog", "payments", "frontend"]) {
    await create(plane, "/api/v1/namespaces/shop/services", { apiVersion: "v1", kind: "Service", metadata: { name: app, namespace: "shop" }, spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } });
  }
  await create(plane, "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "frontend-ingress", namespace: "shop" },
    spec: { podSelector: { matchLabels: { app: "frontend" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 8080, protocol: "TCP" }] }] },
  });
  await create(plane, "/api/v1/namespaces/storefront/services", { apiVersion: "v1", kind: "Service", metadata: { name: "cart", namespace: "storefront" }, spec: { selector: { app: "cart" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } });
  await create(plane, "/apis/networking.istio.io/v1/namespaces/storefront/virtualservices", {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name: "cart", namespace: "storefront" },
    spec: { hosts: ["cart"], http: [{ route: [{ destination: { host: "cart", subset: "v2" } }] }] },
  });
  await create(plane, "/apis/networking.istio.io/v1/namespaces/storefront/destinationrules", {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: { name: "cart", namespace: "storefront" },
    spec: { host: "cart", subsets: [{ name: "v1", labels: { version: "v1" } }] },
  });

  // --- storefront/cart: READY 1/2, istio-proxy never gets its configuration. ---
  const proxyImage = "docker.io/istio/proxyv2:1.27.1";
  const cartTemplate = {
    containers: [
      { name: "cart", image: "registry.example.com/storefront/cart:2.4.0", ports: [{ containerPort: 8080, name: "http" }], resources: { requests: { cpu: "100m", memory: "128Mi" } } },
      {
        name: "istio-proxy",
        image: proxyImage,
        args: ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"],
        ports: [{ containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }],
        readinessProbe: { httpGet: { path: "/healthz/ready", port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } },
      },
    ],
  };
  const cart = await createDeployment(plane, "storefront", "cart", { hash: "84c7d5f9b6", podTemplate: cartTemplate });
  const cartPod = await createPod(plane, "storefront", "cart-84c7d5f9b6-r8zjk", {
    spec: cartTemplate,
    labels: { app: "cart", "pod-template-hash": "84c7d5f9b6", "security.istio.io/tlsMode": "istio", "service.istio.io/canonical-name": "cart" },
    annotations: { "sidecar.istio.io/status": '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}' },
    owner: cart.replicaSet,
  });
  pods.cart = ref(cartPod);
  await setPodStatus(plane, "storefront", cartPod.metadata.name, runningPodStatus([runningContainer("cart", "registry.example.com/storefront/cart:2.4.0", 880), runningContainer("istio-proxy", proxyImage, 880, false)], "10.244.0.12", false, ["istio-proxy"]));
  await setContainerLogs(plane, "storefront", cartPod.metadata.name, {
    "istio-proxy": {
      current: [
        "2025-06-02T09:14:03.118102Z\tinfo\tFLAG: --concurrency=\"2\"",
        "2025-06-02T09:14:03.402117Z\tinfo\tEnvoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected",
        '2025-06-02T09:14:35.221938Z\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/grpc_stream.h:152\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 32s ago: 14, connection error: desc = "transport: Error while dialing: dial tcp 10.96.0.10:15012: i/o timeout"\tthread=21',
      ],
    },
  });
  await createEvent(plane, cartPod, {
    reason: "Unhealthy",
    message: 'Readiness probe failed: Get "http://10.244.0.12:15021/healthz/ready": dial tcp 10.244.0.12:15021: connect: connection refused',
    count: 58,
    fieldPath: "spec.containers{istio-proxy}",
    first: ago(870),
    last: ago(5),
  });

  // --- billing/invoices: exits 1 because it dials Redis on localhost. ---
  const invoicesTemplate = { containers: [{ name: "invoices", image: "registry.example.com/billing/invoices:0.9.7", env: [{ name: "REDIS_URL", value: "redis://127.0.0.1:6379" }], resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "192Mi" } } }] };
  const invoices = await createDeployment(plane, "billing", "invoices", { hash: "58d9c6b7f4", podTemplate: invoicesTemplate });
  const invoicesPod = await createPod(plane, "billing", "invoices-58d9c6b7f4-tk9sd", { spec: invoicesTemplate, labels: { app: "invoices", "pod-template-hash": "58d9c6b7f4" }, owner: invoices.replicaSet });
  pods.invoices = ref(invoicesPod);
  await setPodStatus(plane, "billing", invoicesPod.metadata.name, {
    ...runningPodStatus(
      [
        {
          ...runningContainer("invoices", "registry.example.com/billing/invoices:0.9.7", 0, false),
          started: false,
          restartCount: 7,
          state: { waiting: { reason: "CrashLoopBackOff", message: `back-off 5m0s restarting failed container=invoices pod=${invoicesPod.metadata.name}_billing(${invoicesPod.metadata.uid})` } },
          lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: ago(130), finishedAt: ago(128), containerID: "containerd://1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d" } },
        },
      ],
      "10.244.0.31",
      false,
      ["invoices"],
    ),
  });
  await setContainerLogs(plane, "billing", invoicesPod.metadata.name, {
    invoices: {
      previous: [
        "[Nest] 1  - 06/02/2025, 9:12:01 AM     LOG [NestFactory] Starting Nest application...",
        "[Nest] 1  - 06/02/2025, 9:12:01 AM   ERROR [ExceptionHandler] connect ECONNREFUSED 127.0.0.1:6379",
        "Error: connect ECONNREFUSED 127.0.0.1:6379",
        "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)",
      ],
      current: [],
    },
  });
  await createEvent(plane, invoicesPod, { reason: "BackOff", message: `Back-off restarting failed container invoices in pod ${invoicesPod.metadata.name}_billing(${invoicesPod.metadata.uid})`, count: 33, fieldPath: "spec.containers{invoices}", first: ago(860), last: ago(40) });

  // kwok serves logs once it has seen the Logs objects.
  await waitForLog(plane, "shop", ordersPod.metadata.name, "orders", true);
  await waitForLog(plane, "storefront", cartPod.metadata.name, "istio-proxy");
  await waitForLog(plane, "billing", invoicesPod.metadata.name, "invoices", true);
  return { pods };
}

function ref(pod: Json) {
  return { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}
