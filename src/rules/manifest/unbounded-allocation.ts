import { defineRule } from "../../contract/rule.js";
import { argv, commandLine } from "../../k8s/commands.js";
import { formatBytes, parseQuantity } from "../../k8s/quantities.js";
import { reportObject, type RuleMeta } from "./report.js";
import { rawResource, resourceValue } from "../../k8s/resources.js";
import { containersOf, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/unbounded-allocation",
  category: "oom-killed",
  severity: "error",
  equivalents: [],
  docs: {
    verify: [
      "kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}{\"\\n\"}'",
      "kubectl describe pod <pod> -n <namespace> | grep -A2 'State:'",
    ],
  },
};

/** `--vm-bytes 250M` style sizes of stress tools (M = MiB). */
function stressBytes(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([bBkKmMgGtT]?)$/.exec(value);
  if (!match) return undefined;
  const factor = { "": 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[match[2]!.toLowerCase()]!;
  return Number(match[1]) * factor;
}

export const unboundedAllocationRule = defineRule({
  ...meta,
  title: "The command allocates more memory than the limit allows",
  docs: {
    cause:
      "The container's command is written to use memory without bound (`tail /dev/zero` buffers an endless line) or more than its limit (`stress --vm-bytes` above limits.memory). It is OOMKilled (exit 137) every time it runs.",
    fix: "Remove the allocation (a load test left in a manifest), or bound it below the memory limit.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "oom-killed": "Container {container} of {kind} {name} will be OOMKilled: {reason}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const line = commandLine(ref.container);
        if (!line) continue;
        const limit = resourceValue(ref.container, "limits", "memory");
        const rawLimit = rawResource(ref.container, "limits", "memory");
        const { command } = argv(ref.container);
        const field = [...ref.path, command.length > 0 ? "command" : "args"];
        let reason: string | undefined;
        if (/\btail\s+(?:-[a-z]+\s+)*\/dev\/zero\b/.test(line) || /\bcat\s+\/dev\/zero\s*\|\s*(?:head\s+-c\s*\S+\s*\|\s*)?tail\b/.test(line)) {
          reason = "`tail /dev/zero` reads an endless stream with no newline and keeps it all in memory";
        } else {
          const bytes = /\b(?:stress|stress-ng)\b.*--vm-bytes[ =](\S+)/.exec(line)?.[1];
          const size = bytes ? stressBytes(bytes) : undefined;
          if (size !== undefined && limit !== undefined && size >= limit) reason = `the stress tool allocates ${bytes} (${formatBytes(size)}), at or above the ${rawLimit} limit`;
          const python = /bytearray\((\d+)\s*\*\s*1024\s*\*\s*1024\)/.exec(line)?.[1];
          if (!reason && python && limit !== undefined && Number(python) * 2 ** 20 >= limit) reason = `the script allocates ${python}Mi, at or above the ${rawLimit} limit`;
          const dd = /\bdd\b[^|;&]*\bof=\/dev\/shm\/\S*[^|;&]*\bbs=(\S+)[^|;&]*\bcount=(\d+)/.exec(line);
          if (!reason && dd && limit !== undefined) {
            const block = parseQuantity(dd[1]!.replace(/^(\d+)([KMG])$/, "$1$2i")) ?? 0;
            if (block * Number(dd[2]) >= limit) reason = `dd writes ${formatBytes(block * Number(dd[2]))} to /dev/shm, which is memory, at or above the ${rawLimit} limit`;
          }
        }
        if (!reason) continue;
        reportObject(ctx, meta, workload.object, {
          field,
          container: ref.name,
          message: "oom-killed",
          data: { container: ref.name, kind: workload.kind, name: workload.name, reason: reason.split(",")[0] },
          fieldText: `${field.slice(-1)[0]}: ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`,
          cause: `${reason[0]!.toUpperCase()}${reason.slice(1)}. The cgroup limit${rawLimit ? ` (${rawLimit})` : " (or the node)"} is reached and the kernel kills the process: \`State: Terminated, Reason: OOMKilled, Exit Code: 137\`.`,
          confidence: 0.85,
          fix: { description: "Remove the unbounded allocation from the command (it is a memory stress test), or bound it below the limit.", commands: [] },
        });
      }
    }
  },
});
