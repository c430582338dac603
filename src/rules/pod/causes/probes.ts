import type { Evidence } from "../../../model/finding.js";
import type { EventRecord } from "../../../model/inputs.js";
import { eventEvidence, terminatedEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import type { ProbeSpec, TerminatedState } from "./pod-types.js";
import { parseQuantity } from "../../../k8s/quantities.js";
import { type Cause, type ProbeFailure, type ProbeKind, displayContainer, events, strongest } from "./cause.js";

/** Liveness and startup probe kills: a wrong probe, a CPU limit too small to start in time, or a probe too tight for the app. */

const STARTED_IN = /Started \S+ in (\d+(?:\.\d+)?) seconds|startup took (\d+(?:\.\d+)?)s|started in (\d+(?:\.\d+)?)s/i;
const LISTENING = /(?:listening|listen|serving|started server|server started|running) (?:on|at)\b[^\d]{0,40}?(?:[\w.-]*:)?(\d{2,5})\b|Tomcat (?:started|initialized) on port\(?s?\)?:? (\d+)|port[:= ]+(\d{2,5})\b.{0,20}(?:listening|ready)/i;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))\s/;

/** Start-up time and listening port from the log: `Started App in 45.2 seconds`, timestamps around `listening on :8080`. */
export function startupFromLogs(container: ContainerContext): { seconds?: number; port?: number; statedSeconds?: number } {
  const result: { seconds?: number; port?: number; statedSeconds?: number } = {};
  for (const stream of container.logs) {
    let firstTime: number | undefined;
    const limit = Math.min(stream.lines.length, 5000);
    for (let index = 0; index < limit; index++) {
      const line = stream.lines[index]!;
      const stamp = TIMESTAMP.exec(line);
      if (stamp && firstTime === undefined) firstTime = Date.parse(stamp[1]!);
      const started = STARTED_IN.exec(line);
      if (started && result.statedSeconds === undefined) result.statedSeconds = Number(started[1] ?? started[2] ?? started[3]);
      if (started && result.seconds === undefined) result.seconds = result.statedSeconds;
      const listening = LISTENING.exec(line);
      if (listening && result.port === undefined) {
        result.port = Number(listening[1] ?? listening[2] ?? listening[3]);
        if (result.seconds === undefined && stamp && firstTime !== undefined) {
          const took = (Date.parse(stamp[1]!) - firstTime) / 1000;
          if (took > 0) result.seconds = took;
        }
      }
    }
  }
  return result;
}

