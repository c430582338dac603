import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { closest, findNamed, hasClusterContext, inNamespace, namesIn } from "../../k8s/lookup.js";
import { nestedChange, objectChangeFix, reportObject, type RuleMeta } from "./report.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { isObject, objects, str } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/ingress-backend-missing",
  category: "ingress-misconfigured",
  severity: "error",
  equivalents: ["kube-linter:dangling-ingress", "kube-score:ingress-targets-service", "popeye:POP-1401", "popeye:POP-1402"],
  docs: { verify: ["kubectl describe ingress <name> -n <namespace>", "kubectl get ingressclass", "curl -sv -H 'Host: <host>' http://<ingress address><path>"] },
};

interface Backend {
  service: string;
  port: unknown;
  path: (string | number)[];
}

function backendsOf(ingress: KubeObject): Backend[] {
  const backends: Backend[] = [];
  const read = (backend: unknown, path: (string | number)[]) => {
    if (!isObject(backend)) return;
    if (isObject(backend.service)) {
      const port = isObject(backend.service.port) ? (backend.service.port.number ?? backend.service.port.name) : undefined;
      if (str(backend.service.name)) backends.push({ service: str(backend.service.name)!, port, path: [...path, "service"] });
    } else if (str(backend.serviceName)) {
      backends.push({ service: str(backend.serviceName)!, port: backend.servicePort, path });
    }
  };
  read(ingress.spec?.defaultBackend ?? ingress.spec?.backend, ["spec", ingress.spec?.defaultBackend ? "defaultBackend" : "backend"]);
  objects(ingress.spec?.rules).forEach((rule, r) => {
    objects(isObject(rule.http) ? rule.http.paths : undefined).forEach((p, i) => read(p.backend, ["spec", "rules", r, "http", "paths", i, "backend"]));
  });
  return backends;
}

/** Point a backend at another Service: networking.k8s.io/v1 `service.name`, or the older `serviceName`. */
function renameBackend(view: ClusterView, ingress: KubeObject, backend: Backend, service: string) {
  const v1 = backend.path[backend.path.length - 1] === "service";
  const { before, after } = nestedChange(ingress, v1 ? [...backend.path, "name"] : [...backend.path, "serviceName"], () => service);
  return objectChangeFix(view, ingress, before, after, `Route to the existing Service "${service}".`);
}

function repointBackendPort(view: ClusterView, ingress: KubeObject, backend: Backend, port: Record<string, unknown>) {
  const v1 = backend.path[backend.path.length - 1] === "service";
  const { before, after } = v1
    ? nestedChange(ingress, [...backend.path, "port"], () => (port.name ? { name: port.name } : { number: port.port }))
    : nestedChange(ingress, [...backend.path, "servicePort"], () => port.name ?? port.port);
  return objectChangeFix(view, ingress, before, after, "Use a port the Service defines.");
}

export const ingressBackendMissingRule = defineRule({
  ...meta,
  title: "An Ingress names a class, Service or port that does not exist",
  docs: {
    cause:
      "An Ingress routes to a Service that does not exist, to a port the Service does not have, or names an IngressClass the cluster does not have. The controller answers 503/404 for those paths (`service \"x\" not found`), or no controller picks the Ingress up at all.",
    fix: "Point the backend at an existing Service and one of its ports (by name or number), and use an IngressClass the cluster has.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/services-networking/ingress/"],
  },
  inputs: ["manifests", "nodes", "services"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "class-missing": "Ingress {ingress} uses IngressClass \"{className}\", which does not exist (classes: {classes})",
    "service-missing": "Ingress {ingress} routes to Service \"{service}\", which does not exist{hint}",
    "port-missing": "Ingress {ingress} routes to port {port} of Service {service}, which has {ports}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const certain = hasClusterContext(view);
    const classes = view.kind("IngressClass").map((c) => c.metadata.name ?? "");
    for (const ingress of view.kind("Ingress")) {
      const namespace = ingress.metadata.namespace;
      const className = str(ingress.spec?.ingressClassName);
      if (className && classes.length > 0 && !classes.includes(className)) {
        const suggestion = closest(className, classes) ?? classes[0];
        reportObject(ctx, meta, ingress, {
          field: ["spec", "ingressClassName"],
          message: "class-missing",
          data: { ingress: ingress.metadata.name ?? "", className, classes: classes.join(", ") },
          cause: "No controller watches that class, so the Ingress gets no address and serves nothing.",
          confidence: 0.85,
          fix: () => objectChangeFix(view, ingress, { spec: { ingressClassName: className } }, { spec: { ingressClassName: suggestion } }, `Use the IngressClass "${suggestion}".`),
        });
      }
      const servicesKnown = certain || inNamespace(view, "Service", namespace).length > 0;
      for (const backend of backendsOf(ingress)) {
        const service = findNamed(view, "Service", namespace, backend.service);
        if (!service) {
          const suggestion = closest(backend.service, namesIn(view, "Service", namespace));
          reportObject(ctx, meta, ingress, {
            field: [...backend.path, backend.path[backend.path.length - 1] === "service" ? "name" : "serviceName"],
            message: "service-missing",
            data: { ingress: ingress.metadata.name ?? "", service: backend.service, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
            cause: `The controller has no endpoints for the path: requests get 503 (ingress-nginx logs \`service "${namespace ?? "<namespace>"}/${backend.service}" not found\`).`,
            severity: servicesKnown ? "error" : "warning",
            confidence: servicesKnown ? 0.85 : 0.55,
            fix: suggestion
              ? renameBackend(view, ingress, backend, suggestion)
              : { description: `Create Service "${backend.service}" for the backend pods, or route to one that exists.`, commands: [`kubectl get services${namespaceFlag(namespace)}`] },
          });
          continue;
        }
        if (backend.port === undefined) continue;
        const ports = objects(service.spec?.ports);
        const matches = ports.some((p) => (typeof backend.port === "number" || /^\d+$/.test(String(backend.port)) ? Number(p.port) === Number(backend.port) : p.name === backend.port));
        if (matches) continue;
        const first = ports[0];
        reportObject(ctx, meta, ingress, {
          field: backend.path,
          message: "port-missing",
          data: { ingress: ingress.metadata.name ?? "", port: String(backend.port), service: backend.service, ports: ports.map((p) => `${String(p.port)}${p.name ? ` (${String(p.name)})` : ""}`).join(", ") || "no ports" },
          cause: "The controller finds no such Service port and serves 503 for the path.",
          confidence: 0.85,
          evidence: [{ source: "manifest", text: `Service ${backend.service} ports: ${ports.map((p) => `${String(p.name ?? "")}:${String(p.port)}`).join(", ")}` }],
          fix: first ? repointBackendPort(view, ingress, backend, first) : undefined,
        });
      }
    }
  },
});
