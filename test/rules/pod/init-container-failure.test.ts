import { initContainerFailure } from "../../../src/rules/pod/init-container-failure.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const appWaiting = { state: { waiting: { reason: "PodInitializing" } }, ready: false, restartCount: 0 };
const migrate = { name: "migrate", image: "registry.example.com/shop/migrator:1.2.0", command: ["sh", "-c", "./migrate up || exit 1"] };

testRule(initContainerFailure, {
  valid: [
    { name: "init container completed, app running", files: { "pod.json": list(pod({ initContainers: [{ ...migrate, status: { state: { terminated: { reason: "Completed", exitCode: 0, startedAt: "2025-06-02T09:58:12Z", finishedAt: "2025-06-02T09:58:15Z" } }, ready: true, restartCount: 0 } }], containers: [{ status: running() }] })) }, now: NOW },
    { name: "native sidecar init container running", files: { "pod.json": list(pod({ initContainers: [{ name: "log-shipper", restartPolicy: "Always", status: running() }], containers: [{ status: running() }] })) }, now: NOW },
  ],
  invalid: [
    {
      name: "an init container that writes to a read-only root gets the app containers' YAML fix, on the init container",
      files: { "pod.json": list(pod({ owner: "Deployment/api", phase: "Pending", initContainers: [{ ...migrate, securityContext: { readOnlyRootFilesystem: true }, status: crashLoop({ exitCode: 1 }, 5, "2m40s", "migrate") }], containers: [{ status: appWaiting }] }), deployment("api", [{}], { spec: { initContainers: [{ ...migrate, securityContext: { readOnlyRootFilesystem: true } }] } })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "migrate", previous: true, text: "mkdir: can't create directory '/app/tmp': Read-only file system\n" }],
      now: NOW,
      expect: { category: "init-container-failure", fixIncludes: [/^Init container migrate: /, /initContainers/, /emptyDir/] },
    },
    {
      name: "golang-migrate's dirty version: the version is named and forced once, the pod re-created",
      files: { "pod.json": list(pod({ owner: "Deployment/api", phase: "Pending", initContainers: [{ ...migrate, status: crashLoop({ exitCode: 1 }, 7, "5m0s", "migrate") }], containers: [{ status: appWaiting }] }), deployment("api", [{}], { spec: { initContainers: [migrate] } })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "migrate", previous: true, text: "error: Dirty database version 20250528101500. Fix and force version.\n" }],
      now: NOW,
      expect: { category: "init-container-failure", fixIncludes: [/schema at version 20250528101500 marked dirty/, /force 20250528101500/] },
    },
    {
      name: "no cause in the init container's log: its spec as YAML with the command to correct marked",
      files: { "pod.json": list(pod({ owner: "Deployment/api", phase: "Pending", initContainers: [{ ...migrate, status: crashLoop({ exitCode: 2 }, 3, "40s", "migrate") }], containers: [{ status: appWaiting }] }), deployment("api", [{}], { spec: { initContainers: [migrate] } })) },
      now: NOW,
      expect: { category: "init-container-failure", fixIncludes: [/initContainers/, /<the init step, exiting 0 once it is done and on a re-run>/] },
    },
    {
      name: "migration init container fails, its log names the database",
      files: { "pod.json": list(pod({ phase: "Pending", initContainers: [{ ...migrate, status: crashLoop({ exitCode: 1 }, 4, "1m20s", "migrate") }], containers: [{ status: appWaiting }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "migrate", previous: true, text: "error: failed to connect to `host=postgres user=app database=shop`: dial error (dial tcp 10.96.12.7:5432: connect: connection refused)\n" }],
      now: NOW,
      expect: { category: "init-container-failure", resource: { container: "migrate" }, summary: /init container migrate fails: a dependency/, fixIncludes: [/kubectl logs api-7d9f8b6c5d-x2k9p -c migrate/] },
    },
    {
      name: "tezos config-init not idempotent (tezos-k8s#565)",
      files: { "pod.json": list(pod({ name: "tezos-node-0", owner: "StatefulSet/tezos-node", phase: "Pending", initContainers: [{ name: "config-init", image: "tezos/tezos:v17.3", status: crashLoop({ exitCode: 1 }, 6, "5m0s", "config-init", "tezos-node-0") }], containers: [{ name: "octez-node", status: appWaiting }] })) },
      logs: [{ pod: "tezos-node-0", container: "config-init", previous: true, text: "octez-node: Error: Pre-existing configuration file at /etc/tezos/data/config.json, use `reset`.\n" }],
      now: NOW,
      expect: { category: "init-container-failure", evidence: [/Pre-existing configuration file/] },
    },
    {
      name: "init container exit 1 with no log (Init:Error)",
      files: { "pod.json": list(pod({ phase: "Pending", restartPolicy: "Never", initContainers: [{ ...migrate, status: { state: { terminated: { reason: "Error", exitCode: 1, startedAt: "2025-06-02T10:12:03Z", finishedAt: "2025-06-02T10:12:04Z" } }, ready: false, restartCount: 0 } }], containers: [{ status: appWaiting }] })) },
      now: NOW,
      expect: { category: "init-container-failure", summary: /\(exit 1\)/ },
    },
  ],
});
