import type { KubeObject } from "../../model/kube.js";
import { didYouMean, nearestNames } from "../../util/suggest.js";
import { LiveUnavailableError, ApiError } from "./errors.js";
import { Gatherer, messageOf } from "./gatherer.js";
import { isFailing, logsToRead, referencedObjects, wantsSidecar, wasOomKilled } from "./pod-health.js";
import { hasSidecarOrInjectionStatus } from "../../istio/sidecar.js";
import {
  collectionPath,
  CONFIGMAPS,
  EVENTS,
  ISTIO_ROOT_NAMESPACE,
  MUTATING_WEBHOOKS,
  NAMESPACES,
  NETWORK_POLICIES,
  NODES,
  objectPath,
  OWNER_TYPES,
  PODS,
  PVCS,
  SECRETS,
  SERVICE_ACCOUNTS,
  SERVICES,
  WORKLOAD_TYPES,
  permissionFor,
} from "./resources.js";

export interface ScanScope {
  /** undefined: all namespaces. */
  namespace?: string;
  selector?: string;
  progress?: (message: string) => void;
}

export interface ScanStats {
  pods: number;
  failingPods: number;
  logs: number;
}

/**
 * A namespace or the whole cluster: one paginated list per kind, then logs
 * only for the pods that are failing. Healthy pods cost no request of their own.
 */
export async function collectScan(gatherer: Gatherer, scope: ScanScope): Promise<ScanStats> {
  const { namespace } = scope;
  const progress = scope.progress ?? (() => undefined);
  let podsSeen = 0;
  progress("listing pods ...");
  const podsListed = gatherer.list(PODS, namespace, {
    labelSelector: scope.selector,
    onPage: (count) => {
      podsSeen = count;
      progress(`listing pods: ${count}`);
    },
  });
  const namespaceObjects = namespace
    ? gatherer
        .get(NAMESPACES, undefined, namespace, { notFound: async () => `namespace "${namespace}" does not exist (kubectl get namespaces lists them)${didYouMean(nearestNames(namespace, await gatherer.names(NAMESPACES, undefined)))}` })
        .then((object) => (object ? [object] : []))
    : gatherer.list(NAMESPACES, undefined);
  const others: Array<Promise<unknown>> = [
    gatherer.list(EVENTS, namespace),
    gatherer.list(SERVICES, namespace),
    gatherer.list(CONFIGMAPS, namespace),
    gatherer.list(SECRETS, namespace, { what: "Secret names and keys" + (namespace ? ` in namespace ${namespace}` : " in all namespaces") }),
    gatherer.list(SERVICE_ACCOUNTS, namespace),
    gatherer.list(PVCS, namespace),
    gatherer.list(NETWORK_POLICIES, namespace),
    gatherer.list(NODES, undefined, { what: "Node conditions" }),
    ...WORKLOAD_TYPES.map((type) => gatherer.list(type, namespace)),
    collectIstio(gatherer, namespace, undefined),
  ];
  // Logs of failing pods are read as soon as the pods are listed, while the other lists still run.
  const logsRead = podsListed.then(async (pods) => {
    podsSeen = pods.length;
    const failing = pods.filter(isFailing);
    const requests = failing.flatMap((pod) => logsToRead(pod).map((request) => ({ pod, request })));
    let done = 0;
    progress(`${podsSeen} pods, ${failing.length} failing: reading ${requests.length} logs`);
    await Promise.all([
      ...requests.map(async ({ pod, request }) => {
        await gatherer.log(pod.metadata.namespace ?? "", pod.metadata.name ?? "", request.container, request.previous);
        done++;
        if (done % 25 === 0 || done === requests.length) progress(`${podsSeen} pods, ${failing.length} failing: logs ${done}/${requests.length}`);
      }),
      ...failing.filter(wasOomKilled).map((pod) => gatherer.podMetrics(pod.metadata.namespace ?? "", pod.metadata.name ?? "")),
    ]);
    return { pods: podsSeen, failingPods: failing.length, logs: requests.length };
  });
  const [stats] = await Promise.all([logsRead, namespaceObjects, ...others]);
  return stats;
}

