import { defineRule } from "../../contract/rule.js";
import type { Evidence } from "../../model/finding.js";
import { ns, specEvidence } from "./evidence.js";
import { kubectlRef } from "../../k8s/workload-changes.js";
import { annotationFix } from "../workload-fixes.js";
import { proxyConfigProblems, proxyConfigResourceProblems, sidecarAnnotationProblems } from "../../istio/annotation-values.js";
import { meshSubjects } from "../../istio/mesh-subjects.js";

export const proxyConfigError = defineRule({
  id: "sidecar/proxy-config-error",
  category: "sidecar-config-error",
  severity: "error",
  title: "Invalid proxy.istio.io/config, sidecar annotations or ProxyConfig",
  docs: {
    cause:
      "The injector builds istio-proxy from the pod's sidecar.istio.io/*, proxy.istio.io/config and traffic.sidecar.istio.io/* annotations, the mesh's defaultConfig and ProxyConfig resources. " +
      "A misspelt annotation is silently ignored; a malformed value (a quantity that does not parse, a ProxyConfig that is not valid YAML or has unknown fields) " +
      "makes injection fail or gives the proxy a configuration it cannot start with.",
    fix: "Correct the annotation names and values on the pod template (or the ProxyConfig resource), then roll the workload out so the pods are injected again.",
    verify: ["kubectl get pod <pod> -n <ns>   # READY 2/2", "istioctl analyze -n <ns>   # no IST0108/IST0125", "kubectl logs <pod> -n <ns> -c istio-proxy"],
    references: ["https://istio.io/latest/docs/reference/config/annotations/", "https://istio.io/latest/docs/reference/config/networking/proxy-config/"],
  },
  equivalents: ["IST0108", "IST0125"],
  inputs: ["workloads", "istio", "mesh-config", "pods", "config"],
  reads: ["ConfigMap", "CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ProxyConfig", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["diagnose", "lint"],
  messages: {
    "annotation-invalid": "sidecar annotation {keys} invalid",
    "annotation-unknown": "sidecar annotation {keys} unknown",
    "annotations-invalid": "{count} sidecar annotations {keys} invalid",
    "annotations-unknown": "{count} sidecar annotations {keys} unknown",
    "proxy-config-invalid": "ProxyConfig {name}: {problem}",
    "default-config-invalid": "meshConfig.defaultConfig: {problem}",
  },
  analyze({ view, report }) {
    const seenOwners = new Set<string>();
    for (const subject of meshSubjects(view)) {
      const problems = sidecarAnnotationProblems(subject.annotations);
      if (problems.length === 0) continue;
      const ownerKey = `${subject.owner.kind}/${subject.namespace}/${subject.owner.name}`;
      if (seenOwners.has(ownerKey)) continue;
      seenOwners.add(ownerKey);
      const evidence: Evidence[] = problems.map((problem) =>
        specEvidence(view, subject.object, [...subject.metadataPath, "annotations", problem.key], `annotation ${problem.key}: ${JSON.stringify(problem.value)}: ${problem.problem}`),
      );
      const before: Record<string, string> = {};
      const after: Record<string, string> = {};
      for (const problem of problems) {
        before[problem.key] = problem.value;
        if (problem.suggestion) after[problem.suggestion] = problem.value;
      }
      const malformed = problems.filter((problem) => !problem.unknown);
      const description = [
        ...problems.filter((problem) => problem.suggestion).map((problem) => `rename ${problem.key} to ${problem.suggestion}`),
        ...problems.filter((problem) => problem.unknown && !problem.suggestion).map((problem) => `remove ${problem.key} (not an Istio annotation)`),
        ...malformed.map((problem) => `fix ${problem.key}: ${problem.problem}`),
      ].join("; ");
      const nullPatch = Object.fromEntries(problems.filter((problem) => problem.unknown).map((problem) => [problem.key, null]));
      const fix = annotationFix(subject.owner, before, { ...after, ...Object.fromEntries(malformed.map((problem) => [problem.key, "<valid value>"])) }, `${description[0]?.toUpperCase() ?? ""}${description.slice(1)}; then roll the workload out so the pods are injected again.`);
      if (Object.keys(nullPatch).length > 0 && subject.owner.kind !== "Pod" && subject.owner.kind !== "Job") {
        fix.commands.unshift(`kubectl patch ${kubectlRef(subject.owner)}${ns(subject.namespace)} --type merge -p '${JSON.stringify({ spec: { template: { metadata: { annotations: nullPatch } } } })}'   # removes the misspelt keys`);
      }
      report({
        severity: malformed.length > 0 ? "error" : "warning",
        confidence: 0.9,
        object: subject.object, fieldPath: [...subject.metadataPath, "annotations", problems[0]!.key],
        message: problems.length === 1 ? (malformed.length > 0 ? "annotation-invalid" : "annotation-unknown") : malformed.length > 0 ? "annotations-invalid" : "annotations-unknown",
        data: { count: problems.length, keys: problems.map((problem) => problem.key).join(", ") },
        evidence,
        cause: problems.map((problem) => `${problem.key}: ${problem.problem}`).join(". ") + ". The injector reads these annotations when it creates the sidecar, so the proxy does not get the settings they were meant to give.",
        fix,
        verify: [`kubectl get pods${ns(subject.namespace)}   # READY 2/2`, `istioctl analyze${ns(subject.namespace)}`, `kubectl logs ${subject.pod ? subject.pod.metadata.name : kubectlRef(subject.owner)}${ns(subject.namespace)} -c istio-proxy`],
        equivalents: problems.some((problem) => problem.unknown) ? ["IST0108"] : ["IST0125"],
      });
    }

    for (const proxyConfig of view.kind("ProxyConfig")) {
      const problems = proxyConfigResourceProblems(proxyConfig.spec as Record<string, unknown> | undefined);
      if (problems.length === 0) continue;
      const namespace = proxyConfig.metadata.namespace;
      report({
        confidence: 0.85,
        object: proxyConfig, fieldPath: problems[0]!.path,
        message: "proxy-config-invalid",
        data: { name: String(proxyConfig.metadata.name), problem: problems[0]!.problem },
        evidence: problems.map((problem) => specEvidence(view, proxyConfig, problem.path, problem.problem)),
        cause: `The ProxyConfig resource is invalid: ${problems.map((problem) => problem.problem).join("; ")}. The proxies it selects do not get the settings it was meant to give.`,
        fix: {
          description: "Correct the ProxyConfig spec (selector, concurrency, environmentVariables with string values, image.imageType default|debug|distroless), then restart the selected workloads.",
          commands: [`kubectl edit proxyconfig ${proxyConfig.metadata.name}${ns(namespace)}`, `kubectl rollout restart deployment${ns(namespace)}   # proxies read ProxyConfig at start`],
        },
        verify: [`istioctl analyze${ns(namespace)}`, `kubectl get proxyconfig ${proxyConfig.metadata.name}${ns(namespace)} -o yaml`],
        equivalents: [],
      });
    }

    const defaultConfig = view.meshConfig?.defaultConfig;
    if (defaultConfig) {
      const problems = proxyConfigProblems(defaultConfig);
      const configMap = view.get("ConfigMap", "istio-system", "istio");
      if (problems.length > 0 && configMap) {
        report({
          confidence: 0.8,
          object: configMap, fieldPath: ["data", "mesh"],
          message: "default-config-invalid",
          data: { problem: String(problems[0]) },
          evidence: problems.map((problem) => specEvidence(view, configMap, ["data", "mesh"], `meshConfig.defaultConfig: ${problem}`)),
          cause: `The mesh-wide proxy defaults in the istio ConfigMap are invalid (${problems.join("; ")}); every proxy injected from now on inherits them.`,
          fix: {
            description: "Correct meshConfig.defaultConfig (in the IstioOperator/Helm values that generate the istio ConfigMap), then restart the workloads.",
            commands: ["kubectl edit configmap istio -n istio-system", "istioctl install -f <your IstioOperator file>   # when the mesh is managed by istioctl"],
          },
          verify: ["kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}'", "istioctl analyze -A"],
          equivalents: [],
        });
      }
    }
  },
});
