import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { buildView } from "../helpers/rule-tester.js";
import { policiesIsolating, policyAllowing, policyTypes, type PolicyDirection, type PolicyPeerPods, type PolicyPortTarget } from "../../src/k8s/network-policy.js";

/**
 * NetworkPolicy semantics, case by case, from
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * and the API reference of NetworkPolicySpec (policyTypes defaulting).
 */
interface Case {
  name: string;
  /** Specs of the policies in namespace `shop`, by name. */
  policies: Record<string, Record<string, unknown>>;
  direction: PolicyDirection;
  /** The pod the policies are about (in `shop`). */
  pod?: Record<string, string>;
  /** The other side: the destination of egress, the client of ingress. */
  peer?: Partial<PolicyPeerPods>;
  port?: Partial<PolicyPortTarget>;
  /** Whether some policy isolates the pod in the direction. */
  isolated: boolean;
  /** The policy that lets the traffic through; undefined: denied (when isolated). */
  allowedBy?: string;
}

const web = { app: "web" };
const otherNamespace = { namespace: "billing", namespaceLabels: { "kubernetes.io/metadata.name": "billing", team: "billing" }, podLabels: { app: "invoices" }, ips: [] };
const sameNamespacePeer = { namespace: "shop", namespaceLabels: { "kubernetes.io/metadata.name": "shop" }, podLabels: { app: "frontend" }, ips: [] };

const cases: Case[] = [
  // Which pods a policy selects.
  { name: "an empty podSelector selects every pod of the namespace", policies: { deny: { podSelector: {}, policyTypes: ["Ingress"] } }, direction: "Ingress", isolated: true },
  { name: "a podSelector selects only the pods with its labels", policies: { deny: { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"] } }, direction: "Ingress", isolated: false },
  { name: "matchExpressions select too", policies: { deny: { podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }, policyTypes: ["Ingress"] } }, direction: "Ingress", isolated: true },

  // policyTypes defaulting.
  { name: "no policyTypes and no egress rules: Ingress only, egress stays open", policies: { p: { podSelector: {}, ingress: [{}] } }, direction: "Egress", isolated: false },
  { name: "no policyTypes and an empty egress list: still Ingress only", policies: { p: { podSelector: {}, egress: [] } }, direction: "Egress", isolated: false },
  { name: "no policyTypes and egress rules: Egress too", policies: { p: { podSelector: {}, egress: [{ ports: [{ port: 5432 }] }] } }, direction: "Egress", port: { port: 443 }, isolated: true },
  { name: "no policyTypes: Ingress always, so no ingress rules deny all ingress", policies: { p: { podSelector: {}, egress: [{}] } }, direction: "Ingress", isolated: true },
  { name: "policyTypes Egress alone leaves ingress open", policies: { p: { podSelector: {}, policyTypes: ["Egress"] } }, direction: "Ingress", isolated: false },

  // Rules, peers and their combinations.
  { name: "a rule with no peers and no ports allows everything", policies: { open: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] } }, direction: "Ingress", peer: otherNamespace, isolated: true, allowedBy: "open" },
  { name: "a podSelector peer alone means pods of the policy's namespace", policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] } }, direction: "Ingress", peer: otherNamespace, isolated: true },
  { name: "... and admits those pods", policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "frontend" } } }] }] } }, direction: "Ingress", peer: sameNamespacePeer, isolated: true, allowedBy: "p" },
  { name: "an empty namespaceSelector means every namespace", policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] } }, direction: "Ingress", peer: otherNamespace, isolated: true, allowedBy: "p" },
  {
    name: "namespaceSelector and podSelector in one peer: those pods in those namespaces (both must match)",
    policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "billing" } }, podSelector: { matchLabels: { app: "reports" } } }] }] } },
    direction: "Ingress",
    peer: otherNamespace,
    isolated: true,
  },
  {
    name: "namespaceSelector and podSelector as two peers: either one admits",
    policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "billing" } } }, { podSelector: { matchLabels: { app: "reports" } } }] }] } },
    direction: "Ingress",
    peer: otherNamespace,
    isolated: true,
    allowedBy: "p",
  },
  {
    name: "a namespaceSelector matches the kubernetes.io/metadata.name label",
    policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "billing" } } }] }] } },
    direction: "Egress",
    peer: otherNamespace,
    isolated: true,
    allowedBy: "p",
  },
  { name: "policies add up: one allowing is enough", policies: { deny: { podSelector: {}, policyTypes: ["Ingress"] }, allow: { podSelector: { matchLabels: web }, ingress: [{ from: [{ namespaceSelector: {} }] }] } }, direction: "Ingress", peer: otherNamespace, isolated: true, allowedBy: "allow" },

  // ipBlock.
  { name: "an ipBlock admits addresses in its CIDR", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.42.0.0/16" } }] }] } }, direction: "Egress", peer: { ips: ["10.42.3.7"] }, isolated: true, allowedBy: "p" },
  { name: "an ipBlock refuses addresses outside its CIDR", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.42.0.0/16" } }] }] } }, direction: "Egress", peer: { ips: ["10.43.0.1"] }, isolated: true },
  { name: "an ipBlock refuses addresses in its except list", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.42.0.0/16", except: ["10.42.3.0/24"] } }] }] } }, direction: "Egress", peer: { ips: ["10.42.3.7"] }, isolated: true },
  { name: "an ipBlock against pods whose addresses the inputs do not hold is not ruled out", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.42.0.0/16" } }] }] } }, direction: "Egress", peer: { ips: [] }, isolated: true, allowedBy: "p" },

  // Ports.
  { name: "a numbered port allows that port", policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 8080 }] }] } }, direction: "Ingress", port: { port: 8080 }, isolated: true, allowedBy: "p" },
  { name: "a numbered port refuses another", policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 8080 }] }] } }, direction: "Ingress", port: { port: 9090 }, isolated: true },
  { name: "port with endPort allows the range, ends included", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }] } }, direction: "Egress", port: { port: 32768 }, isolated: true, allowedBy: "p" },
  { name: "port with endPort refuses past the range", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }] } }, direction: "Egress", port: { port: 32769 }, isolated: true },
  { name: "the protocol defaults to TCP, so UDP traffic is refused", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53 }] }] } }, direction: "Egress", port: { port: 53, protocol: "UDP" }, isolated: true },
  { name: "a port with only a protocol allows every port of it", policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP" }] }] } }, direction: "Egress", port: { port: 53, protocol: "UDP" }, isolated: true, allowedBy: "p" },
  {
    name: "a named port matches the destination's container port of that name",
    policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "http" }] }] } },
    direction: "Ingress",
    port: { port: 8080, namedPorts: [{ name: "http", containerPort: 8080, protocol: "TCP" }] },
    isolated: true,
    allowedBy: "p",
  },
  {
    name: "a named port does not match a container port of that name on another protocol",
    policies: { p: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "dns", protocol: "TCP" }] }] } },
    direction: "Egress",
    port: { port: 53, protocol: "TCP", namedPorts: [{ name: "dns", containerPort: 53, protocol: "UDP" }, { name: "dns-tcp", containerPort: 53, protocol: "TCP" }] },
    isolated: true,
  },
  {
    name: "a named port does not match another port number",
    policies: { p: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "metrics" }] }] } },
    direction: "Ingress",
    port: { port: 8080, namedPorts: [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 9090 }] },
    isolated: true,
  },
];

