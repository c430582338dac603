/**
 * The API permissions well-known controllers cannot run without, taken from each project's
 * published Role/ClusterRole and kept to the list/watch of the informers a controller waits on
 * before it does any work (a forbidden list never syncs, and the controller stalls or exits).
 * Permissions a controller only degrades without (events, status updates, optional sources) are
 * left out: a wrong entry here is a false error on a working install. The Lease a controller elects
 * its leader on is its own need: some do no work until they hold it, others only stop a leader duty.
 */
import type { JsonObject } from "./workloads.js";
import { asArray, str } from "./pod-templates.js";

/** One resource a controller needs, with the verbs it needs on it. */
export interface PermissionNeed {
  group: string;
  resource: string;
  verbs: string[];
}

/** The Lease a controller takes for leader election (get, create, update on coordination.k8s.io leases). */
export interface LeaseNeed {
  /** The lease's name (the election id). */
  name: string;
  /** The lease's namespace; undefined: the controller's own namespace. */
  namespace?: string;
  /** The controller does no work until it holds the lease (else only its leader duties stop). */
  blocksWork: boolean;
  /** What the controller does without the lease, for the finding's cause. */
  withoutIt: string;
  /** Where the need comes from (the upstream Role and the election flags). */
  source: string;
}

export const LEASE_VERBS = ["get", "create", "update"];

export interface ControllerNeeds {
  /** The controller as its project names it. */
  controller: string;
  /** Where the needs come from (the upstream Role/ClusterRole). */
  source: string;
  needs: PermissionNeed[];
  /** The controller lists its resources across all namespaces, so only a ClusterRoleBinding grants them. */
  clusterWide: boolean;
  /** The leader election lease, when the controller elects one and its flags say where. */
  lease?: LeaseNeed;
}

interface ControllerEntry {
  controller: string;
  source: string;
  /** Repository path of the image (registry host and tag stripped), or the binary the container runs. */
  images?: string[];
  binaries?: string[];
  /** The first release (major, minor) these needs hold for; older tags are not judged. */
  since?: [number, number];
  needs: (args: string[], version: Version | undefined) => PermissionNeed[];
  /** Flags that limit the controller to some namespaces; without any of them it watches every namespace. Absent: scope not judged. */
  namespaceFlags?: string[];
  /** The lease the controller elects its leader on, or undefined when it does not elect (or its flags cannot be read). */
  leaderElection?: (args: string[], version: Version | undefined) => LeaseNeed | undefined;
}

type Version = [number, number];

