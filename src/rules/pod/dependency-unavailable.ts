import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { appliedNamespace } from "../../model/namespace.js";
import { logLineDetectors } from "./causes/detectors.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const LOCAL = /^(?:127\.0\.0\.1|localhost|::1|\[::1\])$/;
const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, postgresql: 5432, mysql: 3306, mariadb: 3306, redis: 6379, mongo: 27017, mongodb: 27017, kafka: 9092, rabbitmq: 5672, elasticsearch: 9200 };

function target(context: FixContext): { host?: string; port?: number } {
  const { host, port } = context.d.cause.detail;
  const text = context.d.cause.match?.text ?? "";
  // libpq: `connection to server at "postgres" (10.96.151.170), port 5432 failed`; older: `could not connect to server ... host "db"`.
  const h = host ?? /\b(?:host|server)(?: at)? "([\w.-]+)"/.exec(text)?.[1] ?? /\b(?:host|server)(?: at)? (?!at\b)([A-Za-z0-9][\w.-]*)/.exec(text)?.[1];
  let p = port ? Number(port) : /\bport (\d{1,5})\b/.exec(text) ? Number(/\bport (\d{1,5})\b/.exec(text)![1]) : undefined;
  if (p === undefined && h) p = DEFAULT_PORTS[h.split(".")[0]!.replace(/-.*$/, "")];
  if (p === undefined) {
    const known = Object.entries(DEFAULT_PORTS).find(([name]) => text.toLowerCase().includes(name));
    if (known) p = known[1];
  }
  return { ...(h ? { host: h } : {}), ...(p !== undefined ? { port: p } : {}) };
}

function isDns(context: FixContext): boolean {
  return /no such host|ENOTFOUND|EAI_AGAIN|name resolution|could not translate host name|Name or service not known|UnknownHostException/i.test(context.d.cause.match?.text ?? "");
}

/** A cluster DNS name split into its Service and namespace: `postgres.ops.svc.cluster.local` -> postgres in ops. */
export function serviceOfHost(host: string): { service: string; namespace?: string } | undefined {
  const match = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.([a-z0-9](?:[a-z0-9-]*[a-z0-9])?))?(?:\.svc(?:\.[a-z0-9.-]+)?)?\.?$/.exec(host);
  if (!match) return undefined;
  // A dotted name without .svc (api.example.com) is a name outside the cluster, not a Service.
  if (match[2] && !/\.svc\b/.test(host) && host.split(".").length > 2) return undefined;
  return { service: match[1]!, ...(match[2] ? { namespace: match[2] } : {}) };
}

/** Namespaces whose Services carry this name, from the inputs: where the name would have resolved. */
function namespacesWithService(context: FixContext, service: string): string[] {
  return context.view.kind("Service").filter((s) => s.metadata.name === service).map((s) => appliedNamespace(s.metadata.namespace));
}

function dnsFix(context: FixContext, host: string): Fix {
  const n = context.names;
  const parts = serviceOfHost(host);
  const namespace = parts?.namespace ?? n.namespace;
  const elsewhere = parts ? namespacesWithService(context, parts.service).filter((ns) => ns !== namespace) : [];
  const nsFlag = namespace === "default" && !parts?.namespace ? n.ns : namespaceFlag(namespace);
  const where = parts
    ? `${parts.namespace ? `no Service ${parts.service} in namespace ${parts.namespace}` : `no Service ${parts.service} in the pod's namespace${context.d.pod.namespace ? ` ${context.d.pod.namespace}` : ""}`}${elsewhere.length ? ` (a Service ${parts.service} exists in ${elsewhere.join(", ")}: use ${parts.service}.${elsewhere[0]}.svc.cluster.local)` : ""}`
    : "the name is not in DNS (a typo, or a name only resolvable outside the cluster)";
  return {
    description: `The name ${host} does not resolve (DNS lookup: no such host): ${where}. Correct the host in the app's env/config to the Service's name (<service>.<namespace>.svc.cluster.local across namespaces); waiting or retrying does not help a name that does not exist`,
    commands: [
      ...(parts ? [`kubectl get svc ${parts.service}${nsFlag}`, `kubectl get svc -A --field-selector metadata.name=${parts.service}`] : []),
      `kubectl run -it --rm dnscheck --image=busybox:1.36 --restart=Never${n.ns} -- nslookup ${host}`,
    ],
  };
}

/** DNS answered that the name does not exist (NXDOMAIN), not that it could not answer (EAI_AGAIN, a timeout). */
function isUnknownName(context: FixContext): boolean {
  const text = context.d.cause.match?.text ?? "";
  return /no such host|ENOTFOUND|could not translate host name|Name or service not known|UnknownHostException|nodename nor servname/i.test(text) && !/Temporary failure|EAI_AGAIN|i\/o timeout/i.test(text);
}

