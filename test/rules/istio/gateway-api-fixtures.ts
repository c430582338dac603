/** Bookinfo behind a Kubernetes Gateway, as istio.io's Gateway API task writes it. */
export const gateway = (name: string, ns: string, listeners: string, extra = ""): string => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  gatewayClassName: istio
${extra}  listeners:
${listeners}`;

export const listener = (name: string, hostname: string, port = 80, protocol = "HTTP", allowed = ""): string =>
  `  - name: ${name}\n    hostname: "${hostname}"\n    port: ${port}\n    protocol: ${protocol}\n${allowed}`;

export const httpRoute = (ns: string, parentRefs: string, backend: string, kind = "HTTPRoute"): string => `
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata:
  name: bookinfo
  namespace: ${ns}
spec:
  parentRefs:
${parentRefs}
  rules:
  - backendRefs:
${backend}`;

export const parent = (name: string, ns?: string): string => `  - name: ${name}${ns ? `\n    namespace: ${ns}` : ""}`;
export const backend = (name: string, ns?: string, port = 9080): string => `    - name: ${name}${ns ? `\n      namespace: ${ns}` : ""}\n      port: ${port}`;
