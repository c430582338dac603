import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import type { ProbeSpec } from "./causes/pod-types.js";
import { probeEvidence } from "./fixes/probe-fix.js";
import { CRASH, QUIET } from "./causes/competition.js";
import { claim, probeKillReading, readinessReading, worded } from "./causes/detectors.js";

/**
 * A health path the evidence points at: a Spring app's actuator (its logs or image say Spring), a web
 * server's root; never the path that already fails. Otherwise the evidence shows none.
 */
function likelyPath(context: FixContext, failing: string): string | undefined {
  const image = context.current?.image ?? "";
  const text = context.d.container?.logs.flatMap((s) => s.lines.slice(0, 200)).join("\n") ?? "";
  const path = /spring|actuator/i.test(text) || /spring/i.test(image) ? "/actuator/health" : /nginx|httpd|apache/i.test(image) ? "/" : undefined;
  return path === failing ? undefined : path;
}

const UNKNOWN_PATH = "<a path the app serves, checked with curl>";

function fix(context: FixContext): Fix {
  const failure = context.d.cause.probe;
  const kind = failure?.kind ?? "liveness";
  const probe = ((context.current?.[`${kind}Probe`] as ProbeSpec | undefined) ?? failure?.probe ?? {}) as ProbeSpec;
  const mode = failure?.mode;
  const ports = context.current?.ports ?? [];
  const port = failure?.listeningPort ?? ports[0]?.containerPort;
  let fixed: ProbeSpec;
  let words: string;
  if (mode === "status-4xx" && probe.httpGet) {
    const failing = probe.httpGet.path ?? "/";
    const path = likelyPath(context, failing);
    fixed = { ...probe, httpGet: { ...probe.httpGet, path: path ?? UNKNOWN_PATH } };
    words = `${failing} answers ${failure?.statusCode}: point the probe at a path the app serves without auth (${path ? `e.g. ${path}; ` : ""}check with port-forward + curl first)`;
  } else if (mode === "scheme" && probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? "HTTP").toUpperCase() === "HTTPS" ? "HTTP" : "HTTPS";
    fixed = { ...probe, httpGet: { ...probe.httpGet, scheme } };
    words = `The port speaks ${scheme}, the probe the other protocol: set scheme: ${scheme}`;
  } else if (mode === "exec") {
    fixed = { ...probe, exec: undefined, tcpSocket: { port: port ?? 8080 } } as ProbeSpec;
    words = "The probe's command is not in the image: use an httpGet/tcpSocket probe, or a command the image has";
  } else {
    const target = ports.find((p) => p.containerPort === port)?.name ?? port ?? 8080;
    fixed = probe.httpGet ? { ...probe, httpGet: { ...probe.httpGet, port: target } } : probe.tcpSocket ? { ...probe, tcpSocket: { port: target } } : { ...probe, tcpSocket: { port: target } };
    words = `${failure?.message ? "" : ""}Point the probe at the port the app listens on (${target})`;
  }
  return changeContainer(context, { [`${kind}Probe`]: fixed }, words, [
    `kubectl port-forward pod/${context.names.pod}${context.names.ns} ${port ?? 8080}:${port ?? 8080} & curl -i http://localhost:${port ?? 8080}${fixed.httpGet?.path === UNKNOWN_PATH ? "/<path>" : fixed.httpGet?.path ?? "/"}`,
  ]);
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "restarted-by-wrong-probe": "{container} is restarted by a {kind} probe that checks the wrong {checked}",
  "never-ready-probe-path-fails": "{container} never becomes Ready: its {kind} probe checks a path that answers {statusCode}",
  "never-ready-probe-wrong-scheme": "{container} never becomes Ready: its {kind} probe checks with the wrong scheme",
  "never-ready-probe-wrong-port": "{container} never becomes Ready: its {kind} probe checks the wrong port",
};

export const badProbeConfig = podCauseRule({
  id: "pod/bad-probe-config",
  messages,
  category: "bad-probe-config",
  detectors: [
    worded(messages, ["restarted-by-wrong-probe"], claim(CRASH, "probe-kill", "bad-probe-config", probeKillReading)),
    worded(messages, ["never-ready-probe-path-fails", "never-ready-probe-wrong-scheme", "never-ready-probe-wrong-port"], claim(QUIET, "readiness", "bad-probe-config", readinessReading)),
  ],
  title: "Probe checks a path, port or scheme the app does not serve",
  docs: {
    cause: "The probe itself is wrong: its HTTP path answers 404 (or 401/403), its port is not the one the app listens on or a port name no containerPort declares (connection refused), its scheme is HTTP against HTTPS or the reverse, or its exec command is not in the image. The app may be fine; the kubelet kills it (liveness) or keeps it out of the Service (readiness) forever.",
    fix: "Point the probe at a path and port the app really serves, verified with port-forward + curl before deploying.",
    verify: ["kubectl port-forward pod/<POD> 8080:8080 && curl -i http://localhost:8080/<PATH>", 'kubectl describe pod <POD> | grep -A3 -E "Liveness|Readiness"', "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"],
  },
  equivalents: ["k8sgpt:Pod", "kube-score:pod-probes"],
  extraEvidence: probeEvidence,
  fix,
  verify: (n, context) => {
    const failure = context.d.cause.probe;
    const port = failure?.listeningPort ?? context.current?.ports?.[0]?.containerPort ?? 8080;
    return [
      `kubectl port-forward pod/${n.pod}${n.ns} ${port}:${port} & curl -i http://localhost:${port}${failure?.probe?.httpGet?.path ?? "/"}`,
      `kubectl describe pod ${n.pod}${n.ns} | grep -A3 -E "Liveness|Readiness|Startup"`,
      ...restartVerify(n),
    ];
  },
});
