import { schemaWarning } from "../../../src/rules/istio/schema-warning.js";
import { testRule } from "../../helpers/rule-tester.js";

const meta = (kind: string, name: string, apiVersion = "networking.istio.io/v1") => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: bookinfo\n`;

const denyPolicy = (to: string) => `${meta("AuthorizationPolicy", "deny-admin", "security.istio.io/v1")}spec:
  selector:
    matchLabels:
      app: productpage
  action: DENY
  rules:
  - to:
    - operation:
${to}`;

const failoverRule = (outlier: string) => `${meta("DestinationRule", "reviews-failover")}spec:
  host: reviews.bookinfo.svc.cluster.local
  trafficPolicy:
${outlier}    loadBalancer:
      localityLbSetting:
        enabled: true
        failover:
        - from: us-east1
          to: us-west1
`;

testRule(schemaWarning, {
  scope: "lint",
  valid: [
    { name: "DENY on HTTP paths that names its ports", mode: "lint", files: { "ap.yaml": denyPolicy("        paths: [\"/admin*\"]\n        ports: [\"9080\"]\n") } },
    { name: "failover with outlier detection", mode: "lint", files: { "dr.yaml": failoverRule("    outlierDetection:\n      consecutive5xxErrors: 5\n      interval: 10s\n      baseEjectionTime: 30s\n") } },
    { name: "gateways in namespace/name form", mode: "lint", files: { "vs.yaml": `${meta("VirtualService", "bookinfo")}spec:\n  hosts:\n  - "*"\n  gateways:\n  - istio-system/bookinfo-gateway\n  http:\n  - route:\n    - destination:\n        host: productpage\n` } },
    { name: "Sidecar egress with distinct hosts", mode: "lint", files: { "sc.yaml": `${meta("Sidecar", "default")}spec:\n  egress:\n  - hosts:\n    - ./*\n    - istio-system/*\n` } },
  ],
  invalid: [
    {
      name: "DENY rule with only HTTP attributes also denies TCP ports",
      mode: "lint",
      files: { "ap.yaml": denyPolicy('        paths: ["/admin*"]\n') },
      expect: { severity: "warning", resource: { kind: "AuthorizationPolicy", line: 12 }, summary: /will deny all traffic to TCP ports/, equivalents: ["IST0133"], fixIncludes: [/to.operation.ports/] },
    },
    {
      name: "selector without labels applies to the whole namespace",
      mode: "lint",
      files: { "pa.yaml": `${meta("PeerAuthentication", "strict", "security.istio.io/v1")}spec:\n  selector: {}\n  mtls:\n    mode: STRICT\n` },
      expect: { resource: { kind: "PeerAuthentication", line: 7 }, summary: "spec.selector: workload selector specified without labels" },
    },
    { name: "locality failover without outlier detection", mode: "lint", files: { "dr.yaml": failoverRule("") }, expect: { resource: { line: 10 }, summary: /outlier detection policy must be provided for failover/ } },
    {
      name: "legacy gateway name and deprecated mirrorPercent",
      mode: "lint",
      files: { "vs.yaml": `${meta("VirtualService", "bookinfo")}spec:\n  hosts:\n  - "*"\n  gateways:\n  - bookinfo-gateway.istio-system\n  http:\n  - mirror:\n      host: reviews-shadow\n    mirrorPercent: 10\n    route:\n    - destination:\n        host: productpage\n` },
      expect: [
        { summary: /using deprecated setting "mirrorPercent"/, resource: { line: 14 }, equivalents: ["IST0133"] },
        { index: 1, summary: /prefer the <namespace>\/<name> format: "istio-system\/bookinfo-gateway"/, resource: { line: 10 }, equivalents: ["IST0133", "KIA1108"] },
      ],
    },
    {
      name: "PASSTHROUGH server with a credential, httpsRedirect on HTTPS",
      mode: "lint",
      files: { "gw.yaml": `${meta("Gateway", "edge")}spec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 443\n      name: tls\n      protocol: TLS\n    hosts:\n    - "*.example.com"\n    tls:\n      mode: PASSTHROUGH\n      credentialName: edge-cert\n  - port:\n      number: 8443\n      name: https\n      protocol: HTTPS\n    hosts:\n    - "api.example.com"\n    tls:\n      mode: SIMPLE\n      credentialName: api-cert\n      httpsRedirect: true\n` },
      expect: [{ count: 2, summary: /PASSTHROUGH mode does not use certificates/ }, { index: 1, summary: /tls.httpsRedirect should only be used with http servers/ }],
    },
    { name: "Sidecar egress host listed twice", mode: "lint", files: { "sc.yaml": `${meta("Sidecar", "default")}spec:\n  egress:\n  - hosts:\n    - ./*\n    - ./reviews.bookinfo.svc.cluster.local\n` }, expect: { summary: /duplicated egress host: .\/reviews/ } },
    { name: "ServiceEntry partial wildcard", mode: "lint", files: { "se.yaml": `${meta("ServiceEntry", "partners")}spec:\n  hosts:\n  - "*partner.example.com"\n  ports:\n  - number: 443\n    name: https\n    protocol: HTTPS\n  resolution: NONE\n  location: MESH_EXTERNAL\n` }, expect: { summary: /partial wildcard "\*partner.example.com" not allowed/ } },
    { name: "Telemetry with two tracing providers", mode: "lint", files: { "tel.yaml": `${meta("Telemetry", "mesh-default", "telemetry.istio.io/v1")}spec:\n  tracing:\n  - providers:\n    - name: otel\n    - name: zipkin\n` }, expect: { summary: /multiple providers is not currently supported/ } },
  ],
});