/** `v1.15.1`, `1.9.0-beta.1` -> [1, 15]; tags such as `latest` or a bare digest give undefined. */
export function tagVersion(image: string): Version | undefined {
  const tag = /:([^/@]+)(?:@|$)/.exec(image.split("/").pop() ?? "")?.[1];
  const match = tag ? /^v?(\d+)\.(\d+)/.exec(tag) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const atLeast = (version: Version | undefined, since: Version) => version === undefined || version[0] > since[0] || (version[0] === since[0] && version[1] >= since[1]);

const listWatch = (group: string, ...resources: string[]): PermissionNeed[] => resources.map((resource) => ({ group, resource, verbs: ["list", "watch"] }));

/** Values of a repeated `--flag=value` / `--flag value` argument. */
export function flagValues(args: readonly string[], flag: string): string[] {
  const values: string[] = [];
  args.forEach((arg, index) => {
    if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
    else if (arg === flag && args[index + 1] !== undefined) values.push(args[index + 1]!);
  });
  return values.flatMap((value) => value.split(","));
}

/** The last value of a flag, `fallback` when it is absent, undefined when the kubelet expands it from the environment (`$(POD_NAMESPACE)`). */
function flagOr(args: readonly string[], flag: string, fallback: string): string | undefined {
  const value = flagValues(args, flag).pop() ?? fallback;
  return value.includes("$(") ? undefined : value;
}

/**
 * cert-manager's controller and cainjector elect on a Lease (since v1.4; ConfigMaps before) in
 * `--leader-election-namespace`, kube-system by default, unless `--leader-elect=false`. A `--config`
 * file may set both: not judged.
 */
function certManagerElection(args: readonly string[], version: Version | undefined, name: string, withoutIt: string, source: string): LeaseNeed | undefined {
  if (!atLeast(version, [1, 4]) || flagValues(args, "--config").length > 0) return undefined;
  const elect = flagValues(args, "--leader-elect").pop();
  if (elect !== undefined && /^(false|0)$/i.test(elect)) return undefined;
  const namespace = flagOr(args, "--leader-election-namespace", "kube-system");
  return namespace === undefined ? undefined : { name, namespace, blocksWork: true, withoutIt, source };
}

const argoSettings = listWatch("", "configmaps", "secrets");

/** external-dns sources and the informers each starts (charts/external-dns/templates/clusterrole.yaml). */
const EXTERNAL_DNS_SOURCES: Record<string, PermissionNeed[]> = {
  service: [...listWatch("", "services", "pods")],
  ingress: listWatch("networking.k8s.io", "ingresses"),
  "istio-gateway": [...listWatch("networking.istio.io", "gateways"), ...listWatch("", "services")],
  "istio-virtualservice": listWatch("networking.istio.io", "virtualservices", "gateways"),
  crd: listWatch("externaldns.k8s.io", "dnsendpoints"),
  "gateway-httproute": listWatch("gateway.networking.k8s.io", "httproutes", "gateways"),
};

const CONTROLLERS: ControllerEntry[] = [
  {
    controller: "ingress-nginx controller",
    source: "kubernetes/ingress-nginx deploy/static/provider/cloud/deploy.yaml (ClusterRole and Role ingress-nginx)",
    images: ["ingress-nginx/controller", "ingress-nginx/controller-chroot"],
    since: [1, 0],
    namespaceFlags: ["--watch-namespace", "--watch-namespace-selector"],
    // EndpointSlices replaced Endpoints in v1.9.0.
    needs: (_args, version) => [...listWatch("", "services", "secrets", "configmaps"), ...(atLeast(version, [1, 9]) ? listWatch("discovery.k8s.io", "endpointslices") : []), ...listWatch("networking.k8s.io", "ingresses")],
    // Every replica elects, in its own namespace, on `--election-id`: a Lease since v1.3 (ConfigMaps before). Only the leader writes Ingress status.
    leaderElection: (args, version) => {
      if (!atLeast(version, [1, 3])) return undefined;
      const name = flagOr(args, "--election-id", "ingress-controller-leader");
      return name === undefined
        ? undefined
        : {
            name,
            blocksWork: false,
            withoutIt: "it still serves traffic, but no replica becomes leader, and only the leader writes the load balancer address into the status of the Ingresses it serves: their status.loadBalancer stays empty, for `kubectl get ingress` and for tools that read it (external-dns, Argo CD health)",
            source: "kubernetes/ingress-nginx deploy/static/provider/cloud/deploy.yaml (Role ingress-nginx: leases get, update on the election id, create)",
          };
    },
  },
  {
    controller: "cert-manager controller",
    source: "cert-manager/cert-manager deploy/charts/cert-manager/templates/rbac.yaml (controller-certificates, -issuers, -clusterissuers, -orders, -challenges)",
    images: ["jetstack/cert-manager-controller"],
    since: [1, 0],
    namespaceFlags: ["--namespace"],
    needs: () => [...listWatch("cert-manager.io", "certificates", "certificaterequests", "issuers", "clusterissuers"), ...listWatch("acme.cert-manager.io", "orders", "challenges"), ...listWatch("", "secrets")],
    leaderElection: (args, version) =>
      certManagerElection(args, version, "cert-manager-controller", "it starts none of its controllers until it holds the lease, so no Certificate is issued or renewed", "cert-manager/cert-manager deploy/charts/cert-manager/templates/rbac.yaml (Role cert-manager:leaderelection in the leader election namespace)"),
  },
  {
    controller: "cert-manager cainjector",
    source: "cert-manager/cert-manager deploy/charts/cert-manager/templates/cainjector-rbac.yaml (ClusterRole cert-manager-cainjector)",
    images: ["jetstack/cert-manager-cainjector"],
    since: [1, 0],
    needs: () => [...listWatch("cert-manager.io", "certificates"), ...listWatch("", "secrets"), ...listWatch("admissionregistration.k8s.io", "validatingwebhookconfigurations", "mutatingwebhookconfigurations")],
    leaderElection: (args, version) =>
      certManagerElection(args, version, "cert-manager-cainjector-leader-election", "it injects no CA bundle until it holds the lease, so the API server cannot call cert-manager's webhook and every cert-manager resource is refused", "cert-manager/cert-manager deploy/charts/cert-manager/templates/cainjector-rbac.yaml (Role cert-manager-cainjector:leaderelection in the leader election namespace)"),
  },
  {
    controller: "cert-manager webhook",
    source: "cert-manager/cert-manager deploy/charts/cert-manager/templates/webhook-rbac.yaml (Role cert-manager-webhook:dynamic-serving)",
    images: ["jetstack/cert-manager-webhook"],
    since: [1, 0],
    needs: (args) => (flagValues(args, "--dynamic-serving-ca-secret-name").length > 0 ? [{ group: "", resource: "secrets", verbs: ["list", "watch", "create"] }] : []),
  },
  {
    controller: "external-dns",
    source: "kubernetes-sigs/external-dns charts/external-dns/templates/clusterrole.yaml (per --source)",
    images: ["external-dns/external-dns", "bitnami/external-dns"],
    since: [0, 10],
    namespaceFlags: ["--namespace"],
    needs: (args) => flagValues(args, "--source").flatMap((source) => EXTERNAL_DNS_SOURCES[source] ?? []),
  },
  {
    controller: "metrics-server",
    source: "kubernetes-sigs/metrics-server manifests/base/rbac.yaml (ClusterRole system:metrics-server)",
    images: ["metrics-server/metrics-server"],
    namespaceFlags: [],
    needs: () => listWatch("", "nodes", "pods"),
  },
  {
    controller: "argocd-server",
    source: "argoproj/argo-cd manifests/install.yaml (Role argocd-server)",
    binaries: ["argocd-server"],
    needs: () => [...argoSettings, ...listWatch("argoproj.io", "applications", "appprojects")],
  },
  {
    controller: "argocd-application-controller",
    source: "argoproj/argo-cd manifests/install.yaml (Role argocd-application-controller)",
    binaries: ["argocd-application-controller"],
    needs: () => [...argoSettings, ...listWatch("argoproj.io", "applications", "appprojects")],
  },
  {
    controller: "argocd-applicationset-controller",
    source: "argoproj/argo-cd manifests/install.yaml (Role argocd-applicationset-controller)",
    binaries: ["argocd-applicationset-controller"],
    needs: () => [...argoSettings, ...listWatch("argoproj.io", "applicationsets", "applications")],
  },
  {
    controller: "argocd-notifications-controller",
    source: "argoproj/argo-cd manifests/install.yaml (Role argocd-notifications-controller)",
    binaries: ["argocd-notifications"],
    needs: () => [...argoSettings, ...listWatch("argoproj.io", "applications")],
  },
  {
    controller: "argocd-dex-server",
    source: "argoproj/argo-cd manifests/install.yaml (Role argocd-dex-server)",
    binaries: ["argocd-dex"],
    needs: () => argoSettings,
  },
];

/** `registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:...` -> `ingress-nginx/controller`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split("@")[0]!;
  const parts = withoutDigest.split("/");
  const last = parts.pop()!.split(":")[0]!;
  if (parts.length > 0 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  return [...parts, last].join("/");
}

function words(value: unknown): string[] {
  return asArray(value).map((word) => String(word));
}

/** The controller a container runs, and what it needs, if it is one ktriage knows. */
export function controllerNeeds(container: JsonObject): ControllerNeeds | undefined {
  const image = str(container.image);
  const line = [...words(container.command), ...words(container.args)];
  const binary = line[0]?.split("/").pop();
  const repository = image ? imageRepository(image) : undefined;
  const entry = CONTROLLERS.find((candidate) => (repository !== undefined && candidate.images?.some((known) => repository === known || repository.endsWith(`/${known}`))) || (binary !== undefined && candidate.binaries?.includes(binary)));
  if (!entry) return undefined;
  const version = image ? tagVersion(image) : undefined;
  if (entry.since && !atLeast(version, entry.since)) return undefined;
  const needs = entry.needs(line, version);
  const clusterWide = entry.namespaceFlags !== undefined && entry.namespaceFlags.every((flag) => !line.some((arg) => arg === flag || arg.startsWith(`${flag}=`)));
  const lease = entry.leaderElection?.(line, version);
  if (needs.length === 0 && !lease) return undefined;
  return { controller: entry.controller, source: entry.source, needs, clusterWide, ...(lease ? { lease } : {}) };
}

/** Bootstrap roles every cluster has, which manifests bind without defining. */
export const BOOTSTRAP_ROLES: Record<string, Array<Record<string, unknown>>> = {
  "ClusterRole/cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  "ClusterRole/system:auth-delegator": [
    { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
    { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
  ],
  "Role/kube-system/extension-apiserver-authentication-reader": [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["extension-apiserver-authentication"], verbs: ["get", "list", "watch"] }],
};
