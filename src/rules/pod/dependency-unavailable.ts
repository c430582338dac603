import type { Fix } from "../../model/finding.js";
import { changeContainer } from "../support/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "../support/pod-rule.js";

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

function fix(context: FixContext): Fix {
  const { host, port } = target(context);
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

export const dependencyUnavailable = podCauseRule({
  id: "pod/dependency-unavailable",
  category: "dependency-unavailable",
  title: "A database or other dependency refuses, times out or does not resolve at start-up",
  docs: {
    cause: "The app connects to a database, cache, broker or API at start-up and exits when it cannot: connection refused (the dependency is not up yet or listens elsewhere), timeout (NetworkPolicy, wrong address) or a name that does not resolve (wrong Service name or namespace). Connecting to localhost/127.0.0.1 from a pod reaches the pod itself, not the database.",
    fix: "Point the app at the dependency's Service DNS name, make start-up wait and retry (an init container that waits, retries with back-off, a startupProbe), and check the dependency's endpoints.",
    verify: ["kubectl get endpoints <SERVICE>", "kubectl run -it --rm nettest --image=busybox:1.36 -- nc -zv <HOST> <PORT>", "kubectl logs <POD> -c <CONTAINER> --previous"],
    references: ["https://kubernetes.io/docs/concepts/workloads/pods/init-containers/"],
  },
  equivalents: [],
  explain(context) {
    const { host, port } = target(context);
    const where = host ? `${host}${port ? `:${port}` : ""}` : "a dependency";
    if (host && LOCAL.test(host)) return `The app connects to ${where} at start-up; inside a pod localhost is the pod itself, so nothing listens there and the app exits.`;
    return `The app cannot reach ${where} at start-up (${isDns(context) ? "the name does not resolve" : /timed? ?out|ETIMEDOUT/i.test(context.d.cause.match?.text ?? "") ? "the connection times out" : "the connection is refused"}) and exits instead of retrying.`;
  },
  fix,
  verify: (n, context) => {
    const { host, port } = target(context);
    return [
      `kubectl get endpoints ${(host ?? "<SERVICE>").split(".")[0]}${n.ns}`,
      `kubectl run -it --rm nettest --image=busybox:1.36 --restart=Never${n.ns} -- nc -zv -w 3 ${host ?? "<HOST>"} ${port ?? "<PORT>"}`,
      logsCommand(n),
      ...restartVerify(n),
    ];
  },
});
