import { workloadWithoutAuthorizationPolicy } from "../../../src/rules/istio/workload-without-authorization-policy.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

/** Bookinfo's Deployments as samples/bookinfo/platform/kube/bookinfo.yaml writes them, in namespace bookinfo. */
const deployment = (app: string, version = "v1", extraLabels = "") => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}-${version}
  namespace: bookinfo
  labels:
    app: ${app}
    version: ${version}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${app}
      version: ${version}
  template:
    metadata:
      labels:
        app: ${app}
        version: ${version}${extraLabels}
    spec:
      serviceAccountName: bookinfo-${app}
      containers:
      - name: ${app}
        image: docker.io/istio/examples-bookinfo-${app}-${version}:1.20.2
        ports:
        - containerPort: 9080`;

const ratingsService = `
apiVersion: v1
kind: Service
metadata:
  name: ratings
  namespace: bookinfo
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: ratings`;

/** From Istio's authorization task (samples/bookinfo/... "ratings-viewer" and friends). */
const policy = (name: string, namespace: string, spec: string) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec}`;

const ratingsViewer = policy("ratings-viewer", "bookinfo", `  selector:
    matchLabels:
      app: ratings
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-reviews"]
    to:
    - operation:
        methods: ["GET"]`);
const allowNothing = policy("allow-nothing", "bookinfo", "  {}");
const meshDeny = policy("deny-blocked", "istio-system", `  action: DENY
  rules:
  - from:
    - source:
        ipBlocks: ["203.0.113.0/24"]`);
const targetsRatings = policy("ratings-waypoint", "bookinfo", `  targetRefs:
  - kind: Service
    group: ""
    name: ratings
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-reviews"]`);

testRule(workloadWithoutAuthorizationPolicy, {
  valid: [
    { name: "no AuthorizationPolicy in the inputs: not judged", mode: "lint", files: { "a.yaml": docs(deployment("ratings"), deployment("details")) } },
    { name: "every workload selected", mode: "lint", files: { "a.yaml": docs(deployment("ratings"), ratingsViewer) } },
    { name: "a namespace-wide policy (allow-nothing)", mode: "lint", files: { "a.yaml": docs(deployment("ratings"), deployment("details"), allowNothing) } },
    { name: "a root-namespace policy without selector covers the mesh", mode: "lint", files: { "a.yaml": docs(deployment("ratings"), deployment("details"), meshDeny) } },
    { name: "a policy targeting the workload's Service", mode: "lint", files: { "a.yaml": docs(deployment("ratings"), ratingsService, targetsRatings) } },
    { name: "a workload that opts out of the sidecar cannot be covered", mode: "lint", files: { "a.yaml": docs(deployment("ratings"), deployment("details", "v1", '\n        sidecar.istio.io/inject: "false"'), ratingsViewer) } },
  ],
  invalid: [
    {
      name: "details has no policy while ratings has one",
      mode: "lint",
      files: { "a.yaml": docs(deployment("ratings"), deployment("details"), ratingsViewer) },
      expect: { count: 1, severity: "info", equivalents: ["KIA1301"], resource: { kind: "Deployment", namespace: "bookinfo", name: "details-v1" }, summary: "Deployment bookinfo/details-v1 is not covered by any AuthorizationPolicy, while the mesh uses 1 AuthorizationPolicy: Istio allows every request to it", evidence: ["AuthorizationPolicy bookinfo/ratings-viewer selects app=ratings"], fixIncludes: ["app: details"] },
    },
    {
      name: "a policy of another namespace does not cover it",
      mode: "lint",
      files: { "a.yaml": docs(deployment("ratings"), policy("ratings-viewer", "shop", "  selector:\n    matchLabels:\n      app: ratings")) },
      expect: { count: 1, resource: { name: "ratings-v1" } },
    },
    {
      name: "a targetRefs policy covers only the Service's workloads",
      mode: "lint",
      files: { "a.yaml": docs(deployment("ratings"), deployment("details"), ratingsService, targetsRatings) },
      expect: { count: 1, resource: { name: "details-v1" }, evidence: ["targets other resources"] },
    },
  ],
});
