// The cases of "Fixes you can paste without fear", built from the case as reported, shared by the unit
// tests and the cluster test that applies the printed patches through a real API server.
import { crashLoop, deployment, event, list, pod } from "../rules/pod/fixtures.js";

const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app-config", namespace: "default" }, data: { "config.yaml": "port: 8080\n" } };

/** A pod whose volume names a ConfigMap that does not exist; "app-config" does. */
export const missingConfigMapVolume = list(
  pod({ owner: "Deployment/api", phase: "Pending", containers: [{ volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }], env: [{ name: "LOG_LEVEL", value: "info" }], status: { state: { waiting: { reason: "ContainerCreating" } }, ready: false, restartCount: 0 } }], volumes: [{ name: "cfg", configMap: { name: "app-confg" } }] }),
  deployment("api", [{ volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }], env: [{ name: "LOG_LEVEL", value: "info" }] }], { volumes: [{ name: "cfg", configMap: { name: "app-confg" } }] }),
  configMap,
  event("FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "app-confg" not found', { count: 9 }),
);

const notFound = "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/usr/local/bin/api-server\": stat /usr/local/bin/api-server: no such file or directory: unknown";

/** A container whose `command` overrides a working ENTRYPOINT with a path the image does not have. */
export const commandOverridesEntrypoint = list(
  pod({ owner: "Deployment/api", containers: [{ command: ["/usr/local/bin/api-server"], status: crashLoop({ exitCode: 128, reason: "StartError", message: notFound, startedAt: "1970-01-01T00:00:00Z" }) }] }),
  deployment("api", [{ command: ["/usr/local/bin/api-server"] }]),
);

/** The same on alpine, whose default CMD is a shell: removing the command would make it exit 0 and loop. */
export const commandOnAlpine = list(
  pod({ owner: "Deployment/crash-sample", containers: [{ name: "c", image: "alpine:3.20", command: ["/bin/not-exist"], status: crashLoop({ exitCode: 128, reason: "StartError", message: notFound.replace(/\/usr\/local\/bin\/api-server/g, "/bin/not-exist"), startedAt: "1970-01-01T00:00:00Z" }, 5, "2m40s", "c", "crash-sample-7d9f8b6c5d-x2k9p") }], name: "crash-sample-7d9f8b6c5d-x2k9p" }),
  deployment("crash-sample", [{ name: "c", image: "alpine:3.20", command: ["/bin/not-exist"] }]),
);
