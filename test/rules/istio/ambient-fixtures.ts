/** Bookinfo in ambient mode, as istio.io's ambient getting-started guide deploys it. */
export const docs = (...parts: string[]): string => parts.map((part) => part.trim()).join("\n---\n") + "\n";

export const namespace = (name: string, labels: Record<string, string> = {}): string => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${Object.keys(labels).length ? `  labels:\n${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join("\n")}` : ""}`;

export const service = (name: string, ns: string, labels: Record<string, string> = {}): string => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join("\n")}
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: ${name}`;

export const deployment = (name: string, ns: string, labels: Record<string, string> = {}): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-v1
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        version: v1
${Object.entries(labels).map(([k, v]) => `        ${k}: "${v}"`).join("\n")}
    spec:
      serviceAccountName: bookinfo-${name}
      containers:
      - name: ${name}
        image: docker.io/istio/examples-bookinfo-${name}-v1:1.20.2
        ports:
        - containerPort: 9080`;

/** A running pod of `<name>-v1`: captured by ztunnel (`ambient`) or with a sidecar (`sidecar`). */
export const pod = (name: string, ns: string, mode: "ambient" | "sidecar" | "none", labels: Record<string, string> = {}): string => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}-v1-5f9d8c7b6-x2k4q
  namespace: ${ns}
  labels:
    app: ${name}
    version: v1
    pod-template-hash: 5f9d8c7b6
${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join("\n")}
${mode === "ambient" ? "  annotations:\n    ambient.istio.io/redirection: enabled\n" : mode === "sidecar" ? "  annotations:\n    sidecar.istio.io/status: '{\"containers\":[\"istio-proxy\"]}'\n" : ""}  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: ${name}-v1-5f9d8c7b6
    controller: true
spec:
  containers:
  - name: ${name}
    image: docker.io/istio/examples-bookinfo-${name}-v1:1.20.2
${mode === "sidecar" ? "  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1\n" : ""}status:
  phase: Running`;

export const waypoint = (ns: string, name = "waypoint", labels: Record<string, string> = {}): string => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${ns}
${Object.keys(labels).length ? `  labels:\n${Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join("\n")}` : ""}
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE`;

/** istio.io's "productpage-viewer" policy with an HTTP method rule. */
export const l7Policy = (ns: string, attach: string): string => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: productpage-viewer
  namespace: ${ns}
spec:
${attach}
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
        - cluster.local/ns/${ns}/sa/bookinfo-gateway-istio
    to:
    - operation:
        methods: ["GET"]`;

export const l4Policy = (ns: string): string => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: productpage-ztunnel
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: productpage
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
        - cluster.local/ns/${ns}/sa/bookinfo-gateway-istio`;

export const targetService = (name: string) => `  targetRefs:\n  - kind: Service\n    group: ""\n    name: ${name}`;
export const targetWaypoint = (name = "waypoint") => `  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: ${name}`;
export const selectApp = (app: string) => `  selector:\n    matchLabels:\n      app: ${app}`;