export function probeBudgetSeconds(probe: ProbeSpec | undefined): number {
  return (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
}

export function probePort(probe: ProbeSpec | undefined): number | string | undefined {
  return probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
}

export function probeMode(message: string): { mode: ProbeFailure["mode"]; statusCode?: number } {
  const status = /statuscode: (\d{3})/i.exec(message);
  if (status) return { mode: Number(status[1]) >= 500 ? "status-5xx" : "status-4xx", statusCode: Number(status[1]) };
  if (/server gave HTTP response to HTTPS client|first record does not look like a TLS handshake|malformed HTTP response|http: server gave HTTP response/i.test(message)) return { mode: "scheme" };
  if (/connection refused|connect: connection reset|no route to host|EOF$/i.test(message)) return { mode: "refused" };
  if (/context deadline exceeded|Client\.Timeout|timeout|timed out|DeadlineExceeded/i.test(message)) return { mode: "timeout" };
  if (/exec|OCI runtime|executable file not found|command not found|can't open|No such file/i.test(message)) return { mode: "exec" };
  return { mode: "other" };
}

export function probeFailures(container: ContainerContext, kind: ProbeKind): EventRecord[] {
  const label = kind[0]!.toUpperCase() + kind.slice(1);
  return events(container, /^Unhealthy$/, new RegExp(`^${label} probe (?:failed|errored)`));
}

/** Whether the probe's port is one the container declares or, by the log, listens on. */
export function probePortMismatch(container: ContainerContext, probe: ProbeSpec | undefined, listeningPort: number | undefined): string | undefined {
  const port = probePort(probe);
  if (port === undefined) return undefined;
  const ports = container.spec?.ports ?? [];
  if (typeof port === "string" && !/^\d+$/.test(port)) {
    return ports.some((p) => p.name === port) ? undefined : `the probe uses the port name "${port}", which no containerPort of ${container.name} declares`;
  }
  const number = Number(port);
  if (listeningPort !== undefined && listeningPort !== number) return `the probe checks port ${number} but the log says the app listens on ${listeningPort}`;
  if (ports.length > 0 && !ports.some((p) => p.containerPort === number)) return `the probe checks port ${number} but the container declares ${ports.map((p) => p.containerPort).join(", ")}`;
  return undefined;
}

export function cpuLimitCores(container: ContainerContext): number | undefined {
  return parseQuantity(container.spec?.resources?.limits?.cpu);
}

export function probeKillCause(container: ContainerContext, terminated: TerminatedState | undefined): Cause | undefined {
  const killing = events(container, /^Killing$/, /failed (liveness|startup) probe/i);
  const kinds: ProbeKind[] = ["startup", "liveness"];
  let kind: ProbeKind | undefined = killing.length ? (/startup/i.test(killing[0]!.message) ? "startup" : "liveness") : undefined;
  const exitByKill = terminated && [137, 143, 0, 2, 1].includes(terminated.exitCode ?? -1) && terminated.reason !== "OOMKilled";
  if (!kind) {
    // No Killing event kept (events expire after 1h): repeated Unhealthy liveness/startup failures with a restart are enough.
    for (const candidate of kinds) {
      const failures = probeFailures(container, candidate);
      const total = failures.reduce((sum, e) => sum + e.count, 0);
      const probe = container.spec?.[`${candidate}Probe`] as ProbeSpec | undefined;
      // Without a status (the event lines alone) a failing liveness probe is all the evidence there is.
      if (failures.length && (total >= (probe?.failureThreshold ?? 3) || !container.status) && (container.status?.restartCount ?? 1) > 0 && (exitByKill || !terminated)) {
        kind = candidate;
        break;
      }
    }
  }
  if (!kind) return undefined;
  if (terminated && !exitByKill) return undefined;
  const unhealthy = probeFailures(container, kind);
  const message = strongest(unhealthy)?.message ?? "";
  const probe = container.spec?.[`${kind}Probe`] as ProbeSpec | undefined;
  const { mode, statusCode } = probeMode(message);
  const startup = startupFromLogs(container);
  const budget = probeBudgetSeconds(probe);
  const failure: ProbeFailure = { kind, probe, message, events: unhealthy, mode, budgetSeconds: budget };
  if (statusCode !== undefined) failure.statusCode = statusCode;
  if (startup.seconds !== undefined) failure.observedStartupSeconds = startup.seconds;
  if (startup.statedSeconds !== undefined) failure.statedStartupSeconds = startup.statedSeconds;
  if (startup.port !== undefined) failure.listeningPort = startup.port;
  const evidence: Evidence[] = [...killing.slice(0, 1), ...unhealthy.slice(0, 2)].map(eventEvidence);
  if (terminated) evidence.push(terminatedEvidence(terminated, container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`));
  const portProblem = probePortMismatch(container, probe, startup.port);
  const who = displayContainer(container);
  if (mode === "status-4xx" || mode === "scheme" || (mode === "refused" && portProblem) || (mode === "exec" && /executable file not found|not found/i.test(message))) {
    const what =
      mode === "status-4xx"
        ? `the ${kind} probe path ${probe?.httpGet?.path ?? ""} answers HTTP ${statusCode}: the app does not serve it`
        : mode === "scheme"
          ? `the ${kind} probe speaks ${probe?.httpGet?.scheme ?? "HTTP"} to a port that speaks the other protocol`
          : mode === "exec"
            ? `the ${kind} probe's command is not in the image`
            : portProblem!;
    return {
      category: "bad-probe-config",
      confidence: 0.9,
      severity: "error",
      summary: "",
      said: { message: "restarted-by-wrong-probe", data: { container: who, kind, checked: mode === "status-4xx" ? "path" : mode === "scheme" ? "scheme" : mode === "exec" ? "command" : "port" } },
      cause: `The probe itself is wrong: ${what}. The kubelet counts every answer as a failure and kills the container after ${probe?.failureThreshold ?? 3} failures, so it restarts forever even though the app may be fine.`,
      evidence,
      probe: failure,
      terminated,
      detail: { kind, mode, portProblem: portProblem ?? "" },
    };
  }
  const cpu = cpuLimitCores(container);
  if (cpu !== undefined && cpu <= 0.25 && (mode === "timeout" || mode === "refused" || mode === "other")) {
    return {
      category: "cpu-throttling",
      confidence: 0.8,
      severity: "error",
      summary: "",
      said: { message: "start-up-throttled", data: { container: who, cpuLimit: String(container.spec?.resources?.limits?.cpu), kind } },
      cause: `The container may use at most ${container.spec?.resources?.limits?.cpu} of a CPU. Start-up (class loading, JIT, cache warm-up) is CPU-bound, so it is throttled and takes far longer than the ${budget}s the ${kind} probe allows; the kubelet kills it before it is ready, again and again.`,
      evidence,
      probe: failure,
      terminated,
      detail: { kind, mode, cpuLimit: String(container.spec?.resources?.limits?.cpu ?? "") },
    };
  }
  const slow = startup.seconds !== undefined ? `the log shows start-up takes ${Math.round(startup.seconds)}s` : mode === "timeout" ? `the health endpoint does not answer within timeoutSeconds ${probe?.timeoutSeconds ?? 1}s` : "the app is not answering yet when the probe starts";
  const data = { container: who, kind, budget };
  return {
    category: "liveness-probe-failure",
    confidence: killing.length ? 0.88 : 0.8,
    severity: "error",
    summary: "",
    said:
      startup.seconds !== undefined
        ? { message: "killed-by-probe-before-start-up", data: { ...data, startupSeconds: Math.round(startup.seconds) } }
        : mode === "timeout"
          ? { message: "killed-by-probe-timing-out", data: { ...data, timeoutSeconds: probe?.timeoutSeconds ?? 1 } }
          : { message: "killed-by-probe-before-answering", data },
    cause: `The ${kind} probe is too aggressive for this app: it allows ${budget}s (initialDelaySeconds ${probe?.initialDelaySeconds ?? 0} + periodSeconds ${probe?.periodSeconds ?? 10} x failureThreshold ${probe?.failureThreshold ?? 3}) but ${slow}. The kubelet kills the container (exit 137/143) and restarts it, so it never finishes starting.`,
    evidence,
    probe: failure,
    terminated,
    detail: { kind, mode },
  };
}

