import { describe, expect, it } from "vitest";
import { parseEventRow } from "../../../src/sources/text/event-rows.js";
import { readPastedText } from "../../../src/sources/text/intake.js";
import { unwrapLines } from "../../../src/sources/text/wrappers.js";
import { explain } from "../../../src/cli/commands/explain.js";

type Json = Record<string, any>;
const read = (text: string, hint = {}) => readPastedText(text, "paste.txt", hint);
const statusOf = (text: string) => (read(text).pod?.object.status ?? {}) as Json;

describe("event rows in every kubectl layout, without their header", () => {
  const cases: Array<[string, string, { reason: string; count?: number; source?: string; object?: string; message: RegExp }]> = [
    ["describe (1.14+)", "  Warning  BackOff    3m (x7 over 5m)  kubelet            Back-off restarting failed container", { reason: "BackOff", count: 7, source: "kubelet", message: /^Back-off restarting/ }],
    ["describe with old From column", "  Warning  BackOff    3m42s (x7 over 4m56s)  kubelet, node3     Back-off restarting failed container", { reason: "BackOff", count: 7, source: "kubelet, node3", message: /^Back-off/ }],
    ["describe with a redacted node", 'Warning  Failed     4m11s (x6 over 4m53s)  kubelet, <redacted-address>  Error: secrets "db-creds" not found', { reason: "Failed", count: 6, source: "kubelet, <redacted-address>", message: /^Error: secrets "db-creds" not found/ }],
    ["describe reflowed to single spaces", "Warning Unhealthy 25m (x3 over 25m) kubelet Liveness probe failed: HTTP probe failed with statuscode: 404", { reason: "Unhealthy", count: 3, source: "kubelet", message: /^Liveness probe failed/ }],
    ["describe with tabs", "  Warning\tFailedScheduling\t2m\tdefault-scheduler\t0/3 nodes are available: 3 Insufficient memory.", { reason: "FailedScheduling", source: "default-scheduler", message: /^0\/3 nodes/ }],
    ["describe before 1.6", "  1m\t\t1m\t\t1\t{kubelet node1}\tspec.containers{app}\tWarning\tBackOff\tBack-off restarting failed docker container", { reason: "BackOff", source: "kubelet, node1", message: /^Back-off/ }],
    ["get events", "5m          Warning   BackOff   pod/api-7d9f8b6c5d-x2k9p   Back-off restarting failed container app in pod api-7d9f8b6c5d-x2k9p_shop(0b1c)", { reason: "BackOff", object: "Pod/api-7d9f8b6c5d-x2k9p", message: /^Back-off/ }],
    ["get events -A", "shop   5m   Warning   Unhealthy   pod/api-1   Readiness probe failed: HTTP probe failed with statuscode: 503", { reason: "Unhealthy", object: "Pod/api-1", message: /^Readiness/ }],
    ["kubectl events", "2m (x3 over 5m)   Warning   BackOff   Pod/api-1   Back-off restarting failed container app", { reason: "BackOff", count: 3, object: "Pod/api-1", message: /^Back-off/ }],
    ["get events before 1.14", "2m   2m   1   api-1.15f2a3b4c5d6e7f8   Pod   spec.containers{app}   Warning   BackOff   kubelet, node1   Back-off restarting failed container", { reason: "BackOff", object: "Pod/api-1", source: "kubelet, node1", message: /^Back-off/ }],
  ];
  for (const [name, line, expected] of cases) {
    it(name, () => {
      const row = parseEventRow(line)!;
      expect(row, line).toBeDefined();
      expect(row.reason).toBe(expected.reason);
      expect(row.message).toMatch(expected.message);
      if (expected.count !== undefined) expect(row.count).toBe(expected.count);
      if (expected.source !== undefined) expect(row.source).toBe(expected.source);
      if (expected.object !== undefined) expect(`${row.object?.kind}/${row.object?.name}`).toBe(expected.object);
    });
  }

  it("an event message pasted alone becomes an event, and names its pod", () => {
    const result = read("event: Back-off restarting failed container web in pod web-69db5749f4-69kbw_tools(a50b1c27-0000)\n");
    expect(result.events[0]).toMatchObject({ reason: "BackOff", involved: { kind: "Pod", name: "web-69db5749f4-69kbw", namespace: "tools" } });
  });
});

describe("describe output in part", () => {
  it("a container block alone, cut in the middle of its Limits", () => {
    const status = statusOf("Containers:\n  kafka:\n    State:          Running\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n    Ready:          True\n    Restart Count:  5\n    Limits:\n      memory:\n");
    expect(status.containerStatuses[0]).toMatchObject({ name: "kafka", restartCount: 5, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } });
  });

  it("State lines alone, and a reason cut off mid-word", () => {
    const status = statusOf("    State:          Waiting\n      Reason:       CreateContainerConfigE");
    expect(status.containerStatuses[0].state.waiting.reason).toBe("CreateContainerConfigError");
  });

  it("Reason and Exit Code whose State line was cut off", () => {
    const status = statusOf("      Reason:       Error\n      Exit Code:    1\n    Ready:          False\n    Restart Count:  4\n");
    expect(status.containerStatuses[0]).toMatchObject({ restartCount: 4, lastState: { terminated: { reason: "Error", exitCode: 1 } } });
  });

  it("the old tab-separated layout (kubectl 1.0)", () => {
    const result = read("Name:\t\t\t\tsimmemleak-hra99\nNamespace:\t\t\tdefault\nImage(s):\t\t\tsaadali/simmemleak\nStatus:\t\t\t\tRunning\nContainers:\n  simmemleak:\n    Image:\tsaadali/simmemleak\n    Limits:\n      memory:\t\t50Mi\n    State:\t\tRunning\n    Ready:\t\tFalse\n    Restart Count:\t5\n");
    expect(result.pod?.object.metadata).toMatchObject({ name: "simmemleak-hra99", namespace: "default" });
    expect((result.pod?.object.status as Json).containerStatuses[0]).toMatchObject({ name: "simmemleak", ready: false, restartCount: 5 });
  });

  it("a runtime message wrapped at the left margin stays in its Message", () => {
    const status = statusOf('Containers:\n  blocky:\n    Last State:     Terminated\n      Reason:       ContainerCannotRun\n      Message:      OCI runtime create failed: container_linux.go:349: starting container process caused "process_linux.go:449\n: container init caused \\"rootfs_linux.go:58: mounting to rootfs caused \\"no such file or directory\\"\\"": unknown\n');
    expect(status.containerStatuses[0].lastState.terminated.message).toMatch(/no such file or directory/);
  });
});

