import { crashLoopUnknown } from "../../../src/rules/pod/crash-loop-unknown.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, event, list, NOW, pod, running } from "./fixtures.js";

testRule(crashLoopUnknown, {
  valid: [
    { name: "healthy pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "a known cause is not unknown (OOMKilled)", files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 137, reason: "OOMKilled" }) }] })) }, now: NOW },
    { name: "sidecar exits 255 after the Job's main container completed", files: { "pod.json": list(pod({ name: "backup-29112340-q8w2x", owner: "Job/backup-29112340", phase: "Running", containers: [{ name: "backup", status: { state: { terminated: { reason: "Completed", exitCode: 0, startedAt: "2025-06-02T10:00:05Z", finishedAt: "2025-06-02T10:04:40Z" } }, ready: false, restartCount: 0 } }, { name: "istio-proxy", image: "docker.io/istio/proxyv2:1.27.1", status: { state: { terminated: { reason: "Error", exitCode: 255, startedAt: "2025-06-02T10:00:02Z", finishedAt: "2025-06-02T10:04:45Z" } }, ready: false, restartCount: 0 } }] })) }, now: NOW },
    {
      name: "recovered: running and ready since after the kubelet's last image-pull failure (its events outlive it by an hour)",
      files: {
        "pod.json": list(
          pod({ containers: [{ status: running("2025-06-02T10:06:30Z", 0, true) }] }),
          event("Failed", 'Failed to pull image "registry.example.com/shop/api:1.4.2": rpc error: code = NotFound desc = failed to pull and unpack image: not found', { count: 4, first: "2025-06-02T10:01:00Z", last: "2025-06-02T10:05:40Z", fieldPath: "spec.containers{app}" }),
          event("BackOff", 'Back-off pulling image "registry.example.com/shop/api:1.4.2"', { count: 6, first: "2025-06-02T10:01:10Z", last: "2025-06-02T10:06:10Z", fieldPath: "spec.containers{app}" }),
        ),
      },
      now: NOW,
    },
  ],
  invalid: [
    {
      name: "two describe lines alone, Ready False and Restart Count 5: a finding that says what is known",
      files: { "describe.txt": "    Ready:          False\n    Restart Count:  5\n" },
      expect: { category: "unknown-crash", summary: /keeps crashing; no known cause/, evidence: [/restarted 5 times/] },
    },
    {
      name: "exit 1 with an unrecognised log: shows the last meaningful lines",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "starting worker pool size=8\nloading catalogue shard 3/12\nshard 3 checksum mismatch, giving up\n\n" }],
      now: NOW,
      expect: { category: "unknown-crash", summary: /exit 1/, evidence: [/previous log line 3: shard 3 checksum mismatch, giving up/, /restarted 5 times/] },
    },
    {
      name: "running and ready, but the pull keeps failing after the current run started: still said",
      files: {
        "pod.json": list(
          pod({ containers: [{ status: running("2025-06-02T10:06:30Z", 0, true) }] }),
          event("Failed", 'Failed to pull image "registry.example.com/shop/api:1.4.3": rpc error: code = NotFound desc = failed to pull and unpack image: not found', { count: 3, first: "2025-06-02T10:08:00Z", last: "2025-06-02T10:12:40Z", fieldPath: "spec.containers{app}" }),
        ),
      },
      now: NOW,
      expect: { category: "unknown-crash", summary: /is not healthy \(Failed: Failed to pull image/ },
    },
    {
      name: "exit 143 with no log and no Killing event",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 143 }) }] })) },
      now: NOW,
      expect: { category: "unknown-crash", summary: /exit 143/, fixIncludes: [/FallbackToLogsOnError/, /kubectl debug pod\/\S+ -n \S+ --copy-to=\S+-debug --container=\S+ -- sleep 3600/, /--target=/] },
    },
    {
      name: "BackOff event only",
      files: { "events.txt": "LAST SEEN   TYPE      REASON    OBJECT                       MESSAGE\n30s         Warning   BackOff   pod/worker-5f9c8d7b6-abc12   Back-off restarting failed container worker in pod worker-5f9c8d7b6-abc12_jobs(0b9e)\n" },
      expect: { category: "unknown-crash", resource: { name: "worker-5f9c8d7b6-abc12", container: "worker" } },
    },
  ],
});
