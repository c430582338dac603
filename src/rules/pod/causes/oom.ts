import { logEvidence, terminatedEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import type { TerminatedState } from "./pod-types.js";
import { type Cause, displayContainer } from "./cause.js";

/** The runtime reports the container OOMKilled: the kernel ended it at its memory limit. */
export function oomKilledCause(container: ContainerContext, terminated: TerminatedState | undefined): Cause | undefined {
  if (terminated?.reason !== "OOMKilled") return undefined;
  const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const limit = container.spec?.resources?.limits?.memory;
  const cause: Cause = {
    category: "oom-killed",
    confidence: 0.95,
    severity: "error",
    summary: "",
    said: limit ? { message: "oom-killed-at-limit", data: { container: displayContainer(container), limit } } : { message: "oom-killed-over-limit", data: { container: displayContainer(container) } },
    cause: "",
    evidence: [terminatedEvidence(terminated, path)],
    terminated,
    detail: {},
  };
  const memoryLine = container.matches.find((m) => m.signature.category === "oom-killed");
  if (memoryLine) cause.evidence.push(logEvidence(memoryLine));
  return cause;
}