describe("Pod YAML and JSON without kind", () => {
  it("a lastState block", () => {
    const status = statusOf("lastState:\n   terminated:\n     exitCode: 137\n     reason: OOMKilled\n     startedAt: null\n");
    expect(status.containerStatuses[0]).toMatchObject({ restartCount: 1, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } });
  });

  it("a status with phase and reason", () => {
    const status = statusOf("status:\n  message: 'Pod Node didn''t have enough resource: memory, requested: 2097152000,\n    used: 65865462583, capacity: 66388008960'\n  phase: Failed\n  reason: OutOfmemory\n");
    expect(status).toMatchObject({ phase: "Failed", reason: "OutOfmemory" });
  });

  it("a containerStatuses entry in JSON", () => {
    const status = statusOf('{"name": "api", "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}}, "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}');
    expect(status.containerStatuses[0]).toMatchObject({ name: "api", restartCount: 3 });
  });

  it("a JSON log line stays a log line", () => {
    const result = read('{"level":"info","msg":"Envoy proxy is NOT ready: config not received from Pilot (is Pilot running?)"}\n');
    expect(result.pod).toBeUndefined();
    expect(result.logs[0]!.lines[0]).toMatch(/config not received/);
  });
});

describe("wrappers", () => {
  it("prompts name the pod and say a log is --previous; comments become notes; fences and quotes go", () => {
    const { lines, notes, commands } = unwrapLines("> ```\r\n> $ kubectl logs api-1 -c app -n shop --previous\r\n> panic: boom\r\n> ```\r\n# the reporter's note\r\n");
    expect(commands[0]).toMatchObject({ verb: "logs", pod: "api-1", container: "app", namespace: "shop", previous: true });
    expect(lines.map((l) => l.text).filter((text) => text !== "")).toEqual(["panic: boom"]);
    expect(notes.map((l) => l.text)).toEqual(["the reporter's note"]);
  });

  it("a log under a kubectl logs prompt is that container's previous log", () => {
    const result = read("$ kubectl logs api-1 -c app --previous\npanic: runtime error: invalid memory address or nil pointer dereference\n");
    expect(result.logs[0]).toMatchObject({ pod: "api-1", container: "app", previous: true });
  });

  it("kubectl get pods rows give the name, the status and the restarts", () => {
    const result = read("NAME                      READY   STATUS             RESTARTS      AGE\napi-7d9f8b6c5d-x2k9p      0/1     CrashLoopBackOff   6 (118s ago)   20m\n");
    expect(result.pod?.object.metadata.name).toBe("api-7d9f8b6c5d-x2k9p");
    expect((result.pod?.object.status as Json).containerStatuses[0]).toMatchObject({ restartCount: 6, state: { waiting: { reason: "CrashLoopBackOff" } } });
  });

  it("no pod name in the text: the pod is <pod>, never a made-up name", () => {
    expect(read("    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Restart Count:  3\n").pod?.object.metadata.name).toBe("<pod>");
  });
});

describe("explain knows the words people type", () => {
  for (const word of ["CrashLoopBackOff", "OOMKilled", "ImagePullBackOff", "CreateContainerConfigError", "137", "143", "UT", "UH", "NR"]) {
    it(word, () => {
      expect(explain(word)).toMatch(new RegExp(`^${word} \\((?:reason|exit code|response flag)\\): \\S`));
    });
  }
});

describe("kubectl top pod --containers: metrics-server's working set as PodMetrics", () => {
  it.each([
    ["one namespace", "POD                          NAME          CPU(cores)   MEMORY(bytes)\nsearch-api-5d8f7c9b6-k2x4q   api           310m         1003Mi\nsearch-api-5d8f7c9b6-k2x4q   istio-proxy   6m           41Mi\n", undefined],
    ["-A", "NAMESPACE   POD                          NAME   CPU(cores)   MEMORY(bytes)\nshop        search-api-5d8f7c9b6-k2x4q   api    310m         1003Mi\n", "shop"],
  ])("%s", (_name, text, namespace) => {
    const metrics = read(text).objects.map((o) => o.object as unknown as Json);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ kind: "PodMetrics", metadata: { name: "search-api-5d8f7c9b6-k2x4q", ...(namespace ? { namespace } : {}) } });
    expect(metrics[0]!.containers[0]).toEqual({ name: "api", usage: { cpu: "310m", memory: "1003Mi" } });
  });

  it("rows of that shape without the header are not metrics", () => {
    expect(read("search-api-5d8f7c9b6-k2x4q   api    310m         1003Mi\n").objects).toEqual([]);
  });
});
