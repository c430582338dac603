// Well-known controller images whose ServiceAccount lacks what the controller lists and watches before it
// does any work: the published manifests of ../shared/peer/healthy pass as published, and fail with the
// Role trimmed the way upgrades and hand-written RBAC get it wrong.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { controllerNeeds, flagValues, imageRepository, tagVersion } from "../../../src/k8s/controller-permissions.js";
import { rbacVerbsMissingRule } from "../../../src/rules/manifest/rbac-verbs-missing.js";
import { runRule, testRule } from "../../helpers/rule-tester.js";

const healthy = (path: string) => readFileSync(resolve(import.meta.dirname, "../../../../shared/peer/healthy", path), "utf8");
const ingressNginx = healthy("ingress-nginx/deploy.yaml");
const metricsServer = healthy("metrics-server/components.yaml");
const argoCd = healthy("argo-cd/install.yaml");

/** The ingress-nginx set as published, with its EndpointSlice rules reduced to `get` (the RBAC of a pre-1.9 install). */
const endpointSlicesTrimmed = ingressNginx.replaceAll("  - endpointslices\n  verbs:\n  - list\n  - watch\n  - get\n", "  - endpointslices\n  verbs:\n  - get\n");
/** metrics-server with `nodes` dropped from ClusterRole system:metrics-server. */
const nodesTrimmed = metricsServer.replace('  - nodes/metrics\n  verbs:\n  - get\n- apiGroups:\n  - ""\n  resources:\n  - pods\n  - nodes\n', '  - nodes/metrics\n  verbs:\n  - get\n- apiGroups:\n  - ""\n  resources:\n  - pods\n');

/** metrics-server as published with its ClusterRoleBinding system:metrics-server made a RoleBinding in kube-system. */
const bindingNarrowed = metricsServer.replace("kind: ClusterRoleBinding\nmetadata:\n  labels:\n    k8s-app: metrics-server\n  name: system:metrics-server\n", "kind: RoleBinding\nmetadata:\n  labels:\n    k8s-app: metrics-server\n  name: system:metrics-server\n  namespace: kube-system\n");

/** ingress-nginx as published with its ClusterRoleBinding ingress-nginx made a RoleBinding ingress-nginx-cluster in its namespace (its Role ingress-nginx already grants the same reads there). */
const ingressBindingNarrowed = ingressNginx.replace(
  "kind: ClusterRoleBinding\nmetadata:\n  labels:\n    app.kubernetes.io/instance: ingress-nginx\n    app.kubernetes.io/name: ingress-nginx\n    app.kubernetes.io/part-of: ingress-nginx\n    app.kubernetes.io/version: 1.15.1\n  name: ingress-nginx\n",
  "kind: RoleBinding\nmetadata:\n  labels:\n    app.kubernetes.io/instance: ingress-nginx\n    app.kubernetes.io/name: ingress-nginx\n    app.kubernetes.io/part-of: ingress-nginx\n    app.kubernetes.io/version: 1.15.1\n  name: ingress-nginx-cluster\n  namespace: ingress-nginx\n",
);

/** The lease rules of Role ingress-nginx as published (get, update on the election id; create). */
const ingressLeaseRules = "- apiGroups:\n  - coordination.k8s.io\n  resourceNames:\n  - ingress-nginx-leader\n  resources:\n  - leases\n  verbs:\n  - get\n  - update\n- apiGroups:\n  - coordination.k8s.io\n  resources:\n  - leases\n  verbs:\n  - create\n";
/** ingress-nginx as published without the lease rules of its Role. */
const leaseRulesRemoved = ingressNginx.replace(ingressLeaseRules, "");

/** Argo CD with Role argocd-dex-server granting get only (the dex server reads Argo CD's settings through informers). */
const dexTrimmed = argoCd.replace("  name: argocd-dex-server\nrules:\n- apiGroups:\n  - \"\"\n  resources:\n  - secrets\n  - configmaps\n  verbs:\n  - get\n  - list\n  - watch\n", "  name: argocd-dex-server\nrules:\n- apiGroups:\n  - \"\"\n  resources:\n  - secrets\n  - configmaps\n  verbs:\n  - get\n");

