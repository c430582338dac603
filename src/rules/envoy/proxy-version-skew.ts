import { defineRule } from "../../contract/rule.js";
import { hasLineNumbers } from "../../envoy/proxy-status.js";
import { envoyData } from "../../envoy/view-data.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

function minor(version: string): string {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? `${match[1]}.${match[2]}` : version;
}

function compareVersions(a: string, b: string): number {
  const left = a.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) if ((left[i] ?? 0) !== (right[i] ?? 0)) return (left[i] ?? 0) - (right[i] ?? 0);
  return 0;
}

/** istiod's version from the view: proxy-status JSON, or the pilot image tag of the istiod Deployment. */
function istiodVersion(view: Parameters<typeof envoyData>[0], fromStatus: Record<string, string>): string | undefined {
  const versions = Object.values(fromStatus);
  if (versions.length > 0) return versions.sort(compareVersions).pop();
  for (const deployment of view.kind("Deployment")) {
    if (!deployment.metadata.name?.startsWith("istiod")) continue;
    const image = (deployment.spec?.template?.spec?.containers as Array<{ image?: string }> | undefined)?.[0]?.image ?? "";
    const tag = /:(\d+\.\d+\.\d+[^@]*)/.exec(image);
    if (tag) return tag[1];
  }
  return undefined;
}

export const proxyVersionSkew = defineRule({
  id: "envoy/proxy-version-skew",
  category: "proxy-config-stale",
  severity: "warning",
  title: "A proxy runs another Istio version than istiod",
  docs: {
    cause: "The proxy's Istio version (VERSION in istioctl proxy-status) differs from istiod's, usually because the pod was not restarted after an Istio upgrade. Istio supports a data plane one minor version behind the control plane; older proxies may misread new config.",
    fix: "Restart the workload so the injector gives it the current sidecar (kubectl rollout restart), after checking its namespace's injection label or revision.",
    verify: ["istioctl proxy-status", "istioctl version"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/", "https://istio.io/latest/docs/releases/supported-releases/"],
  },
  equivalents: [],
  inputs: ["proxy-status", "workloads"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose"],
  messages: {
    "differs-from-istiod": "proxy {proxy} runs Istio {version}, istiod runs {reference}",
    "differs-from-newest-proxy": "proxy {proxy} runs Istio {version}, the newest proxy runs {reference}",
  },
  analyze({ view, report }) {
    for (const { table, origin } of envoyData(view).proxyStatus) {
      const proxyVersions = table.rows.map((row) => row.version).filter((version): version is string => Boolean(version) && version !== "-");
      const reference = istiodVersion(view, table.istiodVersions) ?? proxyVersions.sort(compareVersions)[proxyVersions.length - 1];
      if (!reference) continue;
      const fromIstiod = Boolean(istiodVersion(view, table.istiodVersions));
      for (const row of table.rows) {
        if (!row.version || row.version === "-" || minor(row.version) === minor(reference)) continue;
        const behind = compareVersions(row.version, reference) < 0;
        report({
          message: fromIstiod ? "differs-from-istiod" : "differs-from-newest-proxy",
          data: { proxy: row.proxy, version: row.version, reference },
          confidence: fromIstiod ? 0.9 : 0.7,
          resource: { kind: "Pod", namespace: row.namespace, name: row.pod, container: "istio-proxy", file: origin.file },
          evidence: [{ source: "proxy-status", text: `${row.proxy} VERSION ${row.version}; ${fromIstiod ? `istiod ${reference}` : `other proxies up to ${reference}`}`, path: origin.file, line: hasLineNumbers(table) ? row.line : undefined }],
          cause: `The proxy is ${behind ? "older" : "newer"} than ${fromIstiod ? "istiod" : "the rest of the mesh"} (${row.version} vs ${reference})${behind ? ": its pod was not restarted after the control plane upgrade" : ""}.`,
          fix: {
            description: "Restart the workload so it gets the current sidecar image.",
            commands: row.namespace ? [`kubectl get pod ${row.pod}${namespaceFlag(row.namespace)} -o jsonpath='{.metadata.ownerReferences[0].name}'`, `kubectl rollout restart deployment/<owner>${namespaceFlag(row.namespace)}`] : ["kubectl rollout restart deployment/<owner> -n <namespace>"],
          },
        });
      }
    }
  },
});
