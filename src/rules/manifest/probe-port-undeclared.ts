import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { handlerOf, PROBE_FIELDS, portsOf, resolvePort } from "../../k8s/probes.js";
import { containersOf, isObject, workloadsOf } from "../../k8s/pod-templates.js";
import { nearestWithin } from "../../util/suggest.js";

const meta: RuleMeta = {
  id: "manifest/probe-port-undeclared",
  category: "bad-probe-config",
  severity: "error",
  equivalents: ["kube-linter:liveness-port", "kube-linter:readiness-port", "kube-linter:startup-port"],
  docs: {
    verify: [
      "kubectl port-forward deploy/<name> -n <namespace> <port>:<port> & curl -sv http://localhost:<port><path>",
      "kubectl describe pod <pod> -n <namespace> | grep -E 'Liveness|Readiness|Startup|Unhealthy'",
    ],
  },
};

export const probePortUndeclaredRule = defineRule({
  ...meta,
  title: "A probe targets a port the container does not declare",
  docs: {
    cause:
      "A liveness, readiness or startup probe uses a named port the container does not define, or a port declared as UDP. The kubelet cannot resolve the named port (or gets no TCP answer), so every check fails: liveness kills a healthy container and readiness keeps it out of its Service. A numeric port needs no declared containerPort: apps often serve health on a port they do not list (CoreDNS on 8080 and 8181).",
    fix: "When the name is a typo of a declared port's name, point the probe at that name (renaming the port would break Services that target it by name). Otherwise declare the named port with the port number the app serves the probe on, or use that number in the probe. Check the path and port locally first (`kubectl port-forward` then `curl`).",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "port-undeclared": "The {kind} probe of container {container} {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const ports = portsOf(ref.container);
        for (const field of PROBE_FIELDS) {
          const probe = ref.container[field];
          if (!isObject(probe)) continue;
          const handler = handlerOf(probe);
          if (!handler || handler.type === "exec" || handler.handler.port === undefined) continue;
          const resolved = resolvePort(ref.container, handler.handler.port);
          // A numeric probe port needs no declared containerPort: the kubelet connects to the pod IP and port directly
          // (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/).
          let problem: string | undefined;
          if (resolved.named && !resolved.declared) {
            problem = `uses the named port "${String(handler.handler.port)}", which container ${ref.name} does not declare${ports.length ? ` (it declares ${ports.map((p) => p.name ?? p.containerPort).join(", ")})` : ""}`;
          } else if (resolved.declared && resolved.declared.protocol === "UDP") {
            problem = `targets port ${resolved.declared.name ?? resolved.declared.containerPort}, which is declared as UDP; ${handler.type} probes connect over TCP`;
          }
          if (!problem) continue;
          const portName = typeof handler.handler.port === "string" ? handler.handler.port : undefined;
          // A near miss of a declared TCP port's name is a typo in the probe: renaming or adding a port would break what uses the declared name.
          const declaredNames = ports.filter((port) => port.protocol !== "UDP" && typeof port.name === "string").map((port) => port.name as string);
          const meant = portName && !resolved.declared ? nearestWithin(portName, declaredNames, 2) : undefined;
          const kind = field.replace("Probe", "");
          reportObject(ctx, meta, workload.object, {
            field: [...ref.path, field, handler.type, "port"],
            container: ref.name,
            message: "port-undeclared",
            data: { kind, container: ref.name, problem },
            cause: `The kubelet probes a port nothing listens on, so every ${kind} check fails (\`${kind === "readiness" ? "Readiness" : kind === "startup" ? "Startup" : "Liveness"} probe failed: ... connect: connection refused\`).${field === "readinessProbe" ? " The pod never becomes Ready and its Service has no endpoints." : " The kubelet restarts the container again and again: CrashLoopBackOff."}`,
            category: "bad-probe-config",
            confidence: 0.9,
            // Which port serves the probe is not in the manifest: the fix says what it needs instead of guessing a port.
            fix: meant
              ? containerChangeFix(
                  view,
                  workload,
                  ref.name,
                  { current: ref.container, set: { [field]: { ...probe, [handler.type]: { ...handler.handler, port: meant } } }, init: ref.init },
                  `Point the probe at the declared port "${meant}": "${portName}" is one typo away from it.`,
                )
              : portName && !resolved.declared
              ? containerChangeFix(
                  view,
                  workload,
                  ref.name,
                  { current: ref.container, set: { ports: [...(Array.isArray(ref.container.ports) ? ref.container.ports : []), { name: portName, containerPort: "<the TCP port the app serves this probe on>" }] }, init: ref.init },
                  `Declare the port named "${portName}" with the TCP port the app serves the probe on, or point the probe at that port number.`,
                )
              : containerChangeFix(
                  view,
                  workload,
                  ref.name,
                  { current: ref.container, set: { [field]: { ...probe, [handler.type]: { ...handler.handler, port: "<the TCP port the app serves this probe on>" } } }, init: ref.init },
                  "Probe the TCP port the app serves its health check on; a UDP port cannot answer a TCP or HTTP probe.",
                ),
          });
        }
      }
    }
  },
});