const certManager = (controllerRules: string) => `apiVersion: v1
kind: ServiceAccount
metadata: {name: cert-manager, namespace: cert-manager}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager, namespace: cert-manager}
spec:
  selector: {matchLabels: {app: cert-manager}}
  template:
    metadata: {labels: {app: cert-manager}}
    spec:
      serviceAccountName: cert-manager
      containers:
      - name: cert-manager-controller
        image: quay.io/jetstack/cert-manager-controller:v1.16.2
        args: ["--v=2", "--leader-election-namespace=kube-system"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cert-manager-controller-certificates}
rules:
${controllerRules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cert-manager-controller-certificates}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cert-manager-controller-certificates}
subjects:
- {kind: ServiceAccount, name: cert-manager, namespace: cert-manager}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "cert-manager:leaderelection", namespace: kube-system}
rules:
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  resourceNames: ["cert-manager-controller"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: "cert-manager:leaderelection", namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: "cert-manager:leaderelection"}
subjects:
- {kind: ServiceAccount, name: cert-manager, namespace: cert-manager}
`;
/** The cert-manager fixture without the chart's leader election Role and RoleBinding in kube-system. */
const withoutLeaderElectionRole = (manifest: string) => manifest.slice(0, manifest.indexOf('---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: "cert-manager:leaderelection"'));
const certManagerRules = `- apiGroups: ["cert-manager.io"]
  resources: ["certificates", "certificaterequests", "clusterissuers", "issuers"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["acme.cert-manager.io"]
  resources: ["orders", "challenges"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "delete", "patch"]`;

