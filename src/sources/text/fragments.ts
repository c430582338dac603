import { yamlPackage } from "../../util/yaml-package.js";
import { completeReason } from "./reasons.js";

type Json = Record<string, unknown>;

/**
 * A YAML or JSON fragment of a Pod, placed where it plainly belongs: a whole
 * Pod, its `status`, its `spec`, one `containerStatuses` entry, a `lastState`
 * block, one container of the spec. Returns the Pod parts it fills in.
 */
export interface PodParts {
  metadata: Json;
  spec: Json;
  status: Json;
}

const STATUS_KEYS = ["containerStatuses", "initContainerStatuses", "phase", "conditions", "podIP", "hostIP", "qosClass", "startTime", "nominatedNodeName"];
const SPEC_KEYS = ["containers", "initContainers", "volumes", "nodeName", "restartPolicy", "serviceAccountName", "nodeSelector", "tolerations", "affinity"];
const CONTAINER_STATUS_KEYS = ["lastState", "restartCount", "imageID", "containerID", "ready", "started"];
const STATE_KEYS = ["terminated", "waiting", "running"];
const CONTAINER_SPEC_KEYS = ["image", "command", "args", "resources", "livenessProbe", "readinessProbe", "startupProbe", "env", "envFrom", "volumeMounts", "ports"];

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function has(object: Json, keys: readonly string[]): boolean {
  return keys.some((key) => key in object);
}

/** Parses fragment text (YAML, which JSON is too); undefined when it is neither. */
export function parseFragment(text: string): unknown {
  try {
    return yamlPackage().parse(text, { strict: false, uniqueKeys: false, maxAliasCount: 20, prettyErrors: false });
  } catch {
    return undefined;
  }
}

/** Whether parsed data is a piece of a Pod (or a whole one) rather than a structured log line. */
export function looksLikePodData(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => isObject(item) && has(item, [...STATE_KEYS, ...CONTAINER_STATUS_KEYS, ...CONTAINER_SPEC_KEYS]));
  if (!isObject(value)) return false;
  if (typeof value.kind === "string") return true;
  return has(value, ["metadata", "spec", "status", ...STATUS_KEYS, ...SPEC_KEYS, ...CONTAINER_STATUS_KEYS, ...STATE_KEYS, ...CONTAINER_SPEC_KEYS]);
}

function normaliseState(state: unknown): Json | undefined {
  if (!isObject(state)) return undefined;
  const out: Json = {};
  for (const key of STATE_KEYS) {
    const inner = state[key];
    if (!isObject(inner) && inner !== null && inner !== undefined) continue;
    const copy: Json = { ...(isObject(inner) ? inner : {}) };
    if (typeof copy.reason === "string") copy.reason = completeReason(copy.reason);
    if (copy.exitCode !== undefined) copy.exitCode = Number(copy.exitCode);
    for (const time of ["startedAt", "finishedAt"]) if (copy[time] === null) delete copy[time];
    if (key in state) out[key] = copy;
  }
  return Object.keys(out).length ? out : undefined;
}

/** One container status; a lastState implies the container restarted at least once. */
function normaliseContainerStatus(raw: Json): Json {
  const status: Json = { ...raw, name: typeof raw.name === "string" ? raw.name : "" };
  const state = normaliseState(raw.state);
  const last = normaliseState(raw.lastState);
  if (state) status.state = state;
  else delete status.state;
  if (last) status.lastState = last;
  else delete status.lastState;
  if (status.restartCount === undefined && isObject(last?.terminated)) status.restartCount = 1;
  if (status.restartCount !== undefined) status.restartCount = Number(status.restartCount) || 0;
  return status;
}

function mergeStatuses(into: Json, key: string, statuses: Json[]): void {
  const list = (Array.isArray(into[key]) ? into[key] : []) as Json[];
  for (const status of statuses) {
    const same = list.find((existing) => existing.name === status.name || existing.name === "" || status.name === "");
    if (same) Object.assign(same, { ...status, name: same.name || status.name });
    else list.push(status);
  }
  into[key] = list;
}

