import type { Fix } from "../../model/finding.js";
import { annotationFix, templateFix } from "../workload-fixes.js";
import { parseProxyConfigAnnotation } from "../../istio/mesh-config.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { type JsonObject } from "../../k8s/workloads.js";
import { logLineDetectors } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const sidecar = context.d.cause.detail.sidecar ?? "the sidecar";
  const port = context.d.cause.detail.port ?? "15000";
  const owner = context.owner;
  if (sidecar === "istio-proxy" && owner) {
    const path = owner.kind === "Pod" ? [] : owner.templatePath;
    const metadata = owner.object ? ((path.reduce<unknown>((node, key) => (node as JsonObject | undefined)?.[key], owner.object) as JsonObject | undefined)?.metadata as JsonObject | undefined) : undefined;
    const current = (metadata?.annotations as Record<string, string> | undefined)?.["proxy.istio.io/config"];
    // Keep what the annotation already sets; add the one field.
    const existing = current === undefined ? {} : (parseProxyConfigAnnotation(current).value ?? {});
    return annotationFix(
      owner,
      current === undefined ? {} : { "proxy.istio.io/config": current },
      { "proxy.istio.io/config": JSON.stringify({ ...existing, holdApplicationUntilProxyStarts: true }) },
      "Start the app only after istio-proxy is ready: set holdApplicationUntilProxyStarts for this workload (or mesh-wide in meshConfig.defaultConfig)",
    );
  }
  const probe = { exec: { command: ["sh", "-c", `nc -z localhost ${port}`] }, failureThreshold: 60, periodSeconds: 2 };
  if (owner && context.current) {
    const name = context.d.container?.name ?? "app";
    return templateFix(owner, { containers: [{ name, startupProbe: context.current.startupProbe ?? null }] }, { containers: [{ name, startupProbe: probe }] }, `Make the app wait for ${sidecar} (localhost:${port}): on Kubernetes >= 1.29 run ${sidecar} as a native sidecar (an init container with restartPolicy: Always, started and ready before the app), or retry in the app; a startupProbe that checks the sidecar's port keeps the kubelet patient`);
  }
  return { description: `The app starts before ${sidecar} is ready: order them (native sidecar, holdApplicationUntilProxyStarts for Istio) or retry in the app`, commands: [logsCommand(context.names)] };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const sidecarDependency = podCauseRule({
  id: "pod/sidecar-dependency",
  messages,
  category: "sidecar-dependency",
  detectors: [
    ...logLineDetectors("sidecar-dependency", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "The app starts before its sidecar is ready",
  docs: {
    cause: "The app connects through a sidecar in the same pod (istio-proxy, cloud-sql-proxy, vault agent) at localhost as soon as it starts; the sidecar is not ready yet, the connection is refused and the app exits.",
    fix: "Order the start-up: holdApplicationUntilProxyStarts for Istio, native sidecars (init containers with restartPolicy: Always) on Kubernetes >= 1.29, or a startupProbe and retries in the app.",
    verify: ["kubectl get pod <POD> -o jsonpath='{.status.containerStatuses[*].ready}'", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://istio.io/latest/docs/ops/common-problems/injection/"],
  },
  equivalents: [],
  explain(context) {
    return `The app connects to localhost:${context.d.cause.detail.port ?? "?"}, where ${context.d.cause.detail.sidecar ?? "its sidecar"} listens, before that sidecar is ready; the connection is refused and the app exits.`;
  },
  fix,
  verify: (n) => [`kubectl get pod ${n.pod}${n.ns} -o jsonpath='{range .status.containerStatuses[*]}{.name}{" ready="}{.ready}{" restarts="}{.restartCount}{"\\n"}{end}'`, logsCommand(n), ...restartVerify(n)],
});