/**
 * One pod in depth: the pod, its events, owner chain, logs of every container
 * that restarted or is not ready, the Secrets/ConfigMaps/PVCs it names,
 * Services and NetworkPolicies of its namespace, its node, and Istio
 * resources when it is in the mesh and the CRDs exist. Calls run in parallel.
 */
export async function collectPod(gatherer: Gatherer, namespace: string, name: string): Promise<ScanStats> {
  const podPath = objectPath(PODS, namespace, name);
  const namespaceObject = gatherer.get(NAMESPACES, undefined, namespace);
  const discovery = gatherer.discoverIstio();
  let pod: KubeObject;
  try {
    pod = await gatherer.client.getJson<KubeObject>(podPath);
  } catch (error) {
    // Settle the calls already started so they do not outlive the run.
    await Promise.allSettled([namespaceObject, discovery]);
    if (error instanceof ApiError && error.notFound) throw new LiveUnavailableError(await podNotFound(gatherer, namespace, name, podPath));
    if (error instanceof ApiError && error.forbidden) throw new LiveUnavailableError(`not allowed to read pod ${namespace}/${name}: ${error.message}. Needed: ${permissionFor("get", PODS, namespace)}`);
    throw new LiveUnavailableError(messageOf(error));
  }
  pod.kind = "Pod";
  pod.apiVersion = pod.apiVersion ?? "v1";
  if (pod.metadata && "managedFields" in pod.metadata) delete pod.metadata.managedFields;
  gatherer.sink.object(pod, PODS, `GET ${podPath}`);

  const references = referencedObjects(pod);
  const logRequests = logsToRead(pod);
  const nodeName: string | undefined = pod.spec?.nodeName;
  await Promise.all([
    gatherer.list(EVENTS, namespace, { fieldSelector: `involvedObject.name=${name}`, what: `events of pod ${namespace}/${name}` }),
    collectOwners(gatherer, pod),
    ...logRequests.map((request) => gatherer.log(namespace, name, request.container, request.previous)),
    wasOomKilled(pod) ? gatherer.podMetrics(namespace, name) : Promise.resolve(),
    ...references.secrets.map((secret) => gatherer.get(SECRETS, namespace, secret, { what: `Secret ${namespace}/${secret} (names and keys)` })),
    ...references.configMaps.map((configMap) => gatherer.get(CONFIGMAPS, namespace, configMap)),
    ...references.claims.map((claim) => gatherer.get(PVCS, namespace, claim)),
    gatherer.list(SERVICES, namespace),
    gatherer.list(NETWORK_POLICIES, namespace),
    nodeName ? gatherer.get(NODES, undefined, nodeName, { what: `conditions of node ${nodeName}` }) : Promise.resolve(undefined),
    Promise.all([namespaceObject, discovery]).then(async ([ns, served]) => {
      if (hasSidecarOrInjectionStatus(pod)) await collectIstio(gatherer, namespace, discovery, true);
      // Injection was asked for but no sidecar is there: the injector webhooks tell why.
      else if (wantsSidecar(pod, ns) && served.size > 0) await gatherer.list(MUTATING_WEBHOOKS, undefined, { what: "sidecar injector webhooks (MutatingWebhookConfigurations)" });
    }),
  ]);
  return { pods: 1, failingPods: isFailing(pod) ? 1 : 0, logs: logRequests.length };
}

/**
 * The current log of each container of istiod's pods (mesh readiness reads them for errors). The pods
 * themselves join the view only when the scan did not list istio-system already.
 */
