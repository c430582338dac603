import { jobBackoffLimit } from "../../../src/rules/pod/job-backoff-limit.js";
import { testRule } from "../../helpers/rule-tester.js";
import { event, list, NOW, pod } from "./fixtures.js";

function job(conditions: unknown[], failed: number, backoffLimit = 3) {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { name: "db-migrate", namespace: "default", uid: "0c1d2e3f-aaaa-bbbb-cccc-000000000002" }, spec: { backoffLimit, template: { spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "registry.example.com/shop/migrator:1.2.0" }] } } }, status: { failed, conditions } };
}
const failedCondition = { type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", lastTransitionTime: "2025-06-02T10:10:00Z" };

testRule(jobBackoffLimit, {
  valid: [
    { name: "completed Job", files: { "job.json": list(job([{ type: "Complete", status: "True" }], 0)) }, now: NOW },
    { name: "Job still retrying below its limit", files: { "job.json": list(job([], 1)) }, now: NOW },
  ],
  invalid: [
    { name: "BackoffLimitExceeded condition", files: { "job.json": list(job([failedCondition], 4)) }, now: NOW, expect: { category: "job-backoff-limit", resource: { kind: "Job", name: "db-migrate" }, evidence: [/BackoffLimitExceeded/, /spec.backoffLimit 3/] } },
    {
      name: "with a failed pod that names the root cause",
      files: {
        "job.json": list(
          job([failedCondition], 4),
          pod({ name: "db-migrate-x7k2p", owner: "Job/db-migrate", phase: "Failed", containers: [{ name: "migrate", status: { state: { terminated: { reason: "Error", exitCode: 1, startedAt: "2025-06-02T10:09:50Z", finishedAt: "2025-06-02T10:09:55Z" } }, ready: false, restartCount: 0 } }] }),
        ),
      },
      logs: [{ pod: "db-migrate-x7k2p", container: "migrate", text: 'psycopg2.OperationalError: could not translate host name "postgres" to address: Name or service not known\n' }],
      now: NOW,
      expect: { category: "job-backoff-limit", summary: /its pods fail because/, evidence: [/dependency-unavailable/] },
    },
    {
      name: "kubectl describe job text",
      files: {
        "describe-job.txt": `Name:             nightly-export
Namespace:        reports
Selector:         batch.kubernetes.io/controller-uid=2f0c6a1e-8d1b-4a43-9c55-0e1f2a3b4c5d
Labels:           batch.kubernetes.io/job-name=nightly-export
                  job-name=nightly-export
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Start Time:       Mon, 02 Jun 2025 09:00:00 +0000
Pods Statuses:    0 Active (0 Ready) / 0 Succeeded / 4 Failed
Pod Template:
  Labels:  job-name=nightly-export
  Containers:
   export:
    Image:      registry.example.com/reports/export:2.1.0
    Port:       <none>
    Host Port:  <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type     Reason                Age    From            Message
  ----     ------                ----   ----            -------
  Normal   SuccessfulCreate      14m    job-controller  Created pod: nightly-export-8xk2p
  Normal   SuccessfulCreate      13m    job-controller  Created pod: nightly-export-q2w9z
  Warning  BackoffLimitExceeded  9m     job-controller  Job has reached the specified backoff limit
`,
      },
      expect: { category: "job-backoff-limit", resource: { kind: "Job", namespace: "reports", name: "nightly-export" }, summary: /Job nightly-export failed: backoffLimit reached/ },
    },
    { name: "Job event from kubectl get events", files: { "events.txt": "LAST SEEN   TYPE      REASON                 OBJECT           MESSAGE\n5m          Warning   BackoffLimitExceeded   job/db-migrate   Job has reached the specified backoff limit\n" }, expect: { category: "job-backoff-limit", resource: { kind: "Job", name: "db-migrate" } } },
  ],
});