function fix(context: FixContext): Fix {
  const { host, port } = target(context);
  if (host && isUnknownName(context)) return dnsFix(context, host);
  if (host && LOCAL.test(host)) {
    return {
      description: `The app connects to ${host}${port ? `:${port}` : ""}, which inside a pod is the pod itself, not the database. Point it at the dependency's Service DNS name (e.g. <service>.${context.names.namespace}.svc.cluster.local${port ? `:${port}` : ""}) in its env/config`,
      commands: [`kubectl get svc${context.names.ns}`, `kubectl get endpoints${context.names.ns}`],
    };
  }
  const h = host ?? "<dependency-service>";
  const p = port ?? 5432;
  const wait = {
    name: "wait-for-dependency",
    image: "busybox:1.36",
    command: ["sh", "-c", `until nc -z -w 2 ${h} ${p}; do echo waiting for ${h}:${p}; sleep 2; done`],
  };
  const inits = [...(context.podSpec?.initContainers ?? []), wait];
  const fixed = changeContainer(
    context,
    {},
    `${isDns(context) ? `The name ${h} does not resolve: check the Service name and namespace (use ${h}.<namespace>.svc.cluster.local across namespaces). ` : ""}Make start-up wait for ${h}:${p} instead of crashing: an init container that waits for it (below), retries with back-off in the app, and a startupProbe so the kubelet allows the wait`,
    [`kubectl get endpoints ${h.split(".")[0]}${context.names.ns}   # must list ready addresses`],
    { initContainers: inits },
  );
  return fixed;
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "name-does-not-resolve-at-crash": "{container} crashes: DNS resolution of {host} fails (no such host)",
  "name-does-not-resolve": "{container} fails: DNS resolution of {host} fails (no such host)",
};

export const dependencyUnavailable = podCauseRule({
  id: "pod/dependency-unavailable",
  messages,
  category: "dependency-unavailable",
  detectors: [
    ...logLineDetectors("dependency-unavailable", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "A database or other dependency refuses, times out or does not resolve at start-up",
  inputs: ["pods", "events", "logs", "workloads", "services"],
  docs: {
    cause: "The app connects to a database, cache, broker or API at start-up and exits when it cannot: connection refused (the dependency is not up yet or listens elsewhere), timeout (NetworkPolicy, wrong address) or a name that does not resolve (wrong Service name or namespace). Connecting to localhost/127.0.0.1 from a pod reaches the pod itself, not the database.",
    fix: "Point the app at the dependency's Service DNS name, make start-up wait and retry (an init container that waits, retries with back-off, a startupProbe), and check the dependency's endpoints.",
    verify: ["kubectl get endpoints <SERVICE>", "kubectl run -it --rm nettest --image=busybox:1.36 -- nc -zv <HOST> <PORT>", "kubectl logs <POD> -c <CONTAINER> --previous"],
    references: ["https://kubernetes.io/docs/concepts/workloads/pods/init-containers/"],
  },
  equivalents: [],
  refine(context) {
    const { host } = target(context);
    if (!host || !isUnknownName(context)) return undefined;
    const who = context.d.container?.name ? `container ${context.d.container.name}` : "the container";
    const parts = serviceOfHost(host);
    return {
      said: { message: context.d.cause.terminated || context.d.container?.status ? "name-does-not-resolve-at-crash" : "name-does-not-resolve", data: { container: who, host } },
      cause: `The app looks up ${host} at start-up and DNS answers that no such name exists, so it exits. ${parts ? `Cluster DNS knows a Service as <service>.<namespace>.svc.cluster.local; ${parts.namespace ? `namespace ${parts.namespace} has no Service ${parts.service}` : `the pod's namespace has no Service ${parts.service}`}, or the name or namespace is misspelt.` : "The name is not in DNS: a typo, or a name only resolvable outside the cluster."} This is not a dependency that is down: nothing answers under that name at all.`,
    };
  },
  explain(context) {
    const { host, port } = target(context);
    const where = host ? `${host}${port ? `:${port}` : ""}` : "a dependency";
    if (host && LOCAL.test(host)) return `The app connects to ${where} at start-up; inside a pod localhost is the pod itself, so nothing listens there and the app exits.`;
    return `The app cannot reach ${where} at start-up (${isDns(context) ? "the name does not resolve" : /timed? ?out|ETIMEDOUT/i.test(context.d.cause.match?.text ?? "") ? "the connection times out" : "the connection is refused"}) and exits instead of retrying.`;
  },
  fix,
  verify: (n, context) => {
    const { host, port } = target(context);
    if (host && isUnknownName(context)) return [`kubectl run -it --rm dnscheck --image=busybox:1.36 --restart=Never${n.ns} -- nslookup ${host}   # must answer with the Service's ClusterIP`, logsCommand(n), ...restartVerify(n)];
    return [
      `kubectl get endpoints ${(host ?? "<SERVICE>").split(".")[0]}${n.ns}`,
      `kubectl run -it --rm nettest --image=busybox:1.36 --restart=Never${n.ns} -- nc -zv -w 3 ${host ?? "<HOST>"} ${port ?? "<PORT>"}`,
      logsCommand(n),
      ...restartVerify(n),
    ];
  },
});
