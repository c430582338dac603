import type { Evidence } from "../../../model/finding.js";
import type { FixContext } from "../pod-rule.js";
import { containerSpecEvidence } from "../pod-rule.js";
import type { ProbeSpec } from "../causes/pod-types.js";

const STARTUP_PERIOD_SECONDS = 5;
const FALLBACK_STARTUP_SECONDS = 120;

/**
 * The start-up the probes must allow: the observed start-up (log) x 1.5, or,
 * without one, twice the time the last instance lived before it was killed,
 * and never less than two minutes for a slow starter.
 */
export function startupAllowanceSeconds(context: FixContext): { seconds: number; basis: string } {
  const probe = context.d.cause.probe;
  const observed = probe?.observedStartupSeconds;
  if (observed !== undefined) return { seconds: Math.max(30, Math.ceil(observed * 1.5)), basis: `observed start-up ${Math.round(observed)}s x 1.5` };
  const terminated = context.d.cause.terminated;
  const started = Date.parse(terminated?.startedAt ?? "");
  const finished = Date.parse(terminated?.finishedAt ?? "");
  if (Number.isFinite(started) && Number.isFinite(finished) && finished > started && started > 0) {
    const lived = (finished - started) / 1000;
    return { seconds: Math.max(FALLBACK_STARTUP_SECONDS, Math.ceil(lived * 2)), basis: `the last instance was killed after ${Math.round(lived)}s; allowing at least twice that` };
  }
  return { seconds: FALLBACK_STARTUP_SECONDS, basis: "no start-up time in the evidence; 120s, a start-up budget that covers most apps" };
}

/** A startupProbe on the same endpoint as the failing probe, with numbers from the observed start-up. */
export function startupProbeFor(context: FixContext, probe: ProbeSpec | undefined): ProbeSpec {
  const allowance = startupAllowanceSeconds(context).seconds;
  const action: ProbeSpec = {};
  if (probe?.httpGet) action.httpGet = probe.httpGet;
  else if (probe?.tcpSocket) action.tcpSocket = probe.tcpSocket;
  else if (probe?.grpc) action.grpc = probe.grpc;
  else if (probe?.exec) action.exec = probe.exec;
  else action.tcpSocket = { port: context.current?.ports?.[0]?.containerPort ?? 8080 };
  return { ...action, periodSeconds: STARTUP_PERIOD_SECONDS, failureThreshold: Math.ceil(allowance / STARTUP_PERIOD_SECONDS) };
}

/** The liveness probe once a startupProbe guards start-up: no initial delay, realistic timeout. */
export function relaxedLiveness(probe: ProbeSpec | undefined): ProbeSpec | undefined {
  if (!probe) return undefined;
  return { ...probe, initialDelaySeconds: 0, periodSeconds: Math.max(probe.periodSeconds ?? 10, 10), timeoutSeconds: Math.max(probe.timeoutSeconds ?? 1, 2), failureThreshold: Math.max(probe.failureThreshold ?? 3, 3) };
}

export function probeText(probe: ProbeSpec | undefined): string {
  if (!probe) return "none";
  const action = probe.httpGet
    ? `http-get ${(probe.httpGet.scheme ?? "HTTP").toLowerCase()}://:${probe.httpGet.port}${probe.httpGet.path ?? "/"}`
    : probe.tcpSocket
      ? `tcp-socket :${probe.tcpSocket.port}`
      : probe.grpc
        ? `grpc :${probe.grpc.port}`
        : probe.exec
          ? `exec ${JSON.stringify(probe.exec.command ?? [])}`
          : "?";
  return `${action} delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #failure=${probe.failureThreshold ?? 3}`;
}

export function probeEvidence(context: FixContext): Evidence[] {
  const kind = context.d.cause.probe?.kind;
  if (!kind) return [];
  const probe = (context.current?.[`${kind}Probe`] as ProbeSpec | undefined) ?? context.d.cause.probe?.probe;
  const out: Evidence[] = [containerSpecEvidence(context, [`${kind}Probe`], `${kind}Probe: ${probeText(probe)} (allows ${context.d.cause.probe?.budgetSeconds ?? "?"}s before the kill)`)];
  const ports = context.current?.ports ?? [];
  if (ports.length) out.push(containerSpecEvidence(context, ["ports"], `containerPorts: ${ports.map((p) => `${p.containerPort}${p.name ? ` (${p.name})` : ""}`).join(", ")}`));
  const failure = context.d.cause.probe;
  if (failure?.observedStartupSeconds !== undefined || failure?.listeningPort !== undefined) {
    out.push({ source: "log", text: `log: ${failure.observedStartupSeconds !== undefined ? `start-up took ${Math.round(failure.observedStartupSeconds)}s` : ""}${failure.observedStartupSeconds !== undefined && failure.listeningPort !== undefined ? "; " : ""}${failure.listeningPort !== undefined ? `app listens on port ${failure.listeningPort}` : ""}` });
  }
  return out;
}
