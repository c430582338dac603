// A small in-memory cluster that writes itself out in the ktriage snapshot layout
// (src/sources/snapshot-layout.ts). Workload builders keep owner chains, uids, pod-template-hash
// labels, conditions and controller status consistent with the pods they own.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  KUBELET_VERSION,
  PROXY_IMAGE,
  condition,
  containerStatus,
  kubeHash,
  list,
  nextResourceVersion,
  podSpecFromTemplate,
  qosClass,
  sha,
  sortKeys,
  state,
  templateSpec,
  uid,
} from "./kube.mjs";

const CLUSTER_KINDS = {
  Node: "nodes",
  Namespace: "namespaces",
  StorageClass: "storageclasses",
  PersistentVolume: "persistentvolumes",
  MutatingWebhookConfiguration: "mutatingwebhookconfigurations",
};
const NAMESPACED_KINDS = {
  Pod: "pods",
  Event: "events",
  Deployment: "deployments",
  ReplicaSet: "replicasets",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  Job: "jobs",
  CronJob: "cronjobs",
  Service: "services",
  Secret: "secrets",
  ServiceAccount: "serviceaccounts",
  ConfigMap: "configmaps",
  PersistentVolumeClaim: "persistentvolumeclaims",
  NetworkPolicy: "networkpolicies",
  VirtualService: "virtualservices",
  DestinationRule: "destinationrules",
  Gateway: "gateways",
  ServiceEntry: "serviceentries",
  PeerAuthentication: "peerauthentications",
  EnvoyFilter: "envoyfilters",
};

export class Cluster {
  constructor({ date, capturedAt, nodes }) {
    this.date = date; // "2025-06-02": day of bare "HH:MM:SS" times
    this.capturedAt = capturedAt;
    this.objects = [];
    this.logs = [];
    this.files = [];
    this.nodes = nodes;
    this.nextPodIp = Object.fromEntries(nodes.map((node) => [node.name, 10]));
  }

  /** "10:41:07" -> "2025-06-02T10:41:07Z"; full timestamps pass through. */
  t(time) {
    if (time === undefined) return undefined;
    return time.includes("T") ? time : `${this.date}T${time}Z`;
  }

  add(object) {
    this.objects.push(object);
    return object;
  }

  meta(kind, namespace, name, created, extra = {}) {
    return {
      creationTimestamp: this.t(created),
      name,
      ...(namespace ? { namespace } : {}),
      resourceVersion: nextResourceVersion(),
      uid: uid(`${kind}/${namespace ?? ""}/${name}`),
      ...extra,
    };
  }

  podIp(nodeName) {
    const node = this.nodes.find((n) => n.name === nodeName);
    const ip = this.nextPodIp[nodeName]++;
    return `${node.podPrefix}.${ip}`;
  }

  nodeIp(nodeName) {
    return this.nodes.find((n) => n.name === nodeName).ip;
  }

  log(namespace, pod, container, lines, { previous = false } = {}) {
    this.logs.push({ namespace, pod, container, previous, lines });
  }

  file(path, text) {
    this.files.push({ path, text });
  }

  // ------------------------------------------------------------ events

  /**
   * A core/v1 Event as `kubectl get events -o json` prints it. Kubelet events carry source and
   * firstTimestamp/lastTimestamp/count; scheduler events (events.k8s.io) carry eventTime and an empty source.
   */
  event(involved, { type = "Normal", reason, message, count = 1, first, last, fieldPath, component = "kubelet", host }) {
    const namespace = involved.metadata.namespace;
    const name = `${involved.metadata.name}.${sha(`${involved.metadata.name}/${reason}/${message}/${fieldPath ?? ""}`).slice(0, 16)}`;
    const ref = {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace,
      resourceVersion: involved.metadata.resourceVersion,
      uid: involved.metadata.uid,
      ...(fieldPath ? { fieldPath } : {}),
    };
    const firstTime = this.t(first);
    const lastTime = this.t(last ?? first);
    if (component === "default-scheduler") {
      return this.add({
        action: reason === "Scheduled" ? "Binding" : "Scheduling",
        apiVersion: "v1",
        eventTime: firstTime.replace("Z", ".000000Z"),
        firstTimestamp: null,
        involvedObject: ref,
        kind: "Event",
        lastTimestamp: null,
        message,
        metadata: this.meta("Event", namespace, name, first),
        reason,
        reportingComponent: "default-scheduler",
        reportingInstance: "default-scheduler-lab-control-plane",
        source: {},
        ...(count > 1 ? { series: { count, lastObservedTime: lastTime.replace("Z", ".000000Z") } } : {}),
        type,
      });
    }
    return this.add({
      apiVersion: "v1",
      count,
      eventTime: null,
      firstTimestamp: firstTime,
      involvedObject: ref,
      kind: "Event",
      lastTimestamp: lastTime,
      message,
      metadata: this.meta("Event", namespace, name, first),
      reason,
      reportingComponent: component,
      reportingInstance: host ?? "",
      source: host ? { component, host } : { component },
      type,
    });
  }

