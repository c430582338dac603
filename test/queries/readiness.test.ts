import { describe, expect, it } from "vitest";
import { buildView } from "../helpers/rule-tester.js";
import { computeReadiness } from "../../src/queries/readiness.js";
import { readinessMarkdown, readinessText } from "../../src/report/mesh-readiness.js";
import { istiodLineProblem } from "../../src/queries/istiod-logs.js";
import { viewFromPaths } from "../../src/sources/load-view.js";
import { resolve } from "node:path";

const node = (name: string, cpu: string, memory: string): string => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
    node.kubernetes.io/instance-type: k3s
spec:
  providerID: k3s://${name}
status:
  allocatable:
    cpu: "${cpu}"
    ephemeral-storage: "61255492Ki"
    memory: ${memory}
    pods: "110"
`;
const namespace = (name: string, labels: string[] = []): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    kubernetes.io/metadata.name: ${name}\n${labels.map((label) => `    ${label}\n`).join("")}`;
const deployment = (name: string, ns: string, container = "", kind = "Deployment"): string => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: ${name}
        image: registry.example.com/${name}:1.0.0
        ports:
        - containerPort: 8080
${container}`;
const service = (name: string, ns: string, portName = "http"): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    app: ${name}
  ports:
  - name: ${portName}
    port: 80
    targetPort: 8080
`;

