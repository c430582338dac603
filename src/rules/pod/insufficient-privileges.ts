import type { Fix } from "../../model/finding.js";
import { changeContainer, commandsOnly } from "./fixes/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { JsonObject } from "../../k8s/workloads.js";
import { BEFORE_START } from "./causes/competition.js";
import { claim, configReferenceReading, logLineDetectors, startFailureReading, worded } from "./causes/detectors.js";

const LOW_PORT_LIMIT = 1024;

function lowPort(context: FixContext): number | undefined {
  const port = Number(context.d.cause.detail.port);
  return Number.isFinite(port) && port > 0 && port < LOW_PORT_LIMIT ? port : undefined;
}

/** The capability a failing call needs, from the command in the log line. */
function neededCapability(text: string): string | undefined {
  if (/chown|changing ownership/i.test(text)) return "CHOWN";
  if (/setuid|setgid|setgroups|cannot set groups|su:|gosu|setpriv/i.test(text)) return "SETUID";
  if (/iptables|ip route|ip link|NET_ADMIN|netlink/i.test(text)) return "NET_ADMIN";
  if (/ping|raw socket/i.test(text)) return "NET_RAW";
  if (/chmod|changing permissions/i.test(text)) return "FOWNER";
  if (/mount/i.test(text)) return "SYS_ADMIN";
  return undefined;
}

function fix(context: FixContext): Fix {
  const { d, current } = context;
  if (d.cause.detail.subcause === "run-as-non-root") {
    const security = { ...(current?.securityContext ?? {}), runAsNonRoot: true, runAsUser: 10001 };
    return changeContainer(context, { securityContext: security }, `Give the container a numeric non-root user (runAsUser: 10001) so the kubelet can verify runAsNonRoot, or build the image with a numeric USER`);
  }
  const port = lowPort(context);
  if (port !== undefined) {
    const newPort = port === 80 ? 8080 : port === 443 ? 8443 : port + 8000;
    const ports = (current?.ports ?? []).map((p) => (p.containerPort === port ? { ...p, containerPort: newPort } : p));
    return changeContainer(
      context,
      { ports: ports.length ? ports : [{ containerPort: newPort }] },
      `A non-root process cannot bind port ${port} (< 1024) under containerd. Make the app listen on ${newPort} (e.g. nginx "listen ${newPort};" or the nginx-unprivileged image) and point the Service's targetPort at it; or add capabilities.add: ["NET_BIND_SERVICE"]`,
      [`kubectl patch service <SERVICE>${context.names.ns} --type json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":${newPort}}]'`],
    );
  }
  const capability = neededCapability(d.cause.match?.text ?? "");
  if (capability) {
    const security = { ...(current?.securityContext ?? {}), capabilities: { ...(current?.securityContext?.capabilities ?? {}), add: [...new Set([...(current?.securityContext?.capabilities?.add ?? []), capability])] } } as JsonObject;
    return changeContainer(context, { securityContext: security }, `Add only the capability the call needs (${capability}) and keep the rest dropped; better, change the image so it does not need it at start-up`);
  }
  return commandsOnly("The process is denied a privileged operation: find the call in the log and either grant the single capability it needs or remove the need from the image", [logsCommand(context.names)]);
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "cannot-start": "{container} cannot start",
  "run-as-non-root-refuses-user": "{container} is refused by runAsNonRoot: the image runs as the non-numeric user \"{user}\"",
  "run-as-non-root-refuses-root": "{container} is refused by runAsNonRoot: the image runs as root",
};

export const insufficientPrivileges = podCauseRule({
  id: "pod/insufficient-privileges",
  messages,
  category: "insufficient-privileges",
  detectors: [
    worded(messages, ["run-as-non-root-refuses-user", "run-as-non-root-refuses-root"], claim(BEFORE_START, "config-reference", "insufficient-privileges", configReferenceReading)),
    worded(messages, ["cannot-start"], claim(BEFORE_START, "start-failure", "insufficient-privileges", startFailureReading)),
    ...logLineDetectors("insufficient-privileges", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Operation not permitted: missing capability, runAsNonRoot conflict, low port as non-root",
  docs: {
    cause: "The container is denied a privileged operation: a non-root process binds a port below 1024 (containerd does not lower net.ipv4.ip_unprivileged_port_start), chown/setuid without the capability, iptables without NET_ADMIN, or runAsNonRoot with an image that runs as root or as a non-numeric user.",
    fix: "Listen on a port >= 1024 (and point the Service targetPort at it), add only the one capability the call needs, or give the container a numeric non-root runAsUser.",
    verify: ["kubectl exec <POD> -- id", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
  },
  equivalents: ["kube-linter:run-as-non-root", "polaris:runAsRootAllowed"],
  explain(context) {
    const port = lowPort(context);
    if (port !== undefined) return `The app runs as a non-root user and tries to bind port ${port}; ports below 1024 need root or NET_BIND_SERVICE, so bind() fails with permission denied.`;
    return `The process is not allowed to do what it tries${context.d.cause.match ? `: ${context.d.cause.match.text.trim().slice(0, 200)}` : ""}. The container lacks the capability or user it needs.`;
  },
  fix,
  verify: (n) => [`kubectl exec ${n.pod}${n.c}${n.ns} -- id`, logsCommand(n), ...restartVerify(n)],
});