  // ------------------------------------------------------------ workloads

  /**
   * A Deployment, its ReplicaSet(s) and their pods.
   * def: { namespace, name, created, replicas, labels, template: {annotations, labels, spec}, pods: [podDef],
   *        revisions?: [{ template, pods, created, current }] , strategy, progressing }
   */
  deployment(def) {
    const { namespace, name } = def;
    const selector = def.selector ?? { app: name };
    const revisions = def.revisions ?? [{ template: def.template, pods: def.pods, created: def.created, revision: 1 }];
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: this.meta("Deployment", namespace, name, def.created, {
        annotations: { "deployment.kubernetes.io/revision": String(revisions.at(-1).revision), ...(def.annotations ?? {}) },
        generation: revisions.at(-1).revision,
        labels: def.labels ?? { app: name },
      }),
      spec: {
        progressDeadlineSeconds: 600,
        replicas: def.replicas ?? 1,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selector },
        strategy: def.strategy ?? { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" }, type: "RollingUpdate" },
        template: this.template(revisions.at(-1).template, selector),
      },
    };
    this.add(deployment);
    const allPods = [];
    const replicaSets = [];
    for (const revision of revisions) {
      const template = this.template(revision.template, selector);
      const named = revision.pods.find((pod) => pod.name)?.name;
      const hash = named ? named.split("-").at(-2) : kubeHash(`${namespace}/${name}/${JSON.stringify(template)}`, 10);
      const rsName = `${name}-${hash}`;
      const rsReplicas = revision.replicas ?? revision.pods.length;
      const rs = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: this.meta("ReplicaSet", namespace, rsName, revision.created ?? def.created, {
          annotations: {
            "deployment.kubernetes.io/desired-replicas": String(def.replicas ?? 1),
            "deployment.kubernetes.io/max-replicas": String((def.replicas ?? 1) + 1),
            "deployment.kubernetes.io/revision": String(revision.revision),
          },
          generation: 1,
          labels: { ...template.metadata.labels, "pod-template-hash": hash },
          ownerReferences: [owner(deployment)],
        }),
        spec: {
          replicas: rsReplicas,
          selector: { matchLabels: { ...selector, "pod-template-hash": hash } },
          template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata.labels, "pod-template-hash": hash } } },
        },
      };
      this.add(rs);
      replicaSets.push(rs);
      const pods = revision.pods.map((podDef) =>
        this.pod({
          ...podDef,
          namespace,
          name: podDef.name ?? `${rsName}-${kubeHash(`${rsName}/${podDef.key ?? podDef.node ?? ""}/${podDef.created}`, 5)}`,
          generateName: `${rsName}-`,
          owner: rs,
          template: rs.spec.template,
          workload: { kind: "Deployment", name },
        }),
      );
      const ready = pods.filter((pod) => isReady(pod)).length;
      rs.status = {
        availableReplicas: ready,
        fullyLabeledReplicas: pods.length,
        observedGeneration: 1,
        readyReplicas: ready,
        replicas: pods.length,
      };
      if (!ready) {
        delete rs.status.availableReplicas;
        delete rs.status.readyReplicas;
      }
      allPods.push(...pods);
    }
    const replicas = def.replicas ?? 1;
    const ready = allPods.filter(isReady).length;
    const current = replicaSets.at(-1);
    const updated = revisions.at(-1).pods.length;
    const minAvailable = replicas - Math.floor(replicas * 0.25);
    const available = ready >= minAvailable;
    const created = this.t(def.created);
    deployment.status = {
      ...(ready ? { availableReplicas: ready, readyReplicas: ready } : {}),
      conditions: [
        available
          ? condition("Available", "True", created, "MinimumReplicasAvailable", "Deployment has minimum availability.")
          : condition("Available", "False", created, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
        def.progressing ??
          (ready === replicas && updated === replicas
            ? condition("Progressing", "True", created, "NewReplicaSetAvailable", `ReplicaSet "${current.metadata.name}" has successfully progressed.`)
            : condition("Progressing", "True", created, "ReplicaSetUpdated", `ReplicaSet "${current.metadata.name}" is progressing.`)),
      ],
      observedGeneration: revisions.at(-1).revision,
      replicas: allPods.length,
      ...(allPods.length - ready > 0 ? { unavailableReplicas: allPods.length - ready } : {}),
      updatedReplicas: updated,
    };
    for (const c of deployment.status.conditions) c.lastUpdateTime = c.lastTransitionTime, delete c.lastProbeTime;
    return { deployment, replicaSets, pods: allPods };
  }

  template(template, selector) {
    return {
      metadata: {
        ...(template.annotations ? { annotations: template.annotations } : {}),
        creationTimestamp: null,
        labels: { ...selector, ...(template.labels ?? {}) },
      },
      spec: templateSpec(template.spec),
    };
  }

  statefulSet(def) {
    const { namespace, name } = def;
    const selector = def.selector ?? { app: name };
    const template = this.template(def.template, selector);
    const revisionHash = `${name}-${kubeHash(`${namespace}/${name}/rev`, 10)}`;
    const sts = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: this.meta("StatefulSet", namespace, name, def.created, { generation: 1, labels: def.labels ?? { app: name } }),
      spec: {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        podManagementPolicy: "OrderedReady",
        replicas: def.pods.length,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selector },
        serviceName: def.serviceName ?? name,
        template,
        updateStrategy: { rollingUpdate: { partition: 0 }, type: "RollingUpdate" },
        volumeClaimTemplates: def.volumeClaimTemplates ?? [],
      },
    };
    this.add(sts);
    const pods = def.pods.map((podDef, index) =>
      this.pod({
        ...podDef,
        namespace,
        name: `${name}-${index}`,
        generateName: `${name}-`,
        owner: sts,
        template: {
          ...template,
          metadata: {
            ...template.metadata,
            labels: {
              ...template.metadata.labels,
              "apps.kubernetes.io/pod-index": String(index),
              "controller-revision-hash": revisionHash,
              "statefulset.kubernetes.io/pod-name": `${name}-${index}`,
            },
          },
        },
        workload: { kind: "StatefulSet", name },
      }),
    );
    const ready = pods.filter(isReady).length;
    sts.status = {
      availableReplicas: ready,
      collisionCount: 0,
      currentReplicas: pods.length,
      currentRevision: revisionHash,
      observedGeneration: 1,
      readyReplicas: ready,
      replicas: pods.length,
      updateRevision: revisionHash,
      updatedReplicas: pods.length,
    };
    return { statefulSet: sts, pods };
  }

  /**
   * A pod. podDef: { namespace, name, node, created, phase, template, owner, workload, mesh: "classic"|"native",
   *   ip, statuses: {container: {...}}, initStatuses, events: [...], logs: {container: {previous, current}} }
   * Container statuses not given default to running and ready since `created` + 2s.
   */
  pod(def) {
    const { namespace, name } = def;
    const spec = podSpecFromTemplate(def.template.spec, { podName: name, nodeName: def.node });
    const metadata = this.meta("Pod", namespace, name, def.created, {
      ...(def.template.metadata.annotations ? { annotations: { ...def.template.metadata.annotations } } : {}),
      ...(def.generateName ? { generateName: def.generateName } : {}),
      labels: { ...def.template.metadata.labels },
      ...(def.owner ? { ownerReferences: [owner(def.owner)] } : {}),
    });
    const pod = { apiVersion: "v1", kind: "Pod", metadata, spec };
    if (def.mesh) injectSidecar(pod, { mode: def.mesh, workload: def.workload, proxyResources: def.proxyResources });
    const started = addSeconds(this.t(def.created), 2);
    const ip = def.node ? def.ip ?? this.podIp(def.node) : undefined;
    pod.status = this.podStatus(pod, def, started, ip);
    this.add(pod);
    this.podEvents(pod, def);
    for (const [container, logs] of Object.entries(def.logs ?? {})) {
      if (logs.previous) this.log(namespace, name, container, logs.previous, { previous: true });
      if (logs.current) this.log(namespace, name, container, logs.current);
    }
    return pod;
  }

  podStatus(pod, def, started, ip) {
    const created = this.t(def.created);
    const statusOf = (container, given, isInit) => {
      if (given) {
        const copy = structuredClone(given);
        return containerStatus({ pod: pod.metadata.name, container, ...copy });
      }
      if (isInit && container.restartPolicy !== "Always") {
        return containerStatus({
          pod: pod.metadata.name,
          container,
          current: state.terminated({ reason: "Completed", exitCode: 0, startedAt: addSeconds(created, 1), finishedAt: addSeconds(created, 1) }),
          ready: true,
          started: false,
        });
      }
      return containerStatus({ pod: pod.metadata.name, container, current: state.running(started), ready: true, started: true });
    };
    if (!def.node) {
      return {
        conditions: [condition("PodScheduled", "False", created, "Unschedulable", def.unschedulableMessage)],
        phase: "Pending",
        qosClass: qosClass(pod.spec.containers),
      };
    }
    const initStatuses = (pod.spec.initContainers ?? []).map((c) => statusOf(c, def.initStatuses?.[c.name], true));
    const statuses = pod.spec.containers.map((c) => statusOf(c, def.statuses?.[c.name], false));
    const pendingInit = initStatuses.filter((s, i) => pod.spec.initContainers[i].restartPolicy !== "Always" && !(s.state.terminated && s.state.terminated.exitCode === 0));
    const sidecarsUnready = initStatuses.filter((s, i) => pod.spec.initContainers[i].restartPolicy === "Always" && !s.ready);
    const unready = [...statuses.filter((s) => !s.ready), ...sidecarsUnready];
    const phase = def.phase ?? (pendingInit.length ? "Pending" : statuses.every((s) => s.state.terminated) ? (statuses.every((s) => s.state.terminated.exitCode === 0) ? "Succeeded" : "Failed") : "Running");
    const readyAt = def.readyAt ? this.t(def.readyAt) : addSeconds(created, 4);
    const completed = phase === "Succeeded" || phase === "Failed";
    const conditions = [
      condition("PodReadyToStartContainers", completed ? "False" : "True", addSeconds(created, 1)),
      pendingInit.length
        ? condition("Initialized", "False", created, "ContainersNotInitialized", `containers with incomplete status: [${pendingInit.map((s) => s.name).join(" ")}]`)
        : condition("Initialized", "True", addSeconds(created, initStatuses.length ? 2 : 0)),
      unready.length
        ? condition("Ready", "False", def.unreadySince ? this.t(def.unreadySince) : created, completed ? "PodCompleted" : "ContainersNotReady", completed ? undefined : `containers with unready status: [${unready.map((s) => s.name).join(" ")}]`)
        : condition("Ready", "True", readyAt),
      unready.length
        ? condition("ContainersReady", "False", def.unreadySince ? this.t(def.unreadySince) : created, completed ? "PodCompleted" : "ContainersNotReady", completed ? undefined : `containers with unready status: [${unready.map((s) => s.name).join(" ")}]`)
        : condition("ContainersReady", "True", readyAt),
      condition("PodScheduled", "True", created),
    ];
    return {
      conditions,
      containerStatuses: statuses,
      hostIP: this.nodeIp(def.node),
      hostIPs: [{ ip: this.nodeIp(def.node) }],
      ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
      phase,
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: qosClass(pod.spec.containers),
      startTime: created,
    };
  }

  podEvents(pod, def) {
    const created = def.created;
    if (def.node) {
      this.event(pod, {
        reason: "Scheduled",
        message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${def.node}`,
        first: created,
        component: "default-scheduler",
      });
    }
    for (const e of def.events ?? []) {
      const [type, reason, message, count, first, last, target] = e;
      const fieldPath = target === undefined ? undefined : target.startsWith("spec.") ? target : `spec.containers{${target}}`;
      this.event(pod, {
        type,
        reason,
        message,
        count,
        first,
        last,
        fieldPath,
        component: reason === "FailedScheduling" ? "default-scheduler" : "kubelet",
        host: reason === "FailedScheduling" ? undefined : def.node,
      });
    }
  }

  // ------------------------------------------------------------ output

  write(root, manifest) {
    rmSync(root, { recursive: true, force: true });
    const put = (path, text) => {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    };
    put("ktriage-snapshot.json", `${JSON.stringify(manifest, null, 2)}\n`);
    const groups = new Map();
    for (const object of this.objects) {
      const namespace = object.metadata.namespace;
      const resource = namespace ? NAMESPACED_KINDS[object.kind] : CLUSTER_KINDS[object.kind];
      if (!resource) throw new Error(`no file for kind ${object.kind}`);
      const path = namespace ? `namespaces/${namespace}/${resource}.json` : `cluster/${resource}.json`;
      if (!groups.has(path)) groups.set(path, []);
      groups.get(path).push(object);
    }
    for (const [path, items] of groups) {
      if (path.endsWith("/events.json")) items.sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
      put(path, `${JSON.stringify(list(items), null, 4)}\n`);
    }
    for (const log of this.logs) {
      put(`logs/${log.namespace}/${log.pod}/${log.container}${log.previous ? ".previous" : ""}.log`, `${log.lines.join("\n")}\n`);
    }
    for (const file of this.files) put(file.path, file.text);
  }
}

function eventTime(event) {
  return event.lastTimestamp ?? event.series?.lastObservedTime ?? event.eventTime ?? "";
}

export function owner(object) {
  return { apiVersion: object.apiVersion, blockOwnerDeletion: true, controller: true, kind: object.kind, name: object.metadata.name, uid: object.metadata.uid };
}

export function isReady(pod) {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export function addSeconds(iso, seconds) {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(".000Z", "Z");
}

// ------------------------------------------------------------ Istio sidecar injection (1.27, demo profile)

/**
 * What the istio-sidecar-injector webhook adds to a pod: istio-init and istio-proxy (as a regular
 * container, or as a native sidecar init container with restartPolicy Always), volumes, annotations, labels.
 */
export function injectSidecar(pod, { mode = "classic", workload, proxyResources }) {
  const { metadata, spec } = pod;
  const namespace = metadata.namespace;
  const appContainers = spec.containers.map((c) => c.name);
  const ports = spec.containers.flatMap((c) => (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? "TCP" })));
  const canonical = metadata.labels.app ?? workload.name;
  metadata.labels = {
    ...metadata.labels,
    "security.istio.io/tlsMode": "istio",
    "service.istio.io/canonical-name": canonical,
    "service.istio.io/canonical-revision": metadata.labels.version ?? "latest",
  };
  metadata.annotations = {
    ...(metadata.annotations ?? {}),
    "istio.io/rev": "default",
    "kubectl.kubernetes.io/default-container": appContainers[0],
    "kubectl.kubernetes.io/default-logs-container": appContainers[0],
    "prometheus.io/path": "/stats/prometheus",
    "prometheus.io/port": "15020",
    "prometheus.io/scrape": "true",
    "sidecar.istio.io/status": JSON.stringify({
      initContainers: mode === "native" ? ["istio-init", "istio-proxy"] : ["istio-init"],
      containers: mode === "native" ? null : ["istio-proxy"],
      volumes: ["workload-socket", "credential-socket", "workload-certs", "istio-envoy", "istio-data", "istio-podinfo", "istio-token", "istiod-ca-cert"],
      imagePullSecrets: null,
      revision: "default",
    }),
  };
  const tokenMount = spec.containers[0].volumeMounts?.find((m) => m.name.startsWith("kube-api-access-"));
  const istioInit = {
    args: ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info"],
    image: PROXY_IMAGE,
    imagePullPolicy: "IfNotPresent",
    name: "istio-init",
    resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "10m", memory: "40Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    volumeMounts: tokenMount ? [tokenMount] : [],
  };
  const fieldEnv = (name, fieldPath) => ({ name, valueFrom: { fieldRef: { apiVersion: "v1", fieldPath } } });
  const resourceEnv = (name, resource, divisor) => ({ name, valueFrom: { resourceFieldRef: { divisor, resource } } });
  const istioProxy = {
    args: ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"],
    env: [
      { name: "PILOT_CERT_PROVIDER", value: "istiod" },
      { name: "CA_ADDR", value: "istiod.istio-system.svc:15012" },
      fieldEnv("POD_NAME", "metadata.name"),
      fieldEnv("POD_NAMESPACE", "metadata.namespace"),
      fieldEnv("INSTANCE_IP", "status.podIP"),
      fieldEnv("SERVICE_ACCOUNT", "spec.serviceAccountName"),
      fieldEnv("HOST_IP", "status.hostIP"),
      resourceEnv("ISTIO_CPU_LIMIT", "limits.cpu", "0"),
      { name: "PROXY_CONFIG", value: "{}\n" },
      { name: "ISTIO_META_POD_PORTS", value: `[\n${ports.map((p) => `    ${JSON.stringify(p)}`).join("\n    ,")}\n]` },
      { name: "ISTIO_META_APP_CONTAINERS", value: appContainers.join(",") },
      resourceEnv("GOMEMLIMIT", "limits.memory", "0"),
      resourceEnv("GOMAXPROCS", "limits.cpu", "0"),
      { name: "ISTIO_META_CLUSTER_ID", value: "Kubernetes" },
      fieldEnv("ISTIO_META_NODE_NAME", "spec.nodeName"),
      { name: "ISTIO_META_INTERCEPTION_MODE", value: "REDIRECT" },
      { name: "ISTIO_META_WORKLOAD_NAME", value: workload.name },
      { name: "ISTIO_META_OWNER", value: `kubernetes://apis/apps/v1/namespaces/${namespace}/${workload.kind.toLowerCase()}s/${workload.name}` },
      { name: "ISTIO_META_MESH_ID", value: "cluster.local" },
      { name: "TRUST_DOMAIN", value: "cluster.local" },
    ],
    image: PROXY_IMAGE,
    imagePullPolicy: "IfNotPresent",
    name: "istio-proxy",
    ports: [{ containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }],
    readinessProbe: { failureThreshold: 4, httpGet: { path: "/healthz/ready", port: 15021, scheme: "HTTP" }, periodSeconds: 15, successThreshold: 1, timeoutSeconds: 3 },
    resources: proxyResources ?? { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "10m", memory: "40Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    startupProbe: { failureThreshold: 600, httpGet: { path: "/healthz/ready", port: 15021, scheme: "HTTP" }, periodSeconds: 1, successThreshold: 1, timeoutSeconds: 3 },
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    volumeMounts: [
      { mountPath: "/var/run/secrets/workload-spiffe-uds", name: "workload-socket" },
      { mountPath: "/var/run/secrets/credential-uds", name: "credential-socket" },
      { mountPath: "/var/run/secrets/workload-spiffe-credentials", name: "workload-certs" },
      { mountPath: "/var/run/secrets/istio", name: "istiod-ca-cert" },
      { mountPath: "/var/lib/istio/data", name: "istio-data" },
      { mountPath: "/etc/istio/proxy", name: "istio-envoy" },
      { mountPath: "/var/run/secrets/tokens", name: "istio-token" },
      { mountPath: "/etc/istio/pod", name: "istio-podinfo" },
      ...(tokenMount ? [tokenMount] : []),
    ],
  };
  if (mode === "native") {
    istioProxy.restartPolicy = "Always";
    spec.initContainers = [istioInit, istioProxy, ...(spec.initContainers ?? [])];
  } else {
    spec.initContainers = [istioInit, ...(spec.initContainers ?? [])];
    spec.containers = [...spec.containers, istioProxy];
  }
  spec.volumes = [
    { emptyDir: {}, name: "workload-socket" },
    { emptyDir: {}, name: "credential-socket" },
    { emptyDir: {}, name: "workload-certs" },
    { emptyDir: { medium: "Memory" }, name: "istio-envoy" },
    { emptyDir: {}, name: "istio-data" },
    {
      downwardAPI: {
        defaultMode: 420,
        items: [
          { fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels" }, path: "labels" },
          { fieldRef: { apiVersion: "v1", fieldPath: "metadata.annotations" }, path: "annotations" },
        ],
      },
      name: "istio-podinfo",
    },
    { name: "istio-token", projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: "istio-ca", expirationSeconds: 43200, path: "istio-token" } }] } },
    { configMap: { defaultMode: 420, name: "istio-ca-root-cert" }, name: "istiod-ca-cert" },
    ...(spec.volumes ?? []),
  ];
  spec.securityContext = { ...(spec.securityContext ?? {}) };
  return pod;
}

export { sortKeys, KUBELET_VERSION };
