import type { Fix } from "../../model/finding.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import type { Rule } from "../../contract/rule.js";
import type { Category } from "../../model/categories.js";
import { fixBuilderOf, podCauseRule, type FixContext } from "./pod-rule.js";
import { apiPermissionDenied } from "./api-permission-denied.js";
import { appRuntimeError } from "./app-runtime-error.js";
import { badCommand } from "./bad-command.js";
import { configFileMissing } from "./config-file-missing.js";
import { diskFull } from "./disk-full.js";
import { filePermissionDenied } from "./file-permission-denied.js";
import { insufficientPrivileges } from "./insufficient-privileges.js";
import { missingConfigReference } from "./missing-config-reference.js";
import { readOnlyFilesystem } from "./read-only-filesystem.js";
import { tlsOrClockError } from "./tls-or-clock-error.js";
import { INIT_FAILURE } from "./causes/competition.js";
import { detector, worded } from "./causes/detectors.js";
import { terminatedEvidence } from "./causes/evidence.js";
import type { ContainerContext } from "./causes/context.js";
import type { TerminatedState } from "./causes/pod-types.js";
import type { Cause } from "./causes/cause.js";

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

/**
 * The app-container rules whose fix fits an init container as it is. Not among them: the dependency
 * and sidecar fixes (a wait container must run before the init container, not after it) and exit 0
 * (an init container is meant to exit 0).
 */
const REUSED: Rule[] = [apiPermissionDenied, appRuntimeError, badCommand, configFileMissing, diskFull, filePermissionDenied, insufficientPrivileges, missingConfigReference, readOnlyFilesystem, tlsOrClockError];
/** golang-migrate after a migration failed half-way: `error: Dirty database version 20250528101500. Fix and force version.` */
const DIRTY_MIGRATION = /Dirty database version (\d+)/i;

/** The app-container fix of the cause found inside the init container, applied to the init container. */
function innerFix(context: FixContext): Fix | undefined {
  const inner = context.d.cause.inner;
  const rule = inner ? REUSED.find((r) => r.category === (inner.category as Category)) : undefined;
  const build = rule ? fixBuilderOf(rule) : undefined;
  if (!build) return undefined;
  const fixed = build({ ...context, d: { ...context.d, cause: { ...context.d.cause, category: inner!.category } } });
  if (!fixed) return undefined;
  return { ...fixed, description: `Init container ${context.names.container}: ${fixed.description}. The app containers start once every init container exits 0` };
}

function lastLines(context: FixContext): string {
  return (context.d.container?.logs ?? []).flatMap((stream) => stream.lines.slice(-40)).join("\n");
}

function fix(context: FixContext): Fix {
  const reused = innerFix(context);
  if (reused) return reused;
  const n = context.names;
  const inner = context.d.cause.inner;
  const dirty = DIRTY_MIGRATION.exec(lastLines(context));
  if (dirty && context.current) {
    const image = context.current.image ?? "<the migration image>";
    return {
      description: `Init container ${n.container}: a migration failed half-way and left the schema at version ${dirty[1]} marked dirty, so every run stops before migrating. Repair what that migration changed, then mark the version clean (golang-migrate: force ${dirty[1]}) and let the init container run again; it must stay idempotent (safe to re-run)`,
      commands: [
        `kubectl logs ${n.pod} -c ${n.container}${n.ns} --previous`,
        `kubectl run ${n.container}-force --rm -it --restart=Never${n.ns} --image=${image} -- <the same -path and -database arguments as the init container> force ${dirty[1]}`,
        `kubectl delete pod ${n.pod}${n.ns}   # the init container runs again on the new pod`,
      ],
    };
  }
  if (context.current && !inner) {
    // The init container's spec as YAML, with the parts to correct marked: the command it runs and what it reads.
    return changeContainer(
      context,
      { command: ["sh", "-c", "<the init step, exiting 0 once it is done and on a re-run>"] },
      `Fix init container ${n.container}: read its log (below), then correct its command, env or mounts; the step must exit 0 when done and when run again, since the kubelet re-runs init containers on every new pod. The app containers start once every init container exits 0`,
      [`kubectl logs ${n.pod} -c ${n.container}${n.ns} --previous`],
    );
  }
  const byCause: Record<string, string> = {
    "dependency-unavailable": "it waits for or migrates a dependency that is not reachable: check the Service name, its endpoints and NetworkPolicies, and let the init container retry with a timeout",
    "missing-config-reference": "it lacks a setting: add the env/Secret it reads (e.g. envFrom: secretRef db-secret)",
    "file-permission-denied": "it cannot write to the shared volume: set fsGroup or run the chown it needs with the right user",
    "config-file-missing": "it cannot find a file: check the volumeMounts it shares with the app",
    "bad-command": "its command is wrong: fix the path/args",
    "app-runtime-error": "its own code fails (a migration error, a script error): fix the script, make it idempotent (safe to re-run), and exit non-zero only on real failure",
  };
  return {
    description: `Fix init container ${n.container}: ${inner ? byCause[inner.category] ?? inner.summary : "read its log; fix its command, permissions or mounts"}. The app containers start once every init container exits 0.`,
    commands: [`kubectl logs ${n.pod} -c ${n.container}${n.ns}`, `kubectl logs ${n.pod} -c ${n.container}${n.ns} --previous`],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "init-container-fails-because": "init container {container} fails: {because}, so the app containers never start",
  "init-container-exits": "init container {container} fails (exit {exitCode}), so the app containers never start",
  "init-container-fails": "init container {container} fails, so the app containers never start",
};

export const initContainerFailure = podCauseRule({
  id: "pod/init-container-failure",
  messages,
  category: "init-container-failure",
  detectors: [
    worded(messages, ["init-container-fails-because", "init-container-exits", "init-container-fails"], detector(INIT_FAILURE, "init-container", ({ container, inner, terminated }) => (container.init && !container.nativeSidecar && inner?.category !== "oom-killed" ? asInitFailure(container, inner, terminated) : undefined))),
  ],
  title: "An init container exits non-zero, so the app never starts",
  docs: {
    cause: "Init containers run one after another and must each exit 0 before the app containers start. One of them fails (its own cause: a dependency it waits for, a migration error, a missing secret, permissions on a shared volume), so the pod stays in Init:Error or Init:CrashLoopBackOff.",
    fix: "Read the init container's own log and fix its command, permissions, mounts or env; make init work idempotent.",
    verify: ["kubectl logs <POD> -c <INIT_NAME>", "kubectl get pod <POD> -o jsonpath='{.status.initContainerStatuses[*].state.terminated}'"],
    references: ["https://kubernetes.io/docs/concepts/workloads/pods/init-containers/"],
  },
  equivalents: ["k8sgpt:Pod"],
  fix,
  verify: (n) => [
    `kubectl logs ${n.pod} -c ${n.container}${n.ns}`,
    `kubectl get pod ${n.pod}${n.ns} -o jsonpath='{.status.initContainerStatuses[*].state.terminated}{"\\n"}'   # exitCode 0, reason Completed`,
    `kubectl get pod ${n.pod}${n.ns} -w   # Init:x/y -> PodInitializing -> Running`,
  ],
});