function policyFile(policies: Case["policies"]): string {
  return Object.entries(policies)
    .map(([name, spec]) => stringify({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: "shop" }, spec }))
    .join("---\n");
}

describe("NetworkPolicy evaluation", () => {
  it.each(cases)("$name", (testCase) => {
    const view = buildView({ name: testCase.name, files: { "policies.yaml": policyFile(testCase.policies) } });
    const isolating = policiesIsolating(view, { namespace: "shop", labels: testCase.pod ?? web }, testCase.direction);
    expect(isolating.length > 0).toBe(testCase.isolated);
    const peer: PolicyPeerPods = { ...sameNamespacePeer, ...testCase.peer };
    const port: PolicyPortTarget = { port: 8080, protocol: "TCP", namedPorts: [], ...testCase.port };
    expect(policyAllowing(isolating, testCase.direction, "shop", peer, port)?.metadata.name).toBe(testCase.allowedBy);
  });

  it("policies of another namespace do not apply; one without a namespace applies wherever it is applied", () => {
    const policy = (namespace?: string) => stringify({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny", ...(namespace ? { namespace } : {}) }, spec: { podSelector: {} } });
    expect(policiesIsolating(buildView({ name: "other", files: { "p.yaml": policy("billing") } }), { namespace: "shop", labels: web }, "Ingress")).toEqual([]);
    expect(policiesIsolating(buildView({ name: "none", files: { "p.yaml": policy() } }), { namespace: "shop", labels: web }, "Ingress")).toHaveLength(1);
  });

  it("defaults policyTypes as the API server does", () => {
    expect(policyTypes({})).toEqual(["Ingress"]);
    expect(policyTypes({ egress: [] })).toEqual(["Ingress"]);
    expect(policyTypes({ egress: [{}] })).toEqual(["Ingress", "Egress"]);
    expect(policyTypes({ policyTypes: ["Egress"], egress: [{}] })).toEqual(["Egress"]);
  });
});
