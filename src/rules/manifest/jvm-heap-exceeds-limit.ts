import { defineRule } from "../../contract/rule.js";
import { argv, envIndex } from "../../k8s/commands.js";
import { formatBytes, parseJvmSize, roundMemoryUp } from "../../k8s/quantities.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { rawResource, resourceValue } from "../../k8s/resources.js";
import { containersOf, isObject, objects, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/jvm-heap-exceeds-limit",
  category: "oom-killed",
  severity: "error",
  equivalents: [],
  docs: {
    verify: [
      "kubectl exec <pod> -n <namespace> -c <container> -- java -XX:+PrintFlagsFinal -version | grep -E 'MaxHeapSize|MaxRAMPercentage'",
      "kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.reason}{\"\\n\"}'",
      "kubectl top pod <pod> -n <namespace> --containers",
    ],
  },
};

const JVM_ENV = ["JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CATALINA_OPTS", "ES_JAVA_OPTS", "OPENSEARCH_JAVA_OPTS", "KAFKA_HEAP_OPTS", "JVM_OPTS", "MAVEN_OPTS"];
/** Heap, metaspace, threads and code cache: below this share of the limit for the heap, the rest fits. */
const HEAP_SHARE_WARNING = 0.8;

interface Setting {
  flag: string;
  value: string;
  where: (string | number)[];
  envName?: string;
}

function settingsOf(container: Record<string, unknown>, path: (string | number)[]): Setting[] {
  const found: Setting[] = [];
  const scan = (text: string, where: (string | number)[], envName?: string) => {
    for (const match of text.matchAll(/-Xmx(\d+[kKmMgGtT]?)\b/g)) found.push({ flag: "-Xmx", value: match[1]!, where, envName });
    for (const match of text.matchAll(/-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/g)) found.push({ flag: "MaxRAMPercentage", value: match[1]!, where, envName });
  };
  const { command, args } = argv(container);
  command.forEach((part, i) => scan(part, [...path, "command", i]));
  args.forEach((part, i) => scan(part, [...path, "args", i]));
  for (const name of JVM_ENV) {
    const index = envIndex(container, name);
    if (index < 0) continue;
    const value = str(objects(container.env)[index]!.value);
    if (value) scan(value, [...path, "env", index, "value"], name);
  }
  return found;
}

export const jvmHeapExceedsLimitRule = defineRule({
  ...meta,
  title: "JVM heap setting does not fit the memory limit",
  docs: {
    cause:
      "The JVM is told to use a heap (-Xmx, or -XX:MaxRAMPercentage of the limit) that, with metaspace, thread stacks, code cache and direct buffers on top, does not fit the container's memory limit. Under load the heap grows to its maximum and the kernel kills the container: OOMKilled, exit 137, with no Java OutOfMemoryError in the log.",
    fix: "Keep the heap at about 75% of the limit (-XX:MaxRAMPercentage=75 lets the JVM follow the limit), or raise limits.memory to heap + 25% (at least 256Mi more).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "xmx-exceeds-limit": "Container {container}: -Xmx{value} (in {where}) {relation} the {rawLimit} memory limit",
    "ram-percentage-too-high": "Container {container}: -XX:MaxRAMPercentage={value} (in {where}) leaves {left}% of the {rawLimit} limit for everything but the heap",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const limit = resourceValue(ref.container, "limits", "memory");
        if (limit === undefined) continue;
        const rawLimit = rawResource(ref.container, "limits", "memory")!;
        for (const setting of settingsOf(ref.container, ref.path)) {
          const resources = isObject(ref.container.resources) ? ref.container.resources : {};
          const where = setting.envName ? `env ${setting.envName}` : "the command line";
          if (setting.flag === "-Xmx") {
            const heap = parseJvmSize(setting.value);
            if (heap === undefined || heap <= limit * HEAP_SHARE_WARNING) continue;
            const over = heap >= limit;
            const newLimit = formatBytes(roundMemoryUp(Math.max(heap * 1.25, heap + 256 * 2 ** 20)));
            reportObject(ctx, meta, workload.object, {
              field: setting.where,
              container: ref.name,
              message: "xmx-exceeds-limit",
              data: { container: ref.name, value: setting.value, where, relation: over ? "is larger than" : "leaves too little of", rawLimit },
              cause: over
                ? `The heap alone may grow to ${formatBytes(heap)}, above the ${rawLimit} limit; the kernel OOM-kills the JVM (OOMKilled, exit 137) long before Java reports OutOfMemoryError.`
                : `The heap may take ${Math.round((heap / limit) * 100)}% of the ${rawLimit} limit; metaspace, thread stacks, code cache and direct buffers need the rest and more, so the container is OOMKilled under load.`,
              evidence: [{ source: "manifest", text: `resources.limits.memory: ${rawLimit}` }],
              severity: over ? "error" : "warning",
              confidence: over ? 0.9 : 0.65,
              fix: () => containerChangeFix(
                view,
                workload,
                ref.name,
                { current: ref.container, set: { resources: { ...resources, limits: { ...(isObject(resources.limits) ? resources.limits : {}), memory: newLimit } } }, init: ref.init },
                `Raise limits.memory to ${newLimit} (heap + 25%), or lower -Xmx to about 75% of the limit (-Xmx${Math.floor((limit * 0.75) / 2 ** 20)}m).`,
              ),
            });
          } else {
            const percent = Number(setting.value);
            if (!(percent > 85)) continue;
            reportObject(ctx, meta, workload.object, {
              field: setting.where,
              container: ref.name,
              message: "ram-percentage-too-high",
              data: { container: ref.name, value: setting.value, where, left: Math.max(0, 100 - percent), rawLimit },
              cause: `With MaxRAMPercentage=${setting.value} the heap may take ${percent >= 100 ? "all" : `${setting.value}%`} of the limit; non-heap memory does not fit and the container is OOMKilled under load.`,
              severity: percent >= 100 ? "error" : "warning",
              confidence: 0.7,
              fix: setting.envName
                ? containerChangeFix(
                    view,
                    workload,
                    ref.name,
                    { current: ref.container, set: { env: objects(ref.container.env).map((e) => (e.name === setting.envName ? { ...e, value: String(e.value).replace(/-XX:MaxRAMPercentage=[\d.]+/, "-XX:MaxRAMPercentage=75") } : e)) }, init: ref.init },
                    "Use -XX:MaxRAMPercentage=75.",
                  )
                : { description: "Use -XX:MaxRAMPercentage=75 in the command line.", commands: [] },
            });
          }
        }
      }
    }
  },
});
