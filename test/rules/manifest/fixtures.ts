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
