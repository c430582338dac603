import { describe, expect, it } from "vitest";
import { configReferenceCause } from "../../../../src/rules/pod/causes/config-reference.js";
import { event } from "../fixtures.js";
import { containerContext } from "./contexts.js";

const waiting = (message: string) => ({ state: { waiting: { reason: "CreateContainerConfigError", message } } });

/** `CreateContainerConfigError` messages of the kubelet (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables). */
const rows: Array<[string, string, Record<string, string> | undefined, string]> = [
  ["missing Secret", 'secret "db-credentials" not found', { kind: "Secret", name: "db-credentials", subcause: "object-missing" }, "missing-config-reference"],
  ["missing ConfigMap", 'configmap "app-settings" not found', { kind: "ConfigMap", name: "app-settings", subcause: "object-missing" }, "missing-config-reference"],
  ["missing key", "couldn't find key passwrod in Secret shop/db-credentials", { kind: "Secret", name: "db-credentials", key: "passwrod", subcause: "key-missing" }, "missing-config-reference"],
  ["runAsNonRoot, image runs as root", "container has runAsNonRoot and image will run as root (pod: \"api-7d9f8b6c5d-x2k9p_default(5b0c6f0e)\", container: app)", { subcause: "run-as-non-root", user: "root" }, "insufficient-privileges"],
  ["runAsNonRoot, non-numeric user", "container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: \"web_default(5b0c)\", container: app)", { subcause: "run-as-non-root", user: "nginx" }, "insufficient-privileges"],
];

describe("container configuration: what is missing, from the kubelet's message", () => {
  it.each(rows)("%s", (_name, message, detail, category) => {
    const cause = configReferenceCause(containerContext({ containers: [{ status: waiting(message) }] }, [event("Failed", `Error: ${message}`, { count: 6 })]));
    expect(cause?.category).toBe(category);
    expect(cause?.detail).toMatchObject(detail!);
  });

  it("a volume naming a missing ConfigMap (FailedMount) is read as a volume reference", () => {
    const cause = configReferenceCause(
      containerContext({ containers: [{ volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }], status: { state: { waiting: { reason: "ContainerCreating" } } } }], volumes: [{ name: "cfg", configMap: { name: "app-confg" } }], phase: "Pending" }, [event("FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "app-confg" not found', { count: 9 })]),
    );
    expect(cause?.detail).toMatchObject({ kind: "ConfigMap", name: "app-confg", via: "volume" });
  });

  it("nothing missing: no cause", () => {
    expect(configReferenceCause(containerContext({ containers: [{ status: { state: { running: { startedAt: "2025-06-02T09:58:20Z" } }, ready: true } }] }))).toBeUndefined();
  });
});
