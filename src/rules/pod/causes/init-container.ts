import type { Category } from "../../../model/categories.js";
import { terminatedEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import type { TerminatedState } from "./pod-types.js";
import type { Cause } from "./cause.js";

/** An init container that fails, with the cause found inside it: the app containers never start. */

const CATEGORY_WORDS: Partial<Record<Category, string>> = {
  "dependency-unavailable": "a dependency it needs at start-up is unavailable",
  "sidecar-dependency": "it starts before its sidecar is ready",
  "bad-command": "its command is wrong",
  "image-build-error": "the image is broken as built",
  "missing-config-reference": "a setting it needs is missing",
  "config-file-missing": "its config file is missing",
  "file-permission-denied": "it cannot write where it needs to",
  "read-only-filesystem": "it writes to a read-only filesystem",
  "insufficient-privileges": "it lacks a privilege",
  "port-in-use": "its port is already in use",
  "tls-or-clock-error": "a certificate or clock check fails",
  "lock-contention": "a lock is held by another instance",
  "disk-full": "its disk is full",
  "oom-killed": "it runs out of memory",
  "app-runtime-error": "the application throws",
  "api-permission-denied": "its ServiceAccount is forbidden an API call",
  "exec-format-error": "its binary is for another CPU architecture",
};

export function asInitFailure(container: ContainerContext, inner: Cause | undefined, terminated: TerminatedState | undefined): Cause {
  const path = container.status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const evidence = inner?.evidence.length ? inner.evidence : terminated ? [terminatedEvidence(terminated, path)] : [];
  const said: Cause["said"] = inner
    ? { message: "init-container-fails-because", data: { container: container.name, because: CATEGORY_WORDS[inner.category] ?? inner.category } }
    : terminated
      ? { message: "init-container-exits", data: { container: container.name, exitCode: String(terminated.exitCode) } }
      : { message: "init-container-fails", data: { container: container.name } };
  const cause: Cause = {
    category: "init-container-failure",
    confidence: Math.max(0.85, inner?.confidence ?? 0),
    severity: "error",
    summary: "",
    said,
    cause: `Init containers run in order and each must exit 0 before the app containers start. ${container.name} exits ${terminated?.exitCode ?? "non-zero"}${inner?.match ? ` and its log says: ${inner.match.text.trim().slice(0, 200)}` : ""}. The pod stays in Init:${container.status?.state?.waiting?.reason ?? "Error"}.`,
    evidence,
    terminated,
    detail: { ...(inner?.detail ?? {}) },
  };
  if (inner) {
    cause.inner = { category: inner.category, summary: inner.summary };
    if (inner.match) cause.match = inner.match;
  }
  return cause;
}

