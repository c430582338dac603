import type { KubeObject } from "../../model/kube.js";

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  started?: boolean;
  state?: { running?: object; waiting?: { reason?: string }; terminated?: { exitCode?: number; reason?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}

function statusesOf(pod: KubeObject): { init: ContainerStatus[]; main: ContainerStatus[] } {
  const status = pod.status ?? {};
  return {
    init: [...(status.initContainerStatuses ?? [])] as ContainerStatus[],
    main: [...(status.containerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])] as ContainerStatus[],
  };
}

/** Native sidecars (init containers with restartPolicy Always) keep running like app containers. */
function sidecarInitNames(pod: KubeObject): Set<string> {
  const init: Array<{ name: string; restartPolicy?: string }> = pod.spec?.initContainers ?? [];
  return new Set(init.filter((container) => container.restartPolicy === "Always").map((container) => container.name));
}

/**
 * Whether a pod needs a closer look (its logs): failed, stuck pending, a
 * container waiting, not ready, or restarted after a failure. Healthy and
 * completed pods cost no request of their own.
 */
export function isFailing(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded") return false;
  if (phase === "Failed" || phase === "Unknown") return true;
  if (pod.metadata.deletionTimestamp) return false;
  const { init, main } = statusesOf(pod);
  const sidecars = sidecarInitNames(pod);
  for (const status of init) {
    const completed = status.state?.terminated?.exitCode === 0;
    if (sidecars.has(status.name) ? !status.ready || restartedAfterFailure(status) : !completed && (status.state?.waiting || status.state?.terminated || restartedAfterFailure(status))) return true;
  }
  if (phase === "Pending") return true;
  for (const status of main) {
    if (!status.ready || status.state?.waiting || restartedAfterFailure(status)) return true;
  }
  const conditions: Array<{ type: string; status: string }> = pod.status?.conditions ?? [];
  return conditions.some((condition) => (condition.type === "Ready" || condition.type === "ContainersReady") && condition.status === "False");
}

function restartedAfterFailure(status: ContainerStatus): boolean {
  const last = status.lastState?.terminated;
  return (status.restartCount ?? 0) > 0 && last !== undefined && (last.exitCode !== 0 || last.reason === "OOMKilled" || last.reason === "Error");
}

/** Whether a container of the pod was OOM-killed: metrics-server's working set then sizes the memory fix. */
export function wasOomKilled(pod: KubeObject): boolean {
  const { init, main } = statusesOf(pod);
  return [...init, ...main].some((status) => status.lastState?.terminated?.reason === "OOMKilled" || status.state?.terminated?.reason === "OOMKilled");
}

export interface LogRequest {
  container: string;
  previous: boolean;
}

/**
 * The log streams worth reading for a failing pod: the previous instance of
 * every container that restarted, and the current log of every container
 * that runs or ran but is not healthy. A container that never started has no
 * log: asking would only cost a request.
 */
export function logsToRead(pod: KubeObject): LogRequest[] {
  const { init, main } = statusesOf(pod);
  const requests: LogRequest[] = [];
  const sidecars = sidecarInitNames(pod);
  for (const status of [...init, ...main]) {
    const isInit = init.includes(status) && !sidecars.has(status.name);
    const restarted = (status.restartCount ?? 0) > 0 || status.lastState?.terminated !== undefined;
    const ran = status.state?.running !== undefined || status.state?.terminated !== undefined;
    const unhealthy = isInit ? status.state?.terminated?.exitCode !== 0 : !status.ready || restarted || status.state?.terminated !== undefined;
    if (restarted && status.lastState?.terminated) requests.push({ container: status.name, previous: true });
    if (ran && unhealthy) requests.push({ container: status.name, previous: false });
  }
  return requests;
}

/** Secrets, ConfigMaps and PVCs a pod spec names (volumes, env, envFrom, projected volumes, image pull secrets). */
export function referencedObjects(pod: KubeObject): { secrets: string[]; configMaps: string[]; claims: string[] } {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const claims = new Set<string>();
  const spec = pod.spec ?? {};
  for (const volume of spec.volumes ?? []) {
    if (volume.secret?.secretName) secrets.add(volume.secret.secretName);
    if (volume.configMap?.name) configMaps.add(volume.configMap.name);
    if (volume.persistentVolumeClaim?.claimName) claims.add(volume.persistentVolumeClaim.claimName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.secret?.name) secrets.add(source.secret.name);
      if (source.configMap?.name) configMaps.add(source.configMap.name);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const env of container.env ?? []) {
      if (env.valueFrom?.secretKeyRef?.name) secrets.add(env.valueFrom.secretKeyRef.name);
      if (env.valueFrom?.configMapKeyRef?.name) configMaps.add(env.valueFrom.configMapKeyRef.name);
    }
    for (const source of container.envFrom ?? []) {
      if (source.secretRef?.name) secrets.add(source.secretRef.name);
      if (source.configMapRef?.name) configMaps.add(source.configMapRef.name);
    }
  }
  for (const pull of spec.imagePullSecrets ?? []) if (pull?.name) secrets.add(pull.name);
  return { secrets: [...secrets], configMaps: [...configMaps], claims: [...claims] };
}

/** Whether a pod should have been given a sidecar (its labels or its namespace ask for injection). */
export function wantsSidecar(pod: KubeObject, namespace: KubeObject | undefined): boolean {
  if (pod.metadata.labels?.["sidecar.istio.io/inject"] === "true") return true;
  const labels = namespace?.metadata.labels ?? {};
  return labels["istio-injection"] === "enabled" || Boolean(labels["istio.io/rev"]);
}
