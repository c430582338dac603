import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import { firstHits, PROXY_SIGNATURES, type LogHit } from "./proxy-log-signatures.js";
import { containerStatus, podStatus, PROXY_CONTAINER, secondsBetween } from "./pods.js";
import { appliedNamespace } from "../model/namespace.js";

export const ISTIO_NAMESPACE = "istio-system";
/** A proxy needs up to a minute after start to get its config and certificates and become ready. */
export const PROXY_WARMUP_SECONDS = 60;

export function istiodPods(view: ClusterView): KubeObject[] {
  return view.kindIn("Pod", ISTIO_NAMESPACE).filter((pod) => (pod.metadata.labels?.app === "istiod" || pod.metadata.labels?.istio === "pilot"));
}

export interface IstiodHealth {
  /** Whether the view holds istio-system pods at all (otherwise nothing can be said). */
  known: boolean;
  ready: number;
  total: number;
  pods: IstiodPodState[];
}

export interface IstiodPodState {
  name?: string;
  phase?: string;
  ready: boolean;
  /** The discovery container's waiting reason and last termination reason. */
  waiting?: string;
  lastTerminated?: string;
  restarts: number;
}

export function istiodHealth(view: ClusterView): IstiodHealth {
  const pods = istiodPods(view);
  const known = pods.length > 0 || view.kindIn("Pod", ISTIO_NAMESPACE).length > 0 || view.kindIn("Deployment", ISTIO_NAMESPACE).length > 0;
  const ready = pods.filter((pod) => {
    const status = podStatus(pod);
    const condition = status.conditions?.find((entry) => entry.type === "Ready");
    if (condition) return condition.status === "True";
    const containers = status.containerStatuses ?? [];
    return containers.length > 0 && containers.every((entry) => entry.ready === true);
  });
  const states = pods.map((pod): IstiodPodState => {
    const discovery = podStatus(pod).containerStatuses?.[0];
    return {
      name: pod.metadata.name,
      phase: podStatus(pod).phase,
      ready: ready.includes(pod),
      waiting: discovery?.state?.waiting?.reason,
      lastTerminated: discovery?.lastState?.terminated?.reason,
      restarts: discovery?.restartCount ?? 0,
    };
  });
  return { known, ready: ready.length, total: pods.length, pods: states };
}

export interface ProxySymptoms {
  hits: LogHit[];
  ready: boolean;
  restarts: number;
  /** Seconds since the proxy container started (current instance), when known. */
  runningFor?: number;
  /** Past the warm-up: not ready for longer than a minute, or restarting. */
  stuck: boolean;
}

/** What the proxy's status and log say about its connection to istiod. */
export function proxySymptoms(view: ClusterView, pod: KubeObject): ProxySymptoms {
  const status = containerStatus(pod, PROXY_CONTAINER);
  const hits = firstHits(view, pod.metadata.namespace, pod.metadata.name, PROXY_CONTAINER, [
    PROXY_SIGNATURES.xdsStreamClosed,
    PROXY_SIGNATURES.istiodDial,
    PROXY_SIGNATURES.dnsFailure,
    PROXY_SIGNATURES.configNotReceived,
  ]);
  const startedAt = status?.state?.running?.startedAt ?? podStatus(pod).startTime;
  const runningFor = secondsBetween(startedAt, view.now);
  const ready = status?.ready === true;
  const restarts = status?.restartCount ?? 0;
  const stuck = !ready && (restarts > 0 || runningFor === undefined || runningFor > PROXY_WARMUP_SECONDS);
  return { hits, ready, restarts, runningFor, stuck };
}

/** Commands that look at istiod from the proxy's side, as the Istio debugging guide gives them. */
export function istiodChecks(pod: KubeObject): string[] {
  const namespace = appliedNamespace(pod.metadata.namespace);
  return [
    `kubectl get pods -n ${ISTIO_NAMESPACE} -l app=istiod`,
    `kubectl logs -n ${ISTIO_NAMESPACE} -l app=istiod --tail=50`,
    `istioctl proxy-status ${pod.metadata.name}.${namespace}`,
  ];
}
