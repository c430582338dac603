import { defineRule } from "../../contract/rule.js";
import { closest } from "../../k8s/lookup.js";
import { portsOf } from "../../k8s/probes.js";
import { objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import { selectedBy, serviceSelector } from "../../k8s/services.js";
import { containersOf, objects, str } from "../../k8s/pod-templates.js";
import { ISTIO_NAMESPACE } from "../../istio/istiod.js";
import type { KubeObject } from "../../model/kube.js";
import type { ClusterView } from "../../view/cluster-view.js";

const meta: RuleMeta = {
  id: "manifest/service-target-port-undeclared",
  category: "service-without-endpoints",
  severity: "error",
  equivalents: ["popeye:POP-1106", "kube-linter:invalid-target-ports", "KIA0701"],
  docs: { verify: ["kubectl get endpointslices -n <namespace> -l kubernetes.io/service-name=<service> -o wide", "kubectl port-forward svc/<service> -n <namespace> <port>:<port>"] },
};

const WITHOUT_KIALI = meta.equivalents.filter((code) => code !== "KIA0701");

/**
 * Kiali's KIA0701 judges the same ports, except on the control plane's and gateways' Services, and only against a
 * Deployment; it compares numbers without the protocol.
 */
function kialiJudges(view: ClusterView, service: KubeObject, owners: ReadonlyArray<{ kind: string }>): boolean {
  const namespace = service.metadata.namespace ?? "";
  const labels = service.metadata.labels ?? {};
  if (namespace === ISTIO_NAMESPACE || view.kindIn("Deployment", namespace).some((d) => d.metadata.labels?.app === "istiod")) return false;
  if (labels["gateway.istio.io/managed"] !== undefined || labels["gateway.networking.k8s.io/gateway-name"] !== undefined || labels["operator.istio.io/component"] !== undefined) return false;
  if (labels.istio === "ingressgateway" || labels.istio === "egressgateway") return false;
  return owners.some((owner) => owner.kind === "Deployment");
}

const IANA_SVC_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const serviceTargetPortUndeclaredRule = defineRule({
  ...meta,
  title: "A Service's targetPort is not a port its pods declare",
  docs: {
    cause:
      "The Service forwards to a targetPort that the selected containers do not expose: a port name no container defines (the endpoints stay empty), or a number other than every declared containerPort (connections are refused). Traffic never reaches the app.",
    fix: "Set targetPort to the name (preferred) or number of the containerPort the app listens on.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/services-networking/service/"],
  },
  inputs: ["services", "workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "EndpointSlice", "Endpoints", "Job", "Pod", "ReplicaSet", "ReplicationController", "Service", "ServiceEntry", "StatefulSet", "WorkloadEntry"],
  requires: ["services", "workloads"],
  scopes: ["lint", "diagnose"],
  messages: {
    "target-port-invalid-name": "Service {service} port {port}: targetPort \"{target}\" is not a valid port name",
    "target-port-undeclared": "Service {service} port {port} {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const service of view.kind("Service")) {
      const selector = serviceSelector(service);
      if (!selector || service.spec?.type === "ExternalName") continue;
      const targets = selectedBy(view, service.metadata.namespace, selector).filter((s) => s.workload);
      const servicePorts = objects(service.spec?.ports);
      servicePorts.forEach((port, index) => {
        const target = port.targetPort ?? port.port;
        const field = ["spec", "ports", index, port.targetPort !== undefined ? "targetPort" : "port"];
        if (typeof target === "string" && !/^\d+$/.test(target) && !IANA_SVC_NAME.test(target)) {
          reportObject(ctx, meta, service, {
            field,
            message: "target-port-invalid-name",
            data: { service: service.metadata.name ?? "", port: String(port.name ?? port.port), target },
            cause: "Port names must be IANA service names (lower-case letters, digits and '-', at most 15 characters, at least one letter); the API server rejects the Service.",
            category: "config-schema-error",
            confidence: 0.9,
            equivalents: WITHOUT_KIALI,
          });
          return;
        }
        if (targets.length === 0) return;
        const containers = targets.flatMap((t) => containersOf(t.workload!).filter((c) => !c.init).map((c) => ({ ...c, owner: t })));
        const declared = containers.flatMap((c) => portsOf(c.container).map((p) => ({ ...p, container: c.name, owner: c.owner })));
        const protocol = str(port.protocol) ?? "TCP";
        let problem: string | undefined;
        let severity: "error" | "info" = "error";
        if (typeof target === "string" && !/^\d+$/.test(target)) {
          if (!declared.some((p) => p.name === target)) problem = `names port "${target}", which no container of ${targets.map((t) => `${t.kind} ${t.name}`).join(", ")} declares`;
        } else if (declared.length > 0 && !declared.some((p) => p.containerPort === Number(target) && p.protocol === protocol)) {
          problem = `targets ${protocol} port ${String(target)}, but the selected containers declare ${declared.map((p) => `${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ""}`).join(", ")}`;
          // A numeric targetPort reaches the pod whether or not a containerPort declares it (istiod serves 15014, the
          // OpenTelemetry collector 4318, undeclared): a note, not a failure.
          severity = "info";
        }
        if (!problem) return;
        const kialiFlags = kialiJudges(view, service, targets) && (severity === "error" || !declared.some((p) => p.containerPort === Number(target)));
        // Only a near miss of a declared name says which port was meant; another declared port may speak another protocol.
        const suggestion = severity === "error" && typeof target === "string" ? declared.find((p) => p.protocol === protocol && p.name !== undefined && closest(target, [p.name]) !== undefined) : undefined;
        reportObject(ctx, meta, service, {
          field,
          message: "target-port-undeclared",
          data: { service: service.metadata.name ?? "", port: String(port.name ?? port.port), problem },
          cause: severity === "error" ? "A named targetPort that no container defines gives the Service no endpoints for that port: connections fail although the pods are Ready." : "The Service sends traffic to a port the app does not declare; unless the app also listens there undeclared, connections are refused.",
          severity,
          confidence: severity === "error" ? 0.85 : 0.6,
          equivalents: kialiFlags ? meta.equivalents : WITHOUT_KIALI,
          evidence: declared.slice(0, 4).map((p) => ({ source: "manifest", text: `${p.owner.kind} ${p.owner.name} container ${p.container} declares ${p.containerPort}/${p.protocol}${p.name ? ` name ${p.name}` : ""}` })),
          fix: suggestion
            ? objectChangeFix(view, service, { spec: { ports: servicePorts } }, { spec: { ports: servicePorts.map((p) => (p === port ? { ...port, targetPort: suggestion.name ?? suggestion.containerPort } : p)) } }, `Target the declared port ${suggestion.name ?? suggestion.containerPort} (the name "${String(target)}" looks misspelt).`)
            : severity === "error"
              ? objectChangeFix(view, service, { spec: { ports: servicePorts } }, { spec: { ports: servicePorts.map((p) => (p === port ? { ...port, targetPort: "<the name or number of the container port the app serves this on>" } : p)) } }, "Target the container port the app serves this Service port on, or declare that port with this name in the container.")
              : { description: "If the app listens on this port (undeclared ports are reachable), nothing to change; declaring it as a containerPort documents it.", commands: [] },
        });
      });
    }
  },
});
