import { terminatedEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import type { TerminatedState } from "./pod-types.js";
import { type Cause, displayContainer, events, podEvents, restartPolicyOf } from "./cause.js";

/** What an exit code alone says when nothing else names the cause (0 under Always, 126/127, 137, 134/139). */

export function memoryEvidenceWithoutReason(container: ContainerContext, terminated: TerminatedState): boolean {
  if (terminated.exitCode !== 137) return false;
  if (events(container, /^Killing$/).length > 0) return false;
  return container.spec?.resources?.limits?.memory !== undefined || podEvents(container.pod, /^(OOMKilling|SystemOOM)$/).length > 0;
}


export function exitCodeCause(container: ContainerContext, terminated: TerminatedState): Cause | undefined {
  const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const evidence = [terminatedEvidence(terminated, path)];
  const who = displayContainer(container);
  switch (terminated.exitCode) {
    case 0:
      if (restartPolicyOf(container) !== "Always") return undefined;
      return {
        category: "exits-zero-under-always",
        confidence: 0.9,
        severity: "error",
        summary: "",
        said: { message: "exits-zero-restarted", data: { container: who } },
        cause: "The process finishes successfully and exits 0, but a Deployment/StatefulSet/DaemonSet pod has restartPolicy Always: the kubelet restarts it every time and backs off into CrashLoopBackOff. Typical: a one-shot script in a Deployment, or an image whose default command is an interactive shell/REPL that exits at once without a TTY.",
        evidence,
        terminated,
        detail: {},
      };
    case 127:
    case 126:
      return {
        category: "bad-command",
        confidence: 0.72,
        severity: "error",
        summary: "",
        said: { message: terminated.exitCode === 127 ? "command-not-found" : "command-not-executable", data: { container: who, exitCode: terminated.exitCode } },
        cause: `Exit code ${terminated.exitCode} is the shell's "${terminated.exitCode === 127 ? "command not found" : "found but not executable"}": the command or args name a program that is missing from the image${terminated.exitCode === 127 ? ", a script with a CRLF shebang, or an interpreter (#!/bin/bash) the image does not have" : " or lacks the execute bit"}.`,
        evidence,
        terminated,
        detail: {},
      };
    case 137:
      if (!memoryEvidenceWithoutReason(container, terminated)) return undefined;
      return {
        category: "oom-killed",
        confidence: 0.6,
        severity: "error",
        summary: "",
        said: { message: "sigkill-without-reason", data: { container: who } },
        cause: "Exit 137 is SIGKILL. No Killing event (probe, deletion) explains it, and the container has a memory limit: the kernel OOM killer is the likely sender (older runtimes report it as reason Error rather than OOMKilled).",
        evidence,
        terminated,
        detail: { exit137: "true" },
      };
    case 134:
    case 139:
      return {
        category: "app-runtime-error",
        confidence: 0.5,
        severity: "error",
        summary: "",
        said: { message: terminated.exitCode === 139 ? "segmentation-fault" : "abort", data: { container: who } },
        cause: `Exit ${terminated.exitCode} is 128 + signal ${terminated.exitCode - 128}: the process ${terminated.exitCode === 139 ? "touched memory it does not own (a native crash: a bug, a cgo/native library, or a binary built against another libc)" : "aborted itself (a failed assertion, a native library error or a runtime's fatal error)"}. Its log usually ends right before it.`,
        evidence,
        terminated,
        detail: {},
      };
    default:
      return undefined;
  }
}

