/** Manifests for the AuthorizationPolicy rule tests: Istio's httpbin and curl samples in their own namespaces. */
export const httpbin = `
apiVersion: v1
kind: Namespace
metadata:
  name: foo
  labels:
    istio-injection: enabled
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: httpbin
  namespace: foo
---
apiVersion: v1
kind: Service
metadata:
  name: httpbin
  namespace: foo
  labels:
    app: httpbin
spec:
  ports:
  - name: http
    port: 8000
    targetPort: 8080
  selector:
    app: httpbin
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpbin
  namespace: foo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: httpbin
      version: v1
  template:
    metadata:
      labels:
        app: httpbin
        version: v1
    spec:
      serviceAccountName: httpbin
      containers:
      - image: docker.io/mccutchen/go-httpbin:v2.15.0
        name: httpbin
        ports:
        - containerPort: 8080`;

export const curl = `
apiVersion: v1
kind: Namespace
metadata:
  name: sleep
  labels:
    istio-injection: enabled
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: curl
  namespace: sleep
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: curl
  namespace: sleep
spec:
  replicas: 1
  selector:
    matchLabels:
      app: curl
  template:
    metadata:
      labels:
        app: curl
    spec:
      serviceAccountName: curl
      containers:
      - name: curl
        image: curlimages/curl
        command: ["/bin/sleep", "infinity"]`;

/** An ALLOW policy on httpbin with the given rule (YAML under `rules:`, indented by four). */
export const httpbinPolicy = (rules: string, extra = ""): string => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
${extra}  action: ALLOW
  rules:
${rules}`;
