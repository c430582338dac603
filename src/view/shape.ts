import type { KubeObject } from "../model/kube.js";

/**
 * Kubernetes objects from the API server are always well-typed; hand-written
 * manifests are not (`containers:` left empty, `args: --port=80` as a string,
 * a `null` list entry). Before rules see an object, the structural fields the
 * rules walk are checked: a field of the wrong type is dropped (and reported,
 * with its path), null entries are removed from lists. Istio kinds are left
 * as they are: their schema errors are findings of the Istio rules.
 */
export interface ShapeProblem {
  path: (string | number)[];
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

class ShapeChecker {
  readonly problems: ShapeProblem[] = [];

  /** `holder[key]` must be a mapping; returns it, or drops it. */
  object(holder: Json, key: string, path: (string | number)[]): Json | undefined {
    const value = holder[key];
    if (value === undefined || value === null) {
      if (value === null) delete holder[key];
      return undefined;
    }
    if (isObject(value)) return value;
    this.problems.push({ path: [...path, key], message: `${[...path, key].join(".")} should be a mapping, found ${describe(value)}; ignored` });
    delete holder[key];
    return undefined;
  }

  /** `holder[key]` must be a list of mappings; null and scalar entries are dropped. */
  objectList(holder: Json, key: string, path: (string | number)[]): Json[] {
    const value = holder[key];
    if (value === undefined || value === null) {
      if (value === null) delete holder[key];
      return [];
    }
    if (!Array.isArray(value)) {
      this.problems.push({ path: [...path, key], message: `${[...path, key].join(".")} should be a list, found ${describe(value)}; ignored` });
      delete holder[key];
      return [];
    }
    const kept = value.filter(isObject);
    if (kept.length !== value.length) {
      this.problems.push({ path: [...path, key], message: `${[...path, key].join(".")} has ${value.length - kept.length === 1 ? "an entry that is not a mapping" : `${value.length - kept.length} entries that are not mappings`}; ignored` });
      holder[key] = kept;
    }
    return kept;
  }

  /** `holder[key]` must be a list of strings (numbers and booleans are written as YAML scalars and kept as text). */
  stringList(holder: Json, key: string, path: (string | number)[]): void {
    const value = holder[key];
    if (value === undefined || value === null) {
      if (value === null) delete holder[key];
      return;
    }
    if (!Array.isArray(value)) {
      this.problems.push({ path: [...path, key], message: `${[...path, key].join(".")} should be a list of strings, found ${describe(value)}; ignored` });
      delete holder[key];
      return;
    }
    if (value.every((item) => typeof item === "string")) return;
    const kept = value.filter((item) => ["string", "number", "boolean"].includes(typeof item)).map(String);
    if (kept.length !== value.length) {
      this.problems.push({ path: [...path, key], message: `${[...path, key].join(".")} has entries that are not strings; ignored` });
    }
    holder[key] = kept;
  }

