import { defineRule } from "../../engine/rule.js";
import type { Finding } from "../../model/finding.js";
import { containerChangeFix, objectFinding, type RuleMeta } from "./lib/report.js";
import { handlerOf, PROBE_FIELDS, portsOf, resolvePort } from "./lib/probes.js";
import { containersOf, isObject, workloadsOf } from "./lib/workloads.js";

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
      "A liveness, readiness or startup probe uses a named port the container does not define, a UDP port, or a number that differs from every declared containerPort. The probe can never connect (`connect: connection refused`, or the named port cannot be resolved), so liveness kills a healthy container and readiness keeps it out of its Service.",
    fix: "Point the probe at a port the container declares and the app listens on (use the port's name), or declare the port. Check the path and port locally first (`kubectl port-forward` then `curl`).",
    verify: meta.docs.verify,
    references: ["seed 001 section 3 row 20", "seed 001 section 10 (probe paths)", "seed 001 section 11.2"],
  },
  inputs: ["workloads"],
  scopes: ["lint", "diagnose"],
  analyze(view) {
    const findings: Finding[] = [];
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const ports = portsOf(ref.container);
        for (const field of PROBE_FIELDS) {
          const probe = ref.container[field];
          if (!isObject(probe)) continue;
          const handler = handlerOf(probe);
          if (!handler || handler.type === "exec" || handler.handler.port === undefined) continue;
          const resolved = resolvePort(ref.container, handler.handler.port);
          let problem: string | undefined;
          let severity: "error" | "warning" = "error";
          if (resolved.named && !resolved.declared) {
            problem = `uses the named port "${String(handler.handler.port)}", which container ${ref.name} does not declare${ports.length ? ` (it declares ${ports.map((p) => p.name ?? p.containerPort).join(", ")})` : ""}`;
          } else if (resolved.declared && resolved.declared.protocol === "UDP") {
            problem = `targets port ${resolved.declared.name ?? resolved.declared.containerPort}, which is declared as UDP; ${handler.type} probes connect over TCP`;
          } else if (!resolved.named && !resolved.declared && ports.length > 0 && resolved.number !== undefined) {
            problem = `targets port ${resolved.number}, but container ${ref.name} declares only ${ports.map((p) => p.containerPort).join(", ")}`;
            severity = "warning";
          }
          if (!problem) continue;
          const target = ports.find((p) => p.protocol !== "UDP");
          const fixedProbe = target ? { ...probe, [handler.type]: { ...handler.handler, port: target.name ?? target.containerPort } } : undefined;
          const kind = field.replace("Probe", "");
          findings.push(
            objectFinding(meta, view, workload.object, {
              field: [...ref.path, field, handler.type, "port"],
              container: ref.name,
              summary: `The ${kind} probe of container ${ref.name} ${problem}`,
              cause: `The kubelet probes a port nothing listens on, so every ${kind} check fails (\`${kind === "readiness" ? "Readiness" : kind === "startup" ? "Startup" : "Liveness"} probe failed: ... connect: connection refused\`).${field === "readinessProbe" ? " The pod never becomes Ready and its Service has no endpoints." : " The kubelet restarts the container again and again: CrashLoopBackOff."}`,
              severity,
              category: "bad-probe-config",
              confidence: severity === "error" ? 0.9 : 0.65,
              fix: fixedProbe
                ? containerChangeFix(view, workload, ref.name, { current: ref.container, set: { [field]: fixedProbe }, init: ref.init }, `Probe the declared port ${target!.name ?? target!.containerPort} (the port the app serves).`)
                : containerChangeFix(
                    view,
                    workload,
                    ref.name,
                    { current: ref.container, set: { ports: [{ name: typeof handler.handler.port === "string" ? handler.handler.port : "http", containerPort: typeof handler.handler.port === "number" ? handler.handler.port : 8080, protocol: "TCP" }] }, init: ref.init },
                    "Declare the port the app listens on, with the name the probe uses.",
                  ),
            }),
          );
        }
      }
    }
    return findings;
  },
});