function mergeContainers(into: Json, key: string, containers: Json[]): void {
  const list = (Array.isArray(into[key]) ? into[key] : []) as Json[];
  for (const container of containers) {
    const same = list.find((existing) => existing.name === container.name || existing.name === "" || container.name === "");
    if (same) Object.assign(same, { ...container, name: same.name || container.name });
    else list.push({ ...container, name: typeof container.name === "string" ? container.name : "" });
  }
  into[key] = list;
}

/** Fills `parts` with what the fragment says; returns false when it is no part of a Pod. */
export function placeFragment(value: unknown, parts: PodParts): boolean {
  if (Array.isArray(value)) {
    const items = value.filter(isObject);
    if (items.some((item) => has(item, [...STATE_KEYS.map((k) => k), ...CONTAINER_STATUS_KEYS]) || "state" in item)) {
      mergeStatuses(parts.status, "containerStatuses", items.map(normaliseContainerStatus));
      return true;
    }
    if (items.some((item) => has(item, CONTAINER_SPEC_KEYS))) {
      mergeContainers(parts.spec, "containers", items);
      return true;
    }
    return false;
  }
  if (!isObject(value)) return false;
  if (isObject(value.metadata) || isObject(value.spec) || isObject(value.status)) {
    if (isObject(value.metadata)) Object.assign(parts.metadata, value.metadata);
    if (isObject(value.spec)) placeFragment(value.spec, parts);
    if (isObject(value.status)) placeFragment(value.status, parts);
    return true;
  }
  if (has(value, STATUS_KEYS) || (typeof value.reason === "string" && typeof value.phase === "string")) {
    const { containerStatuses, initContainerStatuses, ...rest } = value;
    Object.assign(parts.status, rest);
    if (typeof parts.status.reason === "string") parts.status.reason = completeReason(parts.status.reason);
    if (Array.isArray(containerStatuses)) mergeStatuses(parts.status, "containerStatuses", containerStatuses.filter(isObject).map(normaliseContainerStatus));
    if (Array.isArray(initContainerStatuses)) mergeStatuses(parts.status, "initContainerStatuses", initContainerStatuses.filter(isObject).map(normaliseContainerStatus));
    return true;
  }
  if (has(value, SPEC_KEYS)) {
    const { containers, initContainers, ...rest } = value;
    Object.assign(parts.spec, rest);
    if (Array.isArray(containers)) mergeContainers(parts.spec, "containers", containers.filter(isObject));
    if (Array.isArray(initContainers)) mergeContainers(parts.spec, "initContainers", initContainers.filter(isObject));
    return true;
  }
  if (has(value, CONTAINER_STATUS_KEYS) || (isObject(value.state) && has(value.state, STATE_KEYS))) {
    mergeStatuses(parts.status, "containerStatuses", [normaliseContainerStatus(value)]);
    if (has(value, CONTAINER_SPEC_KEYS.filter((key) => key !== "image"))) mergeContainers(parts.spec, "containers", [value]);
    return true;
  }
  if (has(value, STATE_KEYS)) {
    // A bare `terminated:` / `waiting:` block: the container's last state when it ended, its current state when it waits.
    const state = normaliseState(value)!;
    const status: Json = { name: "" };
    if (state.terminated) {
      status.lastState = { terminated: state.terminated };
      status.restartCount = 1;
    }
    if (state.waiting || state.running) status.state = { ...(state.waiting ? { waiting: state.waiting } : {}), ...(state.running ? { running: state.running } : {}) };
    mergeStatuses(parts.status, "containerStatuses", [status]);
    return true;
  }
  if (has(value, CONTAINER_SPEC_KEYS)) {
    mergeContainers(parts.spec, "containers", [value]);
    return true;
  }
  return false;
}
