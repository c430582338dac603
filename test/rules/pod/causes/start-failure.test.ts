import { describe, expect, it } from "vitest";
import { startFailureCause } from "../../../../src/rules/pod/causes/start-failure.js";
import { crashLoop, event } from "../fixtures.js";
import { containerContext } from "./contexts.js";

/** StartError / RunContainerError messages of containerd and runc (Kubernetes 1.27-1.33). */
const rows: Array<[string, string, string]> = [
  ["command not in the image", 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": stat /app/server: no such file or directory: unknown', "bad-command"],
  ["not on $PATH", 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "gunicorn": executable file not found in $PATH: unknown', "bad-command"],
  ["binary for another architecture", "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec /usr/local/bin/webhook: exec format error: unknown", "exec-format-error"],
  ["subPath onto a directory", 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/var/lib/kubelet/pods/5b0c/volume-subpaths/cfg/app/0" to rootfs at "/etc/app/config.yaml": mount /var/lib/kubelet/pods/5b0c/volume-subpaths/cfg/app/0:/etc/app/config.yaml (via /proc/self/fd/6), flags: 0x5001: not a directory: unknown', "config-file-missing"],
];

describe("start failures: the runtime's message names the cause", () => {
  it.each(rows)("%s", (_name, message, category) => {
    const cause = startFailureCause(containerContext({ containers: [{ status: crashLoop({ exitCode: 128, reason: "StartError", message }) }] }));
    expect(cause?.category).toBe(category);
  });

  it("a Failed event alone (the status cut from the paste) is enough", () => {
    const cause = startFailureCause(containerContext({ containers: [{}] }, [event("Failed", `Error: ${rows[1]![1]}`, { count: 3 })]));
    expect(cause?.category).toBe("bad-command");
    expect(cause?.detail.path).toBe("gunicorn");
  });

  it("an ordinary crash (exit 1) is not a start failure", () => {
    expect(startFailureCause(containerContext({ containers: [{ status: crashLoop({ exitCode: 1 }) }] }))).toBeUndefined();
  });
});
