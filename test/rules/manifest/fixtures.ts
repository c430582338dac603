/** Builders for realistic manifests in rule tests: the pod spec is given as plain YAML and indented into place. */
function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .replace(/^\n+/, "")
    .replace(/\s+$/, "")
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : pad + line))
    .join("\n");
}

export interface WorkloadOptions {
  name?: string;
  namespace?: string | null;
  replicas?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function labelsYaml(labels: Record<string, string>, spaces: number): string {
  return Object.entries(labels)
    .map(([k, v]) => `${" ".repeat(spaces)}${k}: ${v}`)
    .join("\n");
}

/** A Deployment whose template.spec is `podSpec` (YAML as written under `spec:`). Line of `spec:` of the template is 15 + labels. */
export function deployment(podSpec: string, options: WorkloadOptions = {}): string {
  const name = options.name ?? "web";
  const labels = options.labels ?? { app: name };
  const ns = options.namespace === null ? "" : `\n  namespace: ${options.namespace ?? "shop"}`;
  const annotations = options.annotations ? `\n      annotations:\n${labelsYaml(options.annotations, 8)}` : "";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${ns}
spec:
  replicas: ${options.replicas ?? 2}
  selector:
    matchLabels:
${labelsYaml(labels, 6)}
  template:
    metadata:
      labels:
${labelsYaml(labels, 8)}${annotations}
    spec:
${indent(podSpec, 6)}
`;
}

export function pod(podSpec: string, options: WorkloadOptions = {}): string {
  const name = options.name ?? "debug";
  const ns = options.namespace === null ? "" : `\n  namespace: ${options.namespace ?? "shop"}`;
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}${ns}
  labels:
${labelsYaml(options.labels ?? { app: name }, 4)}
spec:
${indent(podSpec, 2)}
`;
}

export function statefulSet(podSpec: string, extraSpec = "", options: WorkloadOptions = {}): string {
  const name = options.name ?? "db";
  const labels = options.labels ?? { app: name };
  return `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  namespace: ${options.namespace ?? "shop"}
spec:
  serviceName: ${name}
  replicas: ${options.replicas ?? 1}
  selector:
    matchLabels:
${labelsYaml(labels, 6)}
  template:
    metadata:
      labels:
${labelsYaml(labels, 8)}
    spec:
${indent(podSpec, 6)}
${indent(extraSpec, 2)}
`;
}

export function cronJob(podSpec: string, options: WorkloadOptions = {}): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${options.name ?? "report"}
  namespace: ${options.namespace ?? "shop"}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
${indent(podSpec, 10)}
`;
}

/** A cluster inventory: Nodes with allocatable resources, labels and taints, as a kubectl List. */
export function nodes(list: Array<{ name: string; cpu?: string; memory?: string; labels?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }> }>): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: list.map((n) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: n.name, labels: { "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", ...(n.labels ?? {}) } },
      spec: n.taints ? { taints: n.taints } : {},
      status: { allocatable: { cpu: n.cpu ?? "4", memory: n.memory ?? "16Gi", pods: "110" }, capacity: { cpu: n.cpu ?? "4", memory: n.memory ?? "16Gi", pods: "110" } },
    })),
  });
}

/** A Deployment `api` in `shop` serving a named port `http` (8080). */
export const api = deployment("containers:\n- name: api\n  image: ghcr.io/acme/api:1.2.0\n  ports:\n  - name: http\n    containerPort: 8080", { name: "api" });

/** A Service `api` in `shop` selecting `selector`, port 80 to `targetPort`. */
export const service = (selector: string, targetPort = "http", name = "api") => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    ${selector}
  ports:
  - name: http
    port: 80
    targetPort: ${targetPort}
`;

/** An Ingress `shop` routing shop.example.com/ to the Service `backend`. */
export const ingress = (backend: string, port = "number: 80", cls = "nginx") => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
spec:
  ingressClassName: ${cls}
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${backend}
            port:
              ${port}
`;

/** An unprivileged nginx container `web` with a named port, and the given probes. */
export const web = (probes: string, ports = "  ports:\n  - name: http\n    containerPort: 8080") => `containers:
- name: web
  image: ghcr.io/nginxinc/nginx-unprivileged:1.27-alpine
${ports}
${probes}`;

/** Recommended probes on `web`: a startup probe that allows 2 minutes, then liveness and readiness on their own paths. */
export const healthy = web(`  startupProbe:
    httpGet: { path: /healthz/startup, port: http }
    periodSeconds: 2
    failureThreshold: 60
  livenessProbe:
    httpGet: { path: /healthz/live, port: http }
    periodSeconds: 10
    timeoutSeconds: 2
    failureThreshold: 3
  readinessProbe:
    httpGet: { path: /healthz/ready, port: http }
    periodSeconds: 5
    timeoutSeconds: 1
    failureThreshold: 2`);