testRule(rbacVerbsMissingRule, {
  valid: [
    { name: "ingress-nginx as published", mode: "lint", files: { "deploy.yaml": ingressNginx } },
    { name: "metrics-server as published (bootstrap roles system:auth-delegator and extension-apiserver-authentication-reader bound, not defined)", mode: "lint", files: { "components.yaml": metricsServer } },
    { name: "Argo CD as published", mode: "lint", files: { "install.yaml": argoCd } },
    { name: "cert-manager controller with the chart's rules", mode: "lint", files: { "cm.yaml": certManager(certManagerRules) } },
    {
      name: "a bound role the inputs do not define might grant it: not judged",
      mode: "lint",
      files: { "cm.yaml": certManager(certManagerRules.replace('"orders", "challenges"', '"orders"')).replace("name: cert-manager-controller-certificates}\nsubjects", "name: cert-manager-edit}\nsubjects") },
    },
    { name: "ingress-nginx before v1.9 read Endpoints, not EndpointSlices", mode: "lint", files: { "deploy.yaml": endpointSlicesTrimmed.replaceAll("ingress-nginx/controller:v1.15.1", "ingress-nginx/controller:v1.8.2") } },
    {
      name: "the same controller limited to its namespace with --namespace",
      mode: "lint",
      files: { "cm.yaml": certManager(certManagerRules).replace("kind: ClusterRoleBinding\nmetadata: {name: cert-manager-controller-certificates}", "kind: RoleBinding\nmetadata: {name: cert-manager-controller-certificates, namespace: cert-manager}").replace('"--v=2"', '"--v=2", "--namespace=cert-manager"') },
    },
    { name: "cert-manager controller with --leader-elect=false needs no lease", mode: "lint", files: { "cm.yaml": withoutLeaderElectionRole(certManager(certManagerRules)).replace('"--v=2"', '"--v=2", "--leader-elect=false"') } },
    { name: "cert-manager controller electing in a namespace the kubelet fills in: not judged", mode: "lint", files: { "cm.yaml": withoutLeaderElectionRole(certManager(certManagerRules)).replace("--leader-election-namespace=kube-system", "--leader-election-namespace=$(POD_NAMESPACE)") } },
    { name: "cert-manager before v1.4 elected on a ConfigMap", mode: "lint", files: { "cm.yaml": withoutLeaderElectionRole(certManager(certManagerRules)).replace("cert-manager-controller:v1.16.2", "cert-manager-controller:v1.3.1") } },
    { name: "ingress-nginx before v1.3 elected on a ConfigMap", mode: "lint", files: { "deploy.yaml": leaseRulesRemoved.replaceAll("ingress-nginx/controller:v1.15.1", "ingress-nginx/controller:v1.2.1") } },
    { name: "ingress-nginx with its lease granted by a ClusterRole through a ClusterRoleBinding", mode: "lint", files: { "deploy.yaml": leaseRulesRemoved.replace("  name: ingress-nginx\nrules:\n", "  name: ingress-nginx\nrules:\n- apiGroups: [coordination.k8s.io]\n  resources: [leases]\n  verbs: [get, create, update]\n") } },
  ],
  invalid: [
    {
      name: "ingress-nginx as published without the lease rules of its Role: it still serves, but Ingress status stays empty (warning)",
      mode: "lint",
      files: { "deploy.yaml": leaseRulesRemoved },
      expect: {
        count: 1,
        severity: "warning",
        category: "api-permission-denied",
        resource: { kind: "Deployment", name: "ingress-nginx-controller", container: "controller" },
        summary: /ingress-nginx controller needs get, create, update on Lease ingress-nginx-leader in namespace ingress-nginx for leader election, which ServiceAccount ingress-nginx is not granted \(bound to Role ingress-nginx in namespace ingress-nginx\)/,
        evidence: [/Role ingress-nginx rules/],
        fixIncludes: ["resourceNames", "ingress-nginx-leader", "leases", "- create"],
      },
    },
    {
      name: "ingress-nginx electing under another --election-id than the name its Role grants",
      mode: "lint",
      files: { "deploy.yaml": ingressNginx.replace("--election-id=ingress-nginx-leader", "--election-id=ingress-nginx-internal-leader") },
      expect: { count: 1, severity: "warning", summary: /needs get, update on Lease ingress-nginx-internal-leader in namespace ingress-nginx/ },
    },
    {
      name: "cert-manager controller without the chart's leader election Role in kube-system: it never starts its controllers (error)",
      mode: "lint",
      files: { "cm.yaml": withoutLeaderElectionRole(certManager(certManagerRules)) },
      expect: {
        count: 1,
        severity: "error",
        resource: { kind: "Deployment", name: "cert-manager", container: "cert-manager-controller" },
        summary: /cert-manager controller needs get, create, update on Lease cert-manager-controller in namespace kube-system for leader election, which ServiceAccount cert-manager is not granted \(no Role bound to it in namespace kube-system\)/,
        fixIncludes: ["kubectl create role cert-manager-leader-election -n kube-system --verb=get,create,update --resource=leases.coordination.k8s.io", "kubectl create rolebinding cert-manager-leader-election -n kube-system --role=cert-manager-leader-election --serviceaccount=cert-manager:cert-manager"],
      },
    },
    {
      name: "cert-manager controller electing in its own namespace while the chart's Role is in kube-system",
      mode: "lint",
      files: { "cm.yaml": certManager(certManagerRules).replace("--leader-election-namespace=kube-system", "--leader-election-namespace=cert-manager") },
      expect: { count: 1, severity: "error", summary: /on Lease cert-manager-controller in namespace cert-manager for leader election/ },
    },
    {
      name: "cert-manager controller with no --leader-election-namespace elects in kube-system",
      mode: "lint",
      files: { "cm.yaml": certManager(certManagerRules).replace(', "--leader-election-namespace=kube-system"', "").replaceAll("namespace: kube-system}", "namespace: cert-manager}") },
      expect: { count: 1, severity: "error", summary: /on Lease cert-manager-controller in namespace kube-system/ },
    },
    {
      name: "ingress-nginx with EndpointSlices granted get only: names the verbs, the resource and the ClusterRole's rules line",
      mode: "lint",
      files: { "deploy.yaml": endpointSlicesTrimmed },
      expect: {
        count: 1,
        category: "api-permission-denied",
        severity: "error",
        resource: { kind: "Deployment", name: "ingress-nginx-controller", container: "controller" },
        summary: /ingress-nginx controller needs list, watch on endpointslices\.discovery\.k8s\.io, which ServiceAccount ingress-nginx is not granted \(bound to ClusterRole ingress-nginx\)/,
        evidence: [/ClusterRole ingress-nginx rules/],
        fixIncludes: ["endpointslices", "- list", "- watch"],
      },
    },
    {
      name: "metrics-server without nodes in its ClusterRole",
      mode: "lint",
      files: { "components.yaml": nodesTrimmed },
      expect: { count: 1, severity: "error", resource: { kind: "Deployment", name: "metrics-server" }, summary: /metrics-server needs list, watch on nodes, which ServiceAccount metrics-server is not granted \(bound to ClusterRole system:metrics-server\)/ },
    },
    {
      name: "metrics-server as published with its ClusterRole bound through a RoleBinding in kube-system: it lists nodes and pods cluster-wide",
      mode: "lint",
      files: { "components.yaml": bindingNarrowed },
      expect: { count: 1, severity: "error", resource: { kind: "Deployment", name: "metrics-server" }, summary: /metrics-server needs list, watch on nodes; list, watch on pods, which ServiceAccount metrics-server is not granted across all namespaces \(only ClusterRole system:metrics-server grants them, through RoleBinding system:metrics-server in namespace kube-system/, fixIncludes: ["clusterrolebinding"] },
    },
    {
      name: "ingress-nginx as published with its ClusterRole bound through a RoleBinding in its namespace: without --watch-namespace it watches every namespace",
      mode: "lint",
      files: { "deploy.yaml": ingressBindingNarrowed },
      expect: {
        count: 1,
        severity: "error",
        resource: { kind: "Deployment", name: "ingress-nginx-controller", container: "controller" },
        summary: /ingress-nginx controller needs list, watch on services; .*list, watch on ingresses\.networking\.k8s\.io, which ServiceAccount ingress-nginx is not granted across all namespaces \(only ClusterRole ingress-nginx grants them, through RoleBinding ingress-nginx-cluster in namespace ingress-nginx/,
        fixIncludes: ["kubectl create clusterrolebinding ingress-nginx-cluster --clusterrole=ingress-nginx --serviceaccount=ingress-nginx:ingress-nginx"],
      },
    },
    {
      name: "Argo CD's dex server with its Role granting get only",
      mode: "lint",
      files: { "install.yaml": dexTrimmed },
      expect: { count: 1, severity: "error", resource: { kind: "Deployment", name: "argocd-dex-server", container: "dex" }, summary: /argocd-dex-server needs list, watch on configmaps; list, watch on secrets, which ServiceAccount argocd-dex-server is not granted \(bound to Role argocd-dex-server\)/ },
    },
    {
      name: "cert-manager controller whose ClusterRole misses challenges",
      mode: "lint",
      files: { "cm.yaml": certManager(certManagerRules.replace('"orders", "challenges"', '"orders"')) },
      expect: { count: 1, severity: "error", summary: /cert-manager controller needs list, watch on challenges\.acme\.cert-manager\.io/, fixIncludes: ["challenges"] },
    },
    {
      name: "cluster-wide cert-manager controller granted only through a RoleBinding in its namespace",
      mode: "lint",
      files: { "cm.yaml": certManager(certManagerRules).replace("kind: ClusterRoleBinding\nmetadata: {name: cert-manager-controller-certificates}", "kind: RoleBinding\nmetadata: {name: cert-manager-controller-certificates, namespace: cert-manager}") },
      expect: { count: 1, severity: "error", summary: /across all namespaces \(only ClusterRole cert-manager-controller-certificates grants them, through RoleBinding cert-manager-controller-certificates in namespace cert-manager/, fixIncludes: ["clusterrolebinding"] },
    },
  ],
});

describe("the line to change", () => {
  it("the trimmed manifests differ from the published ones", () => {
    expect(endpointSlicesTrimmed).not.toBe(ingressNginx);
    expect(nodesTrimmed).not.toBe(metricsServer);
    expect(dexTrimmed).not.toBe(argoCd);
    expect(ingressBindingNarrowed).not.toBe(ingressNginx);
    expect(leaseRulesRemoved).not.toBe(ingressNginx);
  });
  it("points at the rules of the ClusterRole in deploy.yaml", () => {
    const [finding] = runRule(rbacVerbsMissingRule, { name: "trimmed", mode: "lint", files: { "deploy.yaml": endpointSlicesTrimmed } });
    const rules = finding!.evidence.find((e) => e.text.startsWith("ClusterRole ingress-nginx rules"))!;
    expect(rules.path).toBe("deploy.yaml");
    const lines = endpointSlicesTrimmed.split("\n");
    expect(lines[rules.line! - 1]).toBe("rules:");
    const kindLine = lines.slice(0, rules.line! - 1).findLast((line) => line.startsWith("kind: "));
    expect(kindLine).toBe("kind: ClusterRole");
  });
});

describe("controllerNeeds", () => {
  it("knows controllers by image repository or by the binary they run", () => {
    expect(controllerNeeds({ image: "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594c" })?.controller).toBe("ingress-nginx controller");
    expect(controllerNeeds({ image: "quay.io/argoproj/argocd:v3.5.1", args: ["/usr/local/bin/argocd-server"] })?.controller).toBe("argocd-server");
    expect(controllerNeeds({ image: "quay.io/argoproj/argocd:v3.5.1", args: ["/usr/local/bin/argocd-repo-server"] })).toBeUndefined();
    expect(controllerNeeds({ image: "nginx:1.27" })).toBeUndefined();
  });
  it("reads external-dns sources and the webhook's dynamic serving flag", () => {
    expect(controllerNeeds({ image: "registry.k8s.io/external-dns/external-dns:v0.15.0", args: ["--source=service", "--source=ingress", "--provider=aws"] })?.needs.map((n) => n.resource)).toEqual(["services", "pods", "ingresses"]);
    expect(controllerNeeds({ image: "registry.k8s.io/external-dns/external-dns:v0.15.0", args: ["--provider=aws"] })).toBeUndefined();
    expect(controllerNeeds({ image: "quay.io/jetstack/cert-manager-webhook:v1.16.2", args: ["--secure-port=10250"] })).toBeUndefined();
    expect(flagValues(["--source", "service", "--source=crd,ingress"], "--source")).toEqual(["service", "crd", "ingress"]);
  });
  it("reads where each controller elects its leader", () => {
    expect(controllerNeeds({ image: "quay.io/jetstack/cert-manager-cainjector:v1.16.2", args: ["--v=2"] })?.lease).toMatchObject({ name: "cert-manager-cainjector-leader-election", namespace: "kube-system", blocksWork: true });
    expect(controllerNeeds({ image: "quay.io/jetstack/cert-manager-controller:v1.16.2", args: ["--leader-election-namespace", "cert-manager"] })?.lease).toMatchObject({ name: "cert-manager-controller", namespace: "cert-manager" });
    expect(controllerNeeds({ image: "quay.io/jetstack/cert-manager-controller:v1.16.2", args: ["--config=/var/cert-manager/config/config.yaml"] })?.lease).toBeUndefined();
    expect(controllerNeeds({ image: "registry.k8s.io/ingress-nginx/controller:v1.15.1", args: ["/nginx-ingress-controller"] })?.lease).toMatchObject({ name: "ingress-controller-leader", blocksWork: false });
    expect(controllerNeeds({ image: "registry.k8s.io/metrics-server/metrics-server:v0.8.0" })?.lease).toBeUndefined();
  });
  it("parses image repositories and tags", () => {
    expect(imageRepository("registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:abc")).toBe("ingress-nginx/controller");
    expect(imageRepository("localhost:5000/metrics-server/metrics-server")).toBe("metrics-server/metrics-server");
    expect(tagVersion("quay.io/jetstack/cert-manager-controller:v1.16.2")).toEqual([1, 16]);
    expect(tagVersion("bitnami/external-dns:0.14.0-debian-12-r0")).toEqual([0, 14]);
    expect(tagVersion("ingress-nginx/controller:latest")).toBeUndefined();
  });
});
