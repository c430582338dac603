import type { Fix } from "../../model/finding.js";
import { changeContainer, commandsOnly } from "./fixes/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { logLineDetectors } from "./causes/detectors.js";

function port(context: FixContext): number | undefined {
  const value = Number(context.d.cause.detail.port ?? /:(\d{2,5})\b/.exec(context.d.cause.match?.text ?? "")?.[1]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Who else holds the port: another container of the pod, or the node when hostNetwork is on. */
function holder(context: FixContext): string | undefined {
  const p = port(context);
  if (p === undefined) return undefined;
  const other = context.d.pod.containers.find((c) => c !== context.d.container && (c.spec?.ports ?? []).some((x) => x.containerPort === p));
  if (other) return `container ${other.name} of the same pod declares port ${p}`;
  if (context.podSpec?.hostNetwork) return `the pod uses hostNetwork, so port ${p} is shared with every process on the node`;
  return undefined;
}

function fix(context: FixContext): Fix {
  const p = port(context);
  const who = holder(context);
  if (context.podSpec?.hostNetwork && p !== undefined) {
    return commandsOnly(`Port ${p} is taken on the node (hostNetwork): move the app to a free port or drop hostNetwork`, [`kubectl debug node/<NODE> -it --image=busybox:1.36 -- netstat -tlnp | grep :${p}`]);
  }
  if (p !== undefined) {
    const next = p + 1;
    const ports = (context.current?.ports ?? []).map((x) => (x.containerPort === p ? { ...x, containerPort: next } : x));
    return changeContainer(context, { ports: ports.length ? ports : [{ containerPort: next }] }, `${who ? `${who[0]!.toUpperCase()}${who.slice(1)}. ` : ""}Two listeners want port ${p} in one network namespace: move one of them (e.g. to ${next}, set in the app's own config too) and keep containerPort and the Service targetPort in step`);
  }
  return commandsOnly("Two processes in the pod's network namespace want the same port: change one of them and keep containerPort and the Service targetPort in step", [logsCommand(context.names)]);
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const portInUse = podCauseRule({
  id: "pod/port-in-use",
  messages,
  category: "port-in-use",
  detectors: [
    ...logLineDetectors("port-in-use", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Port already in use (address already in use)",
  docs: {
    cause: "The app cannot bind its port because another process in the same network namespace holds it: another container of the pod (they share localhost), a second listener configured inside the app, or the node itself when hostNetwork is on.",
    fix: "Change one listener's port, keep containerPort and the Service's targetPort in step, and remove duplicate listeners.",
    verify: ["kubectl exec <POD> -- netstat -tlnp", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"],
  },
  equivalents: [],
  explain(context) {
    const p = port(context);
    const who = holder(context);
    return `The app cannot listen on ${p !== undefined ? `port ${p}` : "its port"}: the address is already in use${who ? ` (${who})` : ""}.`;
  },
  fix,
  verify: (n) => [`kubectl exec ${n.pod}${n.c}${n.ns} -- netstat -tlnp`, logsCommand(n), ...restartVerify(n)],
});
