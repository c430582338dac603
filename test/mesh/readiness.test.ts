import { describe, expect, it } from "vitest";
import { buildView } from "../helpers/rule-tester.js";
import { computeReadiness } from "../../src/mesh/readiness.js";
import { readinessMarkdown, readinessText } from "../../src/mesh/readiness-format.js";

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
    expect(text).toContain("[OK  ] Cluster resources (4 cores, 8 GB)");
    expect(text).toContain("$ kubectl rollout restart deployment/test-service -n test-app");
    expect(readinessMarkdown(report)).toContain("### Rollback plan");
  });

  it("says what it cannot know when nodes are not in the inputs", () => {
    const report = computeReadiness(buildView({ name: "no-nodes", files: { "d.yaml": deployment("api", "shop") } }));
    expect(report.checks.find((check) => check.id === "resources")).toMatchObject({ status: "unknown" });
  });
});