describe("ktriage mesh readiness", () => {
  it("flags a small k3d cluster that is not ready for Istio, item by item", () => {
    const view = buildView({
      name: "small",
      files: {
        "node.yaml": node("k3d-my-cluster-server-0", "2", "3946508Ki"),
        "ns1.yaml": namespace("my-app"),
        "ns2.yaml": namespace("secure", ["pod-security.kubernetes.io/enforce: restricted"]),
        "d1.yaml": deployment("my-service", "my-app", "        - containerPort: 15090\n"),
        "d2.yaml": deployment("vault-agent", "secure", "        securityContext:\n          runAsUser: 1337\n"),
        "s1.yaml": service("my-service", "my-app", "web"),
        "np.yaml": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: my-app\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n  - Egress\n",
      },
    });
    const report = computeReadiness(view);
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    expect(status).toEqual({
      services: "warn",
      resources: "fail",
      "sidecar-memory": "ok",
      "network-policies": "warn",
      "pod-security": "warn",
      "port-naming": "warn",
      "reserved-ports": "fail",
      "uid-1337": "fail",
      "istiod-logs": "info",
    });
    expect(report.cluster.local).toBe('k3d cluster "my-cluster"');
    expect(report.checks.find((check) => check.id === "resources")!.detail).toMatch(/istiod itself keeps restarting/);
    expect(report.checks.find((check) => check.id === "reserved-ports")!.items).toEqual(["Deployment my-app/my-service: my-service uses 15090"]);
    expect(report.estimate).toMatchObject({ podsToInject: 2, sidecarMemoryMiB: [100, 200] });
    expect(report.plan[0]!.commands).toContain("istioctl install --set profile=demo -y");
    expect(report.rollback[2]!.commands).toEqual(["istioctl uninstall --purge -y", "kubectl delete namespace istio-system"]);
  });

  it("plans the four phases with the cluster's names: a test namespace first, production and already-meshed ones handled apart", () => {
    const view = buildView({
      name: "plan",
      files: {
        "node.yaml": node("worker-1", "8", "16Gi"),
        "ns1.yaml": namespace("test-app"),
        "ns2.yaml": namespace("shop-prod"),
        "ns3.yaml": namespace("payments", ["istio-injection: enabled"]),
        "ns4.yaml": namespace("batch", ["istio-injection: disabled"]),
        "d1.yaml": deployment("test-service", "test-app"),
        "d2.yaml": deployment("orders", "shop-prod"),
        "d3.yaml": deployment("postgres", "shop-prod", "", "StatefulSet"),
        "d4.yaml": deployment("ledger", "payments"),
        "d5.yaml": deployment("nightly", "batch"),
        ...Object.fromEntries(["a", "b", "c", "d", "e"].map((name) => [`svc-${name}.yaml`, service(name, "shop-prod")])),
      },
    });
    const report = computeReadiness(view);
    expect(report.checks.find((check) => check.id === "services")!.status).toBe("ok");
    expect(report.checks.find((check) => check.id === "resources")!.status).toBe("ok");
    expect(report.plan[1]!.commands).toEqual(["kubectl label namespace test-app istio-injection=enabled", "kubectl rollout restart deployment/test-service -n test-app"]);
    expect(report.plan[2]!.commands).toEqual([
      "kubectl label namespace shop-prod istio-injection=enabled",
      "kubectl rollout restart deployment/orders -n shop-prod",
      "kubectl rollout restart statefulset/postgres -n shop-prod   # stateful: plan for downtime",
      "# already in the mesh: payments",
      "# opted out (istio-injection=disabled), left alone: batch",
    ]);
    expect(report.rollback[1]!.commands).toContain("kubectl label namespace payments istio-injection-");
    expect(report.rollback[1]!.commands.join("\n")).not.toContain("batch");
    const text = readinessText(report);
    expect(text).toContain("[OK  ] Cluster resources (4 cores, 8 GB, 20 GB disk)");
    expect(text).toContain("$ kubectl rollout restart deployment/test-service -n test-app");
    expect(readinessMarkdown(report)).toContain("### Rollback plan");
  });

  it("says what it cannot know when nodes are not in the inputs", () => {
    const report = computeReadiness(buildView({ name: "no-nodes", files: { "d.yaml": deployment("api", "shop") } }));
    expect(report.checks.find((check) => check.id === "resources")).toMatchObject({ status: "unknown" });
  });

  it("warns when the nodes have less than the 20 GB of disk the mesh needs, node by node", () => {
    const small = node("k3d-dev-server-0", "4", "8Gi").replace('ephemeral-storage: "61255492Ki"', 'ephemeral-storage: "15Gi"');
    const report = computeReadiness(buildView({ name: "disk", files: { "node.yaml": small, "d.yaml": deployment("api", "shop") } }));
    const resources = report.checks.find((check) => check.id === "resources")!;
    expect(resources.status).toBe("warn");
    expect(resources.detail).toMatch(/Disk is below the recommended 20 GB/);
    expect(resources.items).toEqual(["node k3d-dev-server-0: 15.0 GiB allocatable ephemeral storage"]);
    const roomy = computeReadiness(buildView({ name: "disk-ok", files: { "node.yaml": node("worker-1", "4", "8Gi"), "d.yaml": deployment("api", "shop") } }));
    expect(roomy.checks.find((check) => check.id === "resources")!.status).toBe("ok");
  });

  const istiodPod = `apiVersion: v1
kind: Pod
metadata:
  name: istiod-7d8f6b6b7-abc12
  namespace: istio-system
  labels:
    app: istiod
    istio: pilot
spec:
  containers:
  - name: discovery
    image: docker.io/istio/pilot:1.27.0
status:
  phase: Running
  containerStatuses:
  - name: discovery
    ready: true
    restartCount: 0
    state:
      running:
        startedAt: "2025-06-02T09:00:00Z"
`;

  it("reads istiod's log for errors and rejected pushes, in Istio's text and JSON layouts", () => {
    // Lines as istiod prints them (istio/istio#61097, #26428, #31930).
    const text = [
      "2026-08-03T03:41:47.101224Z\tinfo\tads\tADS: new connection for node:deviceuser-545b9b4c5f-k2sbk.device-47920-3",
      "2026-08-03T03:41:48.503582Z\twarn\tads\tADS:CDS: ACK ERROR deviceuser-545b9b4c5f-k2sbk.device-47920 Internal:Proto constraint validation failed (ClusterValidationError.OutlierDetection: embedded message failed validation | caused by OutlierDetectionValidationError.Interval: value must be greater than 0s)",
      "2020-08-12T18:26:49.872087Z\terror\tads\tFailed to authenticate client from [::1]:54835 Authenticator ClientCertAuthenticator: no verified chain is found",
      '{"level":"error","time":"2021-04-06T10:04:24.047569Z","scope":"ads","msg":"ADS: \\"@\\"  terminated with error: rpc error: code = ResourceExhausted desc = grpc: received message larger than max (15301465 vs. 4194304)"}',
      '{"level":"info","time":"2020-10-20T18:38:58.574420Z","scope":"ads","msg":"XDS:EDSInc Pushing:2020-10-20T18:11:26Z/249 ConnectedEndpoints:146"}',
    ].join("\n");
    const view = buildView({ name: "istiod-errors", files: { "istiod.yaml": istiodPod, "d.yaml": deployment("api", "shop") }, logs: [{ namespace: "istio-system", pod: "istiod-7d8f6b6b7-abc12", container: "discovery", text }] });
    const check = computeReadiness(view).checks.find((entry) => entry.id === "istiod-logs")!;
    expect(check.status).toBe("warn");
    expect(check.items).toHaveLength(3);
    expect(check.items[0]).toMatch(/^istiod-7d8f6b6b7-abc12 line 2: warn ads: ADS:CDS: ACK ERROR deviceuser/);
    expect(check.items[1]).toMatch(/line 3: error ads: Failed to authenticate client/);
    expect(check.items[2]).toMatch(/line 4: error ads: .*ResourceExhausted/);

    const quiet = buildView({ name: "istiod-quiet", files: { "istiod.yaml": istiodPod }, logs: [{ namespace: "istio-system", pod: "istiod-7d8f6b6b7-abc12", container: "discovery", text: text.split("\n")[0]! }] });
    expect(computeReadiness(quiet).checks.find((entry) => entry.id === "istiod-logs")).toMatchObject({ status: "ok", items: [] });
    const unread = computeReadiness(buildView({ name: "istiod-unread", files: { "istiod.yaml": istiodPod } })).checks.find((entry) => entry.id === "istiod-logs")!;
    expect(unread.status).toBe("unknown");
    expect(unread.detail).toContain("kubectl logs -n istio-system -l app=istiod --tail=50");
  });

  it("uses istiod's working set when metrics-server measured it, the estimate otherwise", () => {
    const metrics = "apiVersion: metrics.k8s.io/v1beta1\nkind: PodMetrics\nmetadata:\n  name: istiod-7d8f6b6b7-abc12\n  namespace: istio-system\ntimestamp: \"2025-06-02T10:14:30Z\"\nwindow: 15s\ncontainers:\n- name: discovery\n  usage:\n    cpu: 41m\n    memory: 312148Ki\n";
    const measured = computeReadiness(buildView({ name: "istiod-measured", files: { "istiod.yaml": istiodPod, "metrics.yaml": metrics, "d.yaml": deployment("api", "shop") } }));
    expect(measured.estimate).toMatchObject({ istiodMemoryMiB: 305, istiodMemoryMeasured: true });
    expect(measured.checks.find((entry) => entry.id === "sidecar-memory")!.detail).toContain("plus 305 MiB for istiod (its working set now, metrics-server)");
    const estimated = computeReadiness(buildView({ name: "istiod-estimated", files: { "istiod.yaml": istiodPod, "d.yaml": deployment("api", "shop") } }));
    expect(estimated.estimate.istiodMemoryMiB).toBe(200);
    expect(estimated.estimate.istiodMemoryMeasured).toBeUndefined();
    expect(estimated.checks.find((entry) => entry.id === "sidecar-memory")!.detail).toContain("plus about 200 MiB for istiod");
  });

  it("takes klog error lines as errors and plain info lines as none", () => {
    expect(istiodLineProblem('E0602 10:40:00.123456       1 reflector.go:158] "Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Service: unknown"')).toMatchObject({ level: "error" });
    expect(istiodLineProblem("2025-06-02T10:42:17.633210Z\tinfo\tads\tXDS: Pushing Services:15 ConnectedEndpoints:24 Version:2025-06-02T10:42:17Z/57")).toBeUndefined();
    expect(istiodLineProblem("{not json")).toBeUndefined();
  });

  it("moves a healthy, low-traffic service first: never a crash-looping one, nor one exposed through a gateway when another is not", () => {
    const lab = viewFromPaths([resolve(import.meta.dirname, "../../examples/lab")]);
    const report = computeReadiness(lab);
    const phase2 = report.plan[1]!;
    // The lab's test-like namespaces sort first; lab-arch's only workload crash-loops (exec format error).
    expect(phase2.commands).not.toContain("kubectl rollout restart deployment/cert-webhook -n lab-arch");
    expect(phase2.goal).toMatch(/Passed over: namespace lab-arch: no healthy stateless workload/);
    const restart = phase2.commands.find((command) => command.startsWith("kubectl rollout restart"))!;
    const [, name, namespace] = /deployment\/(\S+) -n (\S+)/.exec(restart)!;
    const pods = lab.kindIn("Pod", namespace).filter((pod) => pod.metadata.name!.startsWith(`${name}-`));
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect((pod.status?.containerStatuses ?? []).every((status: { ready?: boolean }) => status.ready === true)).toBe(true);
    expect(phase2.goal).toMatch(/running and ready, not exposed outside the cluster/);
    // istiod's log in the lab has no error.
    expect(report.checks.find((check) => check.id === "istiod-logs")!.status).toBe("ok");
  });

  it("prefers the workload no gateway exposes, and passes over the one whose pod is not ready", () => {
    const pod = (name: string, ready: boolean, waiting = "") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}-5d4b5b4b7f-abcde
  namespace: test-app
  labels:
    app: ${name}
  ownerReferences:
  - apiVersion: apps/v1
    kind: Deployment
    name: ${name}
    controller: true
spec:
  containers:
  - name: ${name}
    image: registry.example.com/${name}:1.0.0
status:
  phase: Running
  containerStatuses:
  - name: ${name}
    ready: ${ready}
    restartCount: ${waiting ? 7 : 0}
    state:
${waiting ? `      waiting:\n        reason: ${waiting}\n` : '      running:\n        startedAt: "2025-06-02T09:00:00Z"\n'}`;
    const view = buildView({
      name: "phase2",
      now: "2025-06-02T10:45:00Z",
      files: {
        "node.yaml": node("worker-1", "8", "16Gi"),
        "ns.yaml": namespace("test-app"),
        "a.yaml": deployment("a-crashing", "test-app"),
        "b.yaml": deployment("b-public", "test-app"),
        "c.yaml": deployment("c-internal", "test-app"),
        "pa.yaml": pod("a-crashing", false, "CrashLoopBackOff"),
        "pb.yaml": pod("b-public", true),
        "pc.yaml": pod("c-internal", true),
        "sb.yaml": service("b-public", "test-app").replace("spec:\n", "spec:\n  type: LoadBalancer\n"),
        "sc.yaml": service("c-internal", "test-app"),
      },
    });
    const phase2 = computeReadiness(view).plan[1]!;
    expect(phase2.commands).toEqual(["kubectl label namespace test-app istio-injection=enabled", "kubectl rollout restart deployment/c-internal -n test-app"]);
    expect(phase2.goal).toContain("Passed over: deployment/a-crashing: pod a-crashing-5d4b5b4b7f-abcde: a-crashing CrashLoopBackOff");
  });
});
