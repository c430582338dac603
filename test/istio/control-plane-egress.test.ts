import { describe, expect, it } from "vitest";
import { buildView } from "../helpers/rule-tester.js";
import { controlPlaneEgress } from "../../src/istio/control-plane-egress.js";
import { cidrContains, policyTypes } from "../../src/k8s/network-policy.js";

const pod = { namespace: "shop", labels: { app: "orders" } };
const istiod = `apiVersion: v1
kind: Pod
metadata:
  name: istiod-7d8f6b6b7-abc12
  namespace: istio-system
  labels:
    app: istiod
    istio: pilot
spec:
  containers:
  - name: discovery
    image: docker.io/istio/pilot:1.27.1
    ports:
    - containerPort: 15012
      name: grpc-xds
      protocol: TCP
status:
  podIP: 10.42.0.12
`;
const policy = (name: string, spec: string): string => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n${spec}`;
const view = (files: Record<string, string>) => buildView({ name: "np", files });

describe("NetworkPolicy evaluation for the sidecar's control-plane traffic", () => {
  it("allows everything when no policy selects the pod", () => {
    const result = controlPlaneEgress(view({ "p.yaml": policy("other", "  podSelector:\n    matchLabels:\n      app: billing\n  policyTypes:\n  - Egress\n") }), pod);
    expect(result.isolated).toBe(false);
    expect(result.blocked).toEqual([]);
  });

  it("defaults policyTypes to Ingress only without egress rules, and adds Egress when there are some", () => {
    expect(policyTypes({})).toEqual(["Ingress"]);
    expect(policyTypes({ egress: [{}] })).toEqual(["Ingress", "Egress"]);
    expect(policyTypes({ policyTypes: ["Egress"] })).toEqual(["Egress"]);
  });

  it("denies istiod and DNS under a default deny-all", () => {
    const result = controlPlaneEgress(view({ "p.yaml": policy("deny-all", "  podSelector: {}\n  policyTypes:\n  - Ingress\n  - Egress\n") }), pod);
    expect(result.blocked.map((verdict) => verdict.target.description)).toEqual(["istiod (istio-system) TCP 15012", "DNS (kube-dns in kube-system) UDP 53", "DNS (kube-dns in kube-system) TCP 53"]);
  });

  it("matches a named port against istiod's container port names", () => {
    const spec = "  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: istio-system\n    ports:\n    - port: grpc-xds\n";
    const result = controlPlaneEgress(view({ "p.yaml": policy("xds", spec), "istiod.yaml": istiod }), pod);
    expect(result.istiod.allowed).toBe(true);
    expect(result.istiod.allowedBy).toBe("xds");
  });

  it("a podSelector alone only reaches pods in the policy's own namespace", () => {
    const spec = "  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - podSelector:\n        matchLabels:\n          app: istiod\n";
    expect(controlPlaneEgress(view({ "p.yaml": policy("same-ns", spec) }), pod).istiod.allowed).toBe(false);
  });

  it("honours port ranges (endPort) and protocols", () => {
    const spec = "  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - ports:\n    - protocol: TCP\n      port: 15000\n      endPort: 15020\n";
    const result = controlPlaneEgress(view({ "p.yaml": policy("range", spec) }), pod);
    expect(result.istiod.allowed).toBe(true);
    expect(result.dns.map((verdict) => verdict.allowed)).toEqual([false, false]);
  });

  it("evaluates ipBlock against the pod IPs it knows, with except", () => {
    const allow = "  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.42.0.0/16\n        except:\n        - 10.42.0.0/28\n";
    expect(controlPlaneEgress(view({ "p.yaml": policy("ip", allow), "istiod.yaml": istiod }), pod).istiod.allowed).toBe(false);
    expect(controlPlaneEgress(view({ "p.yaml": policy("ip", allow.replace("10.42.0.0/28", "10.42.9.0/24")), "istiod.yaml": istiod }), pod).istiod.allowed).toBe(true);
  });

  it("compares IPv4 CIDRs", () => {
    expect(cidrContains("10.42.0.0/16", "10.42.3.7")).toBe(true);
    expect(cidrContains("10.42.0.0/16", "10.43.0.1")).toBe(false);
    expect(cidrContains("0.0.0.0/0", "192.168.1.1")).toBe(true);
    expect(cidrContains("10.42.0.12/32", "10.42.0.12")).toBe(true);
  });
});
