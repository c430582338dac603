import { lockContention } from "../../../src/rules/pod/lock-contention.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, list, NOW, pod, running } from "./fixtures.js";

const log = (text: string, container = "app") => [{ pod: "api-7d9f8b6c5d-x2k9p", container, previous: true, text }];

testRule(lockContention, {
  valid: [
    { name: "healthy single replica", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "Liquibase waited and then acquired the lock", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "INFO Waiting for changelog lock....\nINFO Successfully acquired change log lock\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "SQLite database is locked after a rolling restart (OpenShell#2195)",
      files: { "pod.json": list(pod({ owner: "Deployment/api", containers: [{ status: crashLoop({ exitCode: 1 }) }] }), deployment("api", [{}], { replicas: 2 })) },
      logs: log("Error: database error: error returned from database: (code: 5) database is locked\n"),
      now: NOW,
      expect: { category: "lock-contention", fixIncludes: [/Recreate/, /replicas: 1/] },
    },
    { name: "Kafka data directory lock held by another instance", files: { "pod.json": list(pod({ name: "kafka-0", containers: [{ name: "kafka", status: crashLoop({ exitCode: 1 }, 4, "1m20s", "kafka", "kafka-0") }] })) }, logs: [{ pod: "kafka-0", container: "kafka", previous: true, text: "[2025-06-02 10:12:08,101] ERROR Exiting Kafka due to fatal exception during startup. (kafka.Kafka$)\norg.apache.kafka.common.KafkaException: Failed to acquire lock on file .lock in /var/lib/kafka/data. A Kafka instance in another process or thread is using this directory.\n" }], now: NOW, expect: { category: "lock-contention" } },
    { name: "Liquibase cannot acquire the changelog lock", files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) }, logs: log("liquibase.exception.LockException: Could not acquire change log lock.  Currently locked by api-7d9f8b6c5d-zz1ab (10.244.1.9) since 6/2/25, 9:58 AM\n"), now: NOW, expect: { category: "lock-contention" } },
  ],
});