export async function collectIstiodLogs(gatherer: Gatherer, podsListed: boolean): Promise<number> {
  const selector = { labelSelector: "app=istiod", what: "istiod pods in istio-system" };
  let pods: KubeObject[];
  if (podsListed) {
    try {
      pods = (await gatherer.client.getJson<{ items?: KubeObject[] }>(collectionPath(PODS, ISTIO_ROOT_NAMESPACE), { query: { labelSelector: selector.labelSelector } })).items ?? [];
    } catch (error) {
      gatherer.sink.problem(`GET ${collectionPath(PODS, ISTIO_ROOT_NAMESPACE)}?labelSelector=app%3Distiod`, messageOf(error));
      return 0;
    }
  } else pods = await gatherer.list(PODS, ISTIO_ROOT_NAMESPACE, selector);
  const requests = pods.flatMap((pod) => ((pod.spec?.containers ?? []) as Array<{ name: string }>).map((container) => ({ pod: pod.metadata?.name ?? "", container: container.name })));
  await Promise.all([
    ...requests.map((request) => gatherer.log(ISTIO_ROOT_NAMESPACE, request.pod, request.container, false)),
    // istiod's measured memory replaces the estimate in the sidecar-memory check.
    ...pods.map((pod) => gatherer.podMetrics(ISTIO_ROOT_NAMESPACE, pod.metadata?.name ?? "")),
  ]);
  return requests.length;
}

/** A pod that is not there, with the nearest names that are: of pods in its namespace, or of namespaces when that is missing too. */
async function podNotFound(gatherer: Gatherer, namespace: string, name: string, podPath: string): Promise<string> {
  const [namespaceExists, pods] = await Promise.all([gatherer.client.getJson(objectPath(NAMESPACES, undefined, namespace)).then(() => true, (error: unknown) => !(error instanceof ApiError && error.notFound)), gatherer.names(PODS, namespace)]);
  if (!namespaceExists) {
    return `pod "${name}" not found: there is no namespace "${namespace}"${didYouMean(nearestNames(namespace, await gatherer.names(NAMESPACES, undefined)))} (kubectl get namespaces lists them)`;
  }
  const near = nearestNames(name, pods);
  return `pod "${name}" not found in namespace "${namespace}" (GET ${podPath}: 404)${near.length > 0 ? didYouMean(near) : ": it may have been deleted or replaced"}; list pods with: kubectl get pods -n ${namespace}`;
}

/** ReplicaSet -> Deployment, Job -> CronJob ...: each owner read by name, nearest first. */
async function collectOwners(gatherer: Gatherer, object: KubeObject): Promise<void> {
  let current: KubeObject | undefined = object;
  for (let depth = 0; current && depth < 4; depth++) {
    const refs: Array<{ kind: string; name: string; controller?: boolean }> = current.metadata.ownerReferences ?? [];
    const ref = refs.find((owner) => owner.controller) ?? refs[0];
    const type = ref ? OWNER_TYPES[ref.kind] : undefined;
    if (!ref || !type) return;
    current = await gatherer.get(type, object.metadata.namespace, ref.name, { what: `${ref.kind} ${object.metadata.namespace}/${ref.name} (owner of the pod)` });
  }
}

/**
 * Istio configuration when its CRDs are served: the scanned namespace (or all),
 * plus the root namespace where mesh-wide policy and the mesh ConfigMap live.
 */
async function collectIstio(gatherer: Gatherer, namespace: string | undefined, discovery: ReturnType<Gatherer["discoverIstio"]> | undefined, clusterWide = false): Promise<void> {
  const served = await (discovery ?? gatherer.discoverIstio());
  const types = gatherer.istioTypes(served);
  if (types.length === 0) return;
  const namespaces = namespace === undefined ? [undefined] : namespace === ISTIO_ROOT_NAMESPACE ? [namespace] : [namespace, ISTIO_ROOT_NAMESPACE];
  const calls: Array<Promise<unknown>> = [];
  for (const type of types) {
    // One pod: a cluster-wide list per kind (routes and policies elsewhere can apply to it), or per namespace when that is all RBAC allows.
    if (clusterWide && namespace !== undefined) calls.push(gatherer.list(type, undefined, { forbiddenFallback: namespaces.filter((ns): ns is string => ns !== undefined) }));
    else for (const ns of namespaces) calls.push(gatherer.list(type, ns));
  }
  if (namespace !== undefined && namespace !== ISTIO_ROOT_NAMESPACE) {
    calls.push(gatherer.get(CONFIGMAPS, ISTIO_ROOT_NAMESPACE, "istio", { what: "the mesh configuration (ConfigMap istio-system/istio)" }));
  }
  calls.push(gatherer.list(MUTATING_WEBHOOKS, undefined, { what: "sidecar injector webhooks (MutatingWebhookConfigurations)" }));
  await Promise.all(calls);
}
