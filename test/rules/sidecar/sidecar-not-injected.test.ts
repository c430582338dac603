import { describe, expect, it } from "vitest";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { sidecarNotInjected } from "../../../src/rules/sidecar/sidecar-not-injected.js";
import { deployment, meshedPod, namespace } from "./fixtures.js";

const injectorWebhook = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector
  labels:
    app: sidecar-injector
    istio.io/rev: default
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  namespaceSelector:
    matchExpressions:
    - key: istio.io/rev
      operator: In
      values:
      - default
    - key: istio-injection
      operator: DoesNotExist
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: NotIn
      values:
      - "false"
- name: rev.object.sidecar-injector.istio.io
  namespaceSelector:
    matchExpressions:
    - key: istio.io/rev
      operator: DoesNotExist
    - key: istio-injection
      operator: DoesNotExist
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: NotIn
      values:
      - "false"
    - key: istio.io/rev
      operator: In
      values:
      - default
- name: namespace.sidecar-injector.istio.io
  namespaceSelector:
    matchExpressions:
    - key: istio-injection
      operator: In
      values:
      - enabled
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: NotIn
      values:
      - "false"
- name: object.sidecar-injector.istio.io
  namespaceSelector:
    matchExpressions:
    - key: istio-injection
      operator: DoesNotExist
    - key: istio.io/rev
      operator: DoesNotExist
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: In
      values:
      - "true"
    - key: istio.io/rev
      operator: DoesNotExist
`;

const plainPod = (extra: Parameters<typeof meshedPod>[0] = {}): string => meshedPod({ sidecar: false, namespace: "my-app", name: "my-service-abc123", app: "my-service", hash: "abc123", ...extra });
const peerAuth = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: my-app
spec:
  mtls:
    mode: STRICT
`;

testRule(sidecarNotInjected, {
  valid: [
    // Node agents on the host network are never injected, by design.
    { name: "hostNetwork pod in an injected namespace", files: { "ns.yaml": namespace("my-app", ["istio-injection: enabled"]), "pod.yaml": plainPod({ hostNetwork: true }) } },
    { name: "meshed pod 2/2 in an injected namespace", files: { "ns.yaml": namespace("shop", ["istio-injection: enabled"]), "pod.yaml": meshedPod(), "wh.yaml": injectorWebhook } },
    { name: "namespace explicitly labelled istio-injection=disabled", files: { "ns.yaml": namespace("my-app", ["istio-injection: disabled"]), "pod.yaml": plainPod(), "pa.yaml": peerAuth } },
    { name: "unlabelled namespace and nothing says the workload belongs to the mesh", files: { "ns.yaml": namespace("my-app"), "pod.yaml": plainPod() } },
    { name: "pod opts out with the label sidecar.istio.io/inject=false", files: { "ns.yaml": namespace("my-app", ["istio-injection: enabled"]), "pod.yaml": plainPod({ labels: ['sidecar.istio.io/inject: "false"'] }), "wh.yaml": injectorWebhook } },
    { name: "a Deployment manifest in an injected namespace (it will be injected)", mode: "lint", files: { "ns.yaml": namespace("my-app", ["istio-injection: enabled"]), "deploy.yaml": deployment({ name: "my-service", namespace: "my-app" }) } },
    { name: "explicit opt-out with the annotation sidecar.istio.io/inject: \"false\"", files: { "ns.yaml": namespace("my-app", ["istio-injection: enabled"]), "pod.yaml": plainPod({ annotations: ['sidecar.istio.io/inject: "false"'] }) } },
    // Ambient workloads are in the mesh through ztunnel, without a sidecar.
    { name: "pod in an ambient namespace with a STRICT PeerAuthentication", files: { "ns.yaml": namespace("my-app", ["istio.io/dataplane-mode: ambient"]), "pod.yaml": plainPod(), "pa.yaml": peerAuth, "wh.yaml": injectorWebhook } },
    { name: "pod enrolled in ambient by its own label", files: { "ns.yaml": namespace("my-app"), "pod.yaml": plainPod({ labels: ["istio.io/dataplane-mode: ambient"] }), "pa.yaml": peerAuth, "wh.yaml": injectorWebhook } },
    { name: "kube-system pods are never expected in the mesh", files: { "ns.yaml": namespace("kube-system", ["istio-injection: enabled"]), "pod.yaml": plainPod({ namespace: "kube-system" }) } },
  ],
  invalid: [
    {
      name: "namespace has no istio-injection label, but the namespace has a STRICT PeerAuthentication",
      files: { "ns.yaml": namespace("my-app"), "pod.yaml": plainPod(), "pa.yaml": peerAuth, "wh.yaml": injectorWebhook },
      expect: {
        count: 1,
        category: "sidecar-not-injected",
        resource: { kind: "Pod", name: "my-service-abc123", namespace: "my-app" },
        summary: /has no istio-proxy sidecar although PeerAuthentication my-app\/default/,
        evidence: ["READY 1/1", "namespace my-app labels: <none>"],
        fixIncludes: ["kubectl label namespace my-app istio-injection=enabled", "kubectl rollout restart deployment/my-service -n my-app", "istio-injection: enabled"],
      },
    },
    {
      name: "pod created before the namespace was labelled",
      files: { "ns.yaml": namespace("my-app", ["istio-injection: enabled"]), "pod.yaml": plainPod(), "wh.yaml": injectorWebhook },
      expect: { category: "sidecar-not-injected", severity: "error", summary: /although namespace label istio-injection=enabled/, evidence: ["istio-injection=enabled"], fixIncludes: ["kubectl rollout restart deployment/my-service -n my-app"], equivalents: ["IST0103"] },
    },
    {
      name: "namespace asks for revision canary but only the default revision's injector exists",
      files: { "ns.yaml": namespace("my-app", ["istio.io/rev: canary"]), "pod.yaml": plainPod(), "wh.yaml": injectorWebhook },
      expect: { category: "sidecar-not-injected", evidence: ["istio.io/rev=canary"], fixIncludes: ["kubectl label namespace my-app istio-injection=enabled --overwrite"] },
    },
  ],
});

describe("sidecar/sidecar-not-injected and Istio's codes", () => {
  // istioctl analyze reports IST0102 on the Namespace (istio/namespace-injection-labels), never on a pod.
  it("maps no code when nothing asked for injection", () => {
    const findings = runRule(sidecarNotInjected, { name: "unlabelled", files: { "ns.yaml": namespace("my-app"), "pod.yaml": plainPod(), "pa.yaml": peerAuth, "wh.yaml": injectorWebhook } });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.equivalents).toEqual([]);
  });
  it("maps IST0103 when the namespace asks for injection", () => {
    const findings = runRule(sidecarNotInjected, { name: "labelled", files: { "ns.yaml": namespace("my-app", ["istio-injection: enabled"]), "pod.yaml": plainPod(), "wh.yaml": injectorWebhook } });
    expect(findings.map((finding) => finding.equivalents)).toEqual([["IST0103"]]);
  });
});