  /** A mapping of strings (labels, annotations, nodeSelector, matchLabels): other values are dropped. */
  stringMap(holder: Json, key: string, path: (string | number)[]): void {
    const map = this.object(holder, key, path);
    if (!map) return;
    for (const [name, value] of Object.entries(map)) {
      if (typeof value === "string") continue;
      if (typeof value === "number" || typeof value === "boolean") {
        map[name] = String(value);
        continue;
      }
      this.problems.push({ path: [...path, key, name], message: `${[...path, key, name].join(".")} should be a string, found ${describe(value)}; ignored` });
      delete map[name];
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value).slice(0, 30)}`;
}

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;
const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;

function checkContainer(check: ShapeChecker, container: Json, path: (string | number)[]): void {
  check.stringList(container, "command", path);
  check.stringList(container, "args", path);
  for (const key of ["ports", "env", "envFrom", "volumeMounts", "volumeDevices"]) check.objectList(container, key, path);
  const resources = check.object(container, "resources", path);
  if (resources) {
    check.object(resources, "limits", [...path, "resources"]);
    check.object(resources, "requests", [...path, "resources"]);
  }
  for (const probe of PROBES) {
    const spec = check.object(container, probe, path);
    if (!spec) continue;
    for (const handler of ["httpGet", "tcpSocket", "exec", "grpc"]) {
      const handlerSpec = check.object(spec, handler, [...path, probe]);
      if (handler === "exec" && handlerSpec) check.stringList(handlerSpec, "command", [...path, probe, "exec"]);
    }
  }
  const security = check.object(container, "securityContext", path);
  if (security) {
    const capabilities = check.object(security, "capabilities", [...path, "securityContext"]);
    if (capabilities) {
      check.stringList(capabilities, "add", [...path, "securityContext", "capabilities"]);
      check.stringList(capabilities, "drop", [...path, "securityContext", "capabilities"]);
    }
  }
  check.object(container, "lifecycle", path);
}

function checkPodSpec(check: ShapeChecker, spec: Json, path: (string | number)[]): void {
  for (const list of CONTAINER_LISTS) {
    check.objectList(spec, list, path).forEach((container, index) => checkContainer(check, container, [...path, list, index]));
  }
  for (const key of ["volumes", "tolerations", "imagePullSecrets", "topologySpreadConstraints", "hostAliases"]) check.objectList(spec, key, path);
  check.stringMap(spec, "nodeSelector", path);
  check.object(spec, "securityContext", path);
  check.object(spec, "affinity", path);
}

function checkPodTemplate(check: ShapeChecker, holder: Json, key: string, path: (string | number)[]): void {
  const template = check.object(holder, key, path);
  if (!template) return;
  const metadata = check.object(template, "metadata", [...path, key]);
  if (metadata) {
    check.stringMap(metadata, "labels", [...path, key, "metadata"]);
    check.stringMap(metadata, "annotations", [...path, key, "metadata"]);
  }
  const spec = check.object(template, "spec", [...path, key]);
  if (spec) checkPodSpec(check, spec, [...path, key, "spec"]);
}

function checkSelector(check: ShapeChecker, holder: Json, key: string, path: (string | number)[]): void {
  const selector = check.object(holder, key, path);
  if (!selector) return;
  check.stringMap(selector, "matchLabels", [...path, key]);
  check.objectList(selector, "matchExpressions", [...path, key]).forEach((expression, index) => {
    check.stringList(expression, "values", [...path, key, "matchExpressions", index]);
  });
}

function checkPodStatus(check: ShapeChecker, status: Json): void {
  for (const key of ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]) {
    check.objectList(status, key, ["status"]).forEach((containerStatus, index) => {
      check.object(containerStatus, "state", ["status", key, index]);
      check.object(containerStatus, "lastState", ["status", key, index]);
    });
  }
  for (const key of ["conditions", "podIPs", "hostIPs"]) check.objectList(status, key, ["status"]);
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]);

/**
 * Built-in Kubernetes kinds (core, apps/v1, batch/v1, networking.k8s.io ...). Custom resources and their
 * definitions are not: a CRD's openAPIV3Schema has properties called `kind`, `name` or `key` whose values
 * are schemas, and a custom resource's fields mean what its CRD says.
 */
function isCoreKubernetes(object: KubeObject): boolean {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (group === "apiextensions.k8s.io" || group === "gateway.networking.k8s.io") return false;
  return group === "" || !group.includes(".") || group.endsWith(".k8s.io");
}

/** Fields that are strings wherever they appear in a core object. */
const STRING_FIELDS = new Set([
  "name", "namespace", "kind", "image", "reason", "message", "key", "mountPath", "subPath", "path", "startedAt", "finishedAt",
  "creationTimestamp", "lastTransitionTime", "lastProbeTime", "type", "uid", "secretName", "claimName", "serviceAccountName",
  "nodeName", "restartPolicy", "imagePullPolicy", "phase", "podIP", "hostIP", "ip", "containerID", "imageID", "operator",
  "storageClassName", "host", "scheme", "protocol", "value",
]);
const OPAQUE_SUBTREES = new Set(["data", "binaryData", "stringData", "labels", "annotations", "matchLabels", "nodeSelector", "selector", "managedFields"]);

function checkStringFields(check: ShapeChecker, node: unknown, path: (string | number)[]): void {
  // `path` is one stack shared by the whole walk (pushed and popped), copied only when a problem is reported.
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index++) {
      const item: unknown = node[index];
      if (typeof item !== "object" || item === null) continue;
      path.push(index);
      checkStringFields(check, item, path);
      path.pop();
    }
    return;
  }
  if (!isObject(node)) return;
  // for-in rather than Object.keys: no array per node (this walks every object loaded); a key deleted below was already visited.
  for (const key in node) {
    const value = node[key];
    if (OPAQUE_SUBTREES.has(key) && path.length > 0) continue;
    if (STRING_FIELDS.has(key) && value !== null && value !== undefined && typeof value !== "string") {
      if (typeof value === "number" || typeof value === "boolean") {
        node[key] = String(value);
      } else {
        check.problems.push({ path: [...path, key], message: `${[...path, key].join(".")} should be a string, found ${describe(value)}; ignored` });
        delete node[key];
      }
      continue;
    }
    if (typeof value === "object" && value !== null) {
      path.push(key);
      checkStringFields(check, value, path);
      path.pop();
    }
  }
}

/** Checks and repairs the structural fields of a core Kubernetes object in place; returns what was wrong. */
export function normaliseShape(object: KubeObject): ShapeProblem[] {
  const check = new ShapeChecker();
  const root = object as unknown as Json;
  const metadata = check.object(root, "metadata", []) ?? (root.metadata = {});
  check.stringMap(metadata as Json, "labels", ["metadata"]);
  check.stringMap(metadata as Json, "annotations", ["metadata"]);
  const owners = check.objectList(metadata as Json, "ownerReferences", ["metadata"]);
  const validOwners = owners.filter((owner) => typeof owner.name === "string" && typeof owner.kind === "string");
  if (validOwners.length !== owners.length) {
    check.problems.push({ path: ["metadata", "ownerReferences"], message: "metadata.ownerReferences has entries without a kind or name; ignored" });
    (metadata as Json).ownerReferences = validOwners;
  }
  check.stringList(metadata as Json, "finalizers", ["metadata"]);
  if (!isCoreKubernetes(object)) return check.problems;
  checkStringFields(check, root, []);

  const spec = check.object(root, "spec", []);
  const status = check.object(root, "status", []);
  const kind = object.kind;
  if (kind === "Pod") {
    if (spec) checkPodSpec(check, spec, ["spec"]);
    if (status) checkPodStatus(check, status);
  } else if (WORKLOAD_KINDS.has(kind)) {
    if (spec) {
      checkSelector(check, spec, "selector", ["spec"]);
      checkPodTemplate(check, spec, "template", ["spec"]);
    }
    if (status) check.objectList(status, "conditions", ["status"]);
  } else if (kind === "MutatingWebhookConfiguration" || kind === "ValidatingWebhookConfiguration") {
    check.objectList(root, "webhooks", []).forEach((hook, index) => {
      checkSelector(check, hook, "namespaceSelector", ["webhooks", index]);
      checkSelector(check, hook, "objectSelector", ["webhooks", index]);
      check.object(hook, "clientConfig", ["webhooks", index]);
    });
  } else if (kind === "CronJob" && spec) {
    const jobTemplate = check.object(spec, "jobTemplate", ["spec"]);
    const jobSpec = jobTemplate ? check.object(jobTemplate, "spec", ["spec", "jobTemplate"]) : undefined;
    if (jobSpec) checkPodTemplate(check, jobSpec, "template", ["spec", "jobTemplate", "spec"]);
  } else if (kind === "Service" && spec) {
    check.objectList(spec, "ports", ["spec"]);
    check.stringMap(spec, "selector", ["spec"]);
  } else if (kind === "NetworkPolicy" && spec) {
    checkSelector(check, spec, "podSelector", ["spec"]);
    check.stringList(spec, "policyTypes", ["spec"]);
    for (const direction of ["ingress", "egress"] as const) {
      check.objectList(spec, direction, ["spec"]).forEach((rule, index) => {
        for (const peers of ["from", "to"]) {
          check.objectList(rule, peers, ["spec", direction, index]).forEach((peer, peerIndex) => {
            checkSelector(check, peer, "podSelector", ["spec", direction, index, peers, peerIndex]);
            checkSelector(check, peer, "namespaceSelector", ["spec", direction, index, peers, peerIndex]);
            check.object(peer, "ipBlock", ["spec", direction, index, peers, peerIndex]);
          });
        }
        check.objectList(rule, "ports", ["spec", direction, index]);
      });
    }
  } else if (kind === "Node" && status) {
    check.objectList(status, "conditions", ["status"]);
    check.objectList(status, "addresses", ["status"]);
    check.object(status, "allocatable", ["status"]);
    check.object(status, "capacity", ["status"]);
    if (spec) check.objectList(spec, "taints", ["spec"]);
  } else if (kind === "Ingress" && spec) {
    check.objectList(spec, "rules", ["spec"]);
    check.objectList(spec, "tls", ["spec"]);
    check.object(spec, "defaultBackend", ["spec"]);
  }
  if ((kind === "ConfigMap" || kind === "Secret") && root.data !== undefined) check.object(root, "data", []);
  if (kind === "Node" && spec === undefined && root.spec !== undefined) delete root.spec;
  return check.problems;
}
