/** Bookinfo-style manifests shared by the istio rule tests (as `kubectl get -o yaml` and istio.io samples write them). */
export const docs = (...parts: string[]): string => parts.map((part) => part.trim()).join("\n---\n") + "\n";

export const reviewsService = `
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
  labels:
    app: reviews
    service: reviews
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: reviews`;

export const reviewsDeployment = (version: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-${version}
  namespace: default
  labels:
    app: reviews
    version: ${version}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: reviews
      version: ${version}
  template:
    metadata:
      labels:
        app: reviews
        version: ${version}
    spec:
      serviceAccountName: bookinfo-reviews
      containers:
      - name: reviews
        image: docker.io/istio/examples-bookinfo-reviews-${version}:1.20.2
        ports:
        - containerPort: 9080`;

export const reviewsPod = (version: string, suffix: string): string => `
apiVersion: v1
kind: Pod
metadata:
  name: reviews-${version}-${suffix}
  namespace: default
  labels:
    app: reviews
    version: ${version}
    security.istio.io/tlsMode: istio
spec:
  containers:
  - name: reviews
    image: docker.io/istio/examples-bookinfo-reviews-${version}:1.20.2
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.27.1
status:
  phase: Running`;

export const reviewsDestinationRule = (...subsets: string[]): string => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
${subsets.map((name) => `  - name: ${name}\n    labels:\n      version: ${name}`).join("\n")}`;

export const reviewsVirtualService = (subset: string): string => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: ${subset}`;

export const ingressGateway = `
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-5b8d4bdf5c-8xq9v
  namespace: istio-system
  labels:
    app: istio-ingressgateway
    istio: ingressgateway
spec:
  containers:
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.27.1
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  type: LoadBalancer
  selector:
    app: istio-ingressgateway
    istio: ingressgateway
  ports:
  - name: status-port
    port: 15021
    targetPort: 15021
  - name: http2
    port: 80
    targetPort: 8080
  - name: https
    port: 443
    targetPort: 8443`;

export const bookinfoGateway = (hosts = ['"*"']): string => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
  namespace: default
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
${hosts.map((host) => `    - ${host}`).join("\n")}`;
