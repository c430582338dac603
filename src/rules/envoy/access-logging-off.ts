import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import { accessLoggingFor, accessLoggingTelemetryYaml, type AccessLoggingState } from "../../istio/access-logging.js";
import { envoyData } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const accessLoggingOff = defineRule({
  id: "envoy/access-logging-off",
  category: "istio-config-other",
  severity: "warning",
  title: "Access logging is switched off for the proxy whose access logs are analysed",
  docs: {
    cause:
      "Envoy writes access logs only when MeshConfig accessLogFile is set (Istio's demo profile sets /dev/stdout, the default profile leaves it empty) or a Telemetry resource enables accessLogging for the workload. With neither, the istio-proxy log holds no request lines: response codes, response flags (UT, UH, NR ...) and upstream hosts cannot be read from it.",
    fix: "Enable access logs with the Telemetry API for the namespace (or the root namespace for the whole mesh), or set meshConfig.accessLogFile=/dev/stdout; mesh-wide logging multiplies log volume, so prefer the namespace or workload that is being debugged.",
    verify: ["kubectl logs POD -n NAMESPACE -c istio-proxy --tail=5", "istioctl x describe pod POD -n NAMESPACE"],
    references: ["https://istio.io/latest/docs/tasks/observability/logs/access-log/", "https://istio.io/latest/docs/reference/config/telemetry/"],
  },
  equivalents: [],
  inputs: ["access-logs", "mesh-config", "istio", "pods", "config"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "Job", "Namespace", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet", "Telemetry"],
  requires: ["access-logs"],
  scopes: ["diagnose"],
  messages: {
    "logging-off": "access logging is off for {subject} ({decidedBy}): its proxy writes no request lines",
    "logging-off-lines-read": "access logging is off for {subject} ({decidedBy}): its proxy writes no request lines; the {entries} lines read predate the change or come from elsewhere",
  },
  analyze({ view, report }) {
    const seen = new Set<string>();
    for (const log of envoyData(view).accessLogs) {
      const pod = log.pod ? view.kind("Pod").find((candidate) => candidate.metadata.name === log.pod && (!log.namespace || candidate.metadata.namespace === log.namespace)) : undefined;
      const namespace = pod?.metadata.namespace ?? log.namespace;
      if (!namespace || seen.has(`${namespace}/${log.pod}`)) continue;
      seen.add(`${namespace}/${log.pod}`);
      const state = accessLoggingFor(view, namespace, (pod?.metadata.labels ?? {}) as Record<string, string>);
      if (state.enabled !== false) continue;
      const yaml = accessLoggingTelemetryYaml(namespace);
      report({
        resource: pod ? { kind: "Pod", namespace, name: pod.metadata.name ?? log.pod ?? "", container: "istio-proxy" } : { kind: "Namespace", name: namespace },
        message: log.summary.entries > 0 ? "logging-off-lines-read" : "logging-off",
        data: { subject: log.pod ? `${namespace}/${log.pod}` : `namespace ${namespace}`, decidedBy: state.decidedBy, entries: log.summary.entries },
        evidence: [...decisionEvidence(state, namespace), { source: "access-log", text: `${log.summary.entries} access-log entries in ${log.origin.file}`, path: log.origin.file }],
        cause: `${state.decidedBy === "meshConfig.accessLogFile" ? "MeshConfig accessLogFile is empty and no Telemetry resource enables accessLogging" : `${state.decidedBy} disables accessLogging`} for this workload, so Envoy logs no requests: response codes, response flags and upstream hosts are not recorded.`,
        fix: {
          description: `Enable access logs for namespace ${namespace} with the Telemetry API (the built-in envoy provider writes to the istio-proxy container's stdout); the proxies pick it up without a restart.`,
          yaml: { before: "", after: yaml, target: `Telemetry ${namespace}/access-logs` },
          commands: [`kubectl apply -f - <<'EOF'\n${yaml}EOF`, "istioctl install --set meshConfig.accessLogFile=/dev/stdout   # mesh-wide instead; raises log volume everywhere"],
        },
        verify: [log.pod ? `kubectl logs ${log.pod}${namespaceFlag(namespace)} -c istio-proxy --tail=5` : `kubectl logs${namespaceFlag(namespace)} -l <app-label> -c istio-proxy --tail=5`],
      });
    }
  },
});

/** What decided that the workload logs no requests: the Telemetry's accessLogging, or MeshConfig's accessLogFile. */
function decisionEvidence(state: AccessLoggingState, namespace: string): Evidence[] {
  if (state.telemetry) return [{ source: "manifest", text: `${state.decidedBy}: accessLogging ${JSON.stringify(state.telemetry.entries)}`, path: state.telemetry.path, line: state.telemetry.line }];
  const mesh = state.meshConfig;
  if (!mesh) return [];
  const text = mesh.accessLogFile ? `meshConfig.accessLogFile: ${mesh.accessLogFile}` : `meshConfig.accessLogFile is ${mesh.set ? "empty" : "not set"}, and no Telemetry in ${namespace} or ${mesh.rootNamespace} configures accessLogging`;
  return [{ source: "mesh-config", text, path: mesh.source.path, line: mesh.source.line }];
}
