import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { describePod } from "../../src/queries/describe-pod.js";
import { describeText } from "../../src/report/mesh-describe.js";
import { buildView } from "../helpers/rule-tester.js";

const lab = resolve(import.meta.dirname, "../../examples/lab");
/** The lab's istioinaction namespace as kubectl printed it (catalog v1 and v2 behind one Service, a VirtualService with subsets, a Gateway). */
function istioinaction(): Record<string, string> {
  const dir = join(lab, "namespaces/istioinaction");
  return Object.fromEntries(readdirSync(dir).map((file) => [`istioinaction/${file}`, readFileSync(join(dir, file), "utf8")]));
}

// The DestinationRule that fixes the missing subsets (Istio in Action, chapter 10: catalog-destinationrule-v1-v2.yaml).
const destinationRule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: catalog
  namespace: istioinaction
spec:
  host: catalog.istioinaction.svc.cluster.local
  trafficPolicy:
    connectionPool:
      http:
        http1MaxPendingRequests: 1
    outlierDetection:
      consecutive5xxErrors: 1
      baseEjectionTime: 30s
  subsets:
  - name: version-v1
    labels:
      version: v1
  - name: version-v2
    labels:
      version: v2
`;
const peerAuthentication = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: catalog-strict
  namespace: istioinaction
spec:
  selector:
    matchLabels:
      app: catalog
  mtls:
    mode: STRICT
  portLevelMtls:
    3000:
      mode: PERMISSIVE
`;
const allowFromGateway = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-ingress
  namespace: istioinaction
spec:
  selector:
    matchLabels:
      app: catalog
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]
    to:
    - operation:
        methods: ["GET"]
        paths: ["/items*"]
`;
const denyAdmin = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-admin
  namespace: istio-system
spec:
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/admin*"]
`;

describe("mesh describe pod: the pod's place in the mesh", () => {
  it("on the lab as it is: catalog v1 serves Service catalog, but the VirtualService routes to subsets no DestinationRule defines", () => {
    const view = buildView({ name: "lab", files: istioinaction() });
    const pod = view.get("Pod", "istioinaction", "catalog-5899bbc954-xnq22")!;
    const description = describePod(view, pod);
    expect(description.pod).toMatchObject({ inMesh: true, revision: "default", ports: [{ port: 3000, container: "catalog" }] });
    const service = description.services.find((svc) => svc.name === "catalog")!;
    expect(service.ports[0]).toMatchObject({ port: 80, protocol: "HTTP", podPort: 3000, matchesPod: true });
    expect(service.destinationRules).toEqual([]);
    const vs = service.virtualServices.find((entry) => entry.name === "catalog-v1-v2")!;
    expect(vs.reachesPod).toBe(false);
    expect(vs.problems.join("\n")).toMatch(/subset version-v1 is defined by no DestinationRule/);
    expect(vs.exposedOn[0]).toMatch(/^Gateway istioinaction\/catalog-gateway port 80\/HTTP: catalog.istioinaction.io$/);
    expect(description.peerAuthentication).toMatchObject({ mode: "PERMISSIVE" });
    expect(description.authorization.verdict).toBe("no AuthorizationPolicy applies: every request is allowed");
  });

  it("after the fix: the pod's subset, the traffic policy, mTLS per port, and what the AuthorizationPolicies do", () => {
    const view = buildView({ name: "fixed", files: { ...istioinaction(), "dr.yaml": destinationRule, "pa.yaml": peerAuthentication, "ap.yaml": allowFromGateway, "deny.yaml": denyAdmin } });
    const v2 = describePod(view, view.get("Pod", "istioinaction", "catalog-v2-7cc6f578cd-5jzdl")!);
    const service = v2.services.find((svc) => svc.name === "catalog")!;
    expect(service.destinationRules[0]).toMatchObject({ name: "catalog", subset: "version-v2", subsets: ["version-v1", "version-v2"] });
    expect(service.destinationRules[0]!.trafficPolicy).toEqual(["connection pool (http1MaxPendingRequests 1)", "outlier detection (eject after 1 consecutive errors for 30s)"]);
    const vs = service.virtualServices[0]!;
    expect(vs.reachesPod).toBe(true);
    expect(vs.problems).toEqual([]);
    expect(vs.routes[0]).toBe("http[0] every request -> subset version-v1 port 80 20% (not this pod), subset version-v2 port 80 80% (this pod)");
    expect(v2.peerAuthentication).toMatchObject({ mode: "STRICT", source: "istioinaction/catalog-strict", ports: [{ port: 3000, mode: "PERMISSIVE" }] });
    const policies = v2.authorization.policies;
    expect(policies.map((policy) => `${policy.action} ${policy.name} ${policy.scope}`)).toEqual(["ALLOW allow-ingress workload", "DENY deny-admin mesh"]);
    expect(policies[0]!.rules[0]).toBe("from principals cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account, to methods GET; paths /items*");
    expect(v2.authorization.verdict).toBe("requests matching deny-admin are denied; every other request must match a rule of allow-ingress, or it is denied (403).");

    const text = describeText(v2);
    expect(text).toContain("   DestinationRule: catalog.istioinaction for \"catalog.istioinaction.svc.cluster.local\"\n      Matching subsets: version-v2   (Non-matching subsets version-v1)");
    expect(text).toContain("   Workload mTLS mode: STRICT (workload policy istioinaction/catalog-strict)\n   Port 3000: PERMISSIVE");
    expect(text).toContain("Decision: requests matching deny-admin are denied;");
    expect(text).not.toContain("[REDACTED]");
  });

  it("an ALLOW policy without rules denies everything; a pod without a sidecar enforces none of it", () => {
    const allowNothing = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-nothing\n  namespace: istioinaction\nspec: {}\n";
    const view = buildView({ name: "allow-nothing", files: { ...istioinaction(), "ap.yaml": allowNothing } });
    const description = describePod(view, view.get("Pod", "istioinaction", "catalog-5899bbc954-xnq22")!);
    expect(description.authorization.policies[0]).toMatchObject({ action: "ALLOW", scope: "namespace", effect: expect.stringMatching(/allows nothing/) });
    expect(description.authorization.verdict).toBe("allow-nothing allow nothing: every other request is denied.");

    const plain = buildView({ name: "plain", files: { "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  namespace: shop\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n" } });
    const bare = describePod(plain, plain.get("Pod", "shop", "web-0")!);
    expect(bare.pod.inMesh).toBe(false);
    expect(bare.notes.join(" ")).toMatch(/Without a sidecar no VirtualService, DestinationRule, PeerAuthentication or AuthorizationPolicy is enforced/);
    expect(bare.notes.join(" ")).toMatch(/No Service selects this pod/);
  });
});
