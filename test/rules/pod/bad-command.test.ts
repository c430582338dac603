import { badCommand } from "../../../src/rules/pod/bad-command.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const START_ERROR = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/bin/not-exist": stat /bin/not-exist: no such file or directory: unknown';
const NOT_IN_PATH = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "wge": executable file not found in $PATH: unknown';

testRule(badCommand, {
  valid: [
    { name: "healthy pod with a command", files: { "pod.json": list(pod({ containers: [{ image: "alpine:3.20", command: ["sh", "-c", "echo OK; sleep 3600"], status: running() }] })) }, now: NOW },
    { name: "app error exit 1 is not a bad command", files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\nZeroDivisionError: division by zero\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "command /bin/not-exist, StartError 128 under containerd",
      files: {
        "pod.json": list(
          pod({ name: "crash-sample-6b8f9d7c4-lx2vq", owner: "Deployment/crash-sample", hash: "6b8f9d7c4", containers: [{ name: "c", image: "alpine:3.20", command: ["/bin/not-exist"], status: { ...crashLoop({ exitCode: 128, reason: "StartError", message: START_ERROR, startedAt: "1970-01-01T00:00:00Z" }, 4, "1m20s", "c", "crash-sample-6b8f9d7c4-lx2vq") } }] }),
          deployment("crash-sample", [{ name: "c", image: "alpine:3.20", command: ["/bin/not-exist"] }]),
          event("BackOff", "Back-off restarting failed container c in pod crash-sample-6b8f9d7c4-lx2vq_default(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)", { name: "crash-sample-6b8f9d7c4-lx2vq", count: 9 }),
        ),
      },
      now: NOW,
      expect: { category: "bad-command", resource: { container: "c" }, evidence: [/StartError, exit 128/, /x9/], fixIncludes: [/kubectl patch deployment crash-sample/] },
    },
    {
      name: "RunContainerError with executable not found in $PATH (holmesgpt h02 wording)",
      files: {
        "pod.json": list(pod({ containers: [{ image: "busybox:1.36", command: ["wge", "-O-", "http://example.com"], status: { state: { waiting: { reason: "RunContainerError", message: NOT_IN_PATH } }, lastState: { terminated: { reason: "StartError", exitCode: 128, message: NOT_IN_PATH, startedAt: "1970-01-01T00:00:00Z", finishedAt: "2025-06-02T10:12:09Z" } }, restartCount: 2 } }] })),
      },
      now: NOW,
      expect: { category: "bad-command", summary: /"wge"/ },
    },
    {
      name: "CRLF entrypoint script in the previous log",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 255 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "exec /app/entrypoint.sh: no such file or directory\n" }],
      now: NOW,
      expect: { category: "bad-command", evidence: [/previous log line 1: exec \/app\/entrypoint.sh: no such file or directory/], fixIncludes: [/CRLF/] },
    },
    {
      name: "shell wrapper exits 127: script not found",
      files: { "pod.json": list(pod({ containers: [{ image: "node:20-alpine", command: ["sh", "-c", "./docker_run.sh"], status: crashLoop({ exitCode: 127 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "/bin/sh: ./docker_run.sh: not found\n" }],
      now: NOW,
      expect: { category: "bad-command", evidence: [/docker_run.sh: not found/] },
    },
    {
      name: "exit 127 with no log at all",
      files: { "pod.json": list(pod({ containers: [{ command: ["sh", "-c", "start-server"], status: crashLoop({ exitCode: 127 }) }] })) },
      now: NOW,
      expect: { category: "bad-command", summary: /exits 127/ },
    },
  ],
});
