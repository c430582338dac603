import { dependencyUnavailable } from "../../../src/rules/pod/dependency-unavailable.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, list, NOW, pod, running } from "./fixtures.js";

const crashing = () => list(pod({ owner: "Deployment/api", containers: [{ status: crashLoop({ exitCode: 1 }) }] }), deployment("api", [{}]));
const log = (text: string) => [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text }];

testRule(dependencyUnavailable, {
  valid: [
    { name: "healthy app that connected after retries", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "WARN dial tcp 10.96.12.7:5432: connect: connection refused, retrying\nINFO connected to postgres\n" }], now: NOW },
    { name: "a restart a day ago does not make an old refusal current", files: { "pod.json": list(pod({ containers: [{ status: running("2025-06-01T08:00:00Z", 1, true, { terminated: { reason: "Error", exitCode: 1, startedAt: "2025-06-01T07:59:00Z", finishedAt: "2025-06-01T07:59:50Z" } }) }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "Error: connect ECONNREFUSED 10.96.0.20:6379\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "a Go client's lookup of a Service in another namespace: DNS resolution fails, the host is named, no init container waits for a name that does not exist",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ status: crashLoop({ exitCode: 1 }) }] }), deployment("api", [{}]), { apiVersion: "v1", kind: "Service", metadata: { name: "postgres", namespace: "db" }, spec: { selector: { app: "postgres" }, ports: [{ port: 5432 }] } }) },
      logs: log("panic: dial tcp: lookup postgres.ops.svc.cluster.local on 10.96.0.10:53: no such host\n\ngoroutine 1 [running]:\nmain.main()\n"),
      now: NOW,
      expect: { category: "dependency-unavailable", summary: "container app crashes: DNS resolution of postgres.ops.svc.cluster.local fails (no such host)", fixIncludes: [/no Service postgres in namespace ops \(a Service postgres exists in db: use postgres\.db\.svc\.cluster\.local\)/, /nslookup postgres\.ops\.svc\.cluster\.local/] },
    },
    {
      name: "NestJS connects to redis at 127.0.0.1 (bitnami/charts#9818)",
      files: { "pod.json": crashing() },
      logs: log("[Nest] 1  - 04/18/2022, 3:38:21 PM   ERROR [ExceptionHandler] connect ECONNREFUSED 127.0.0.1:6379\nError: connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1159:16)\n"),
      now: NOW,
      expect: { category: "dependency-unavailable", fixIncludes: [/Service DNS name/] },
    },
    {
      name: "psycopg2 refused by postgres (firehol-ip-aggregator#11)",
      files: { "pod.json": crashing() },
      logs: log('sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection refused\n\tIs the server running on host "postgres" (172.18.0.2) and accepting\n\tTCP/IP connections on port 5432?\n'),
      now: NOW,
      expect: { category: "dependency-unavailable", fixIncludes: [/nc -z -w 2 postgres 5432/, /initContainers/] },
    },
    {
      name: "Mongo Service name does not resolve (cloud-code-samples#23)",
      files: { "pod.json": crashing() },
      logs: log("unable to connect to mongodb://root:password@mongo-service:27017/admin: MongoNetworkError: failed to connect to server [mongo-service:27017] on first connect [MongoNetworkError: getaddrinfo ENOTFOUND mongo-service mongo-service:27017]\n"),
      now: NOW,
      expect: { category: "dependency-unavailable", evidence: [/getaddrinfo ENOTFOUND mongo-service/], fixIncludes: [/does not resolve/] },
    },
    {
      name: "Go dial timeout to the database",
      files: { "pod.json": crashing() },
      logs: log('{"level":"fatal","ts":1717323128.1,"msg":"cannot open database","error":"dial tcp 10.96.44.12:5432: i/o timeout"}\n'),
      now: NOW,
      expect: { category: "dependency-unavailable" },
    },
  ],
});
