import type { Category } from "../../../model/categories.js";
import type { Evidence } from "../../../model/finding.js";
import { matchLine } from "../../../signatures/scan.js";
import { eventEvidence, terminatedEvidence, waitingEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import { type Cause, displayContainer, events } from "./cause.js";

/** The runtime cannot start the process (StartError, RunContainerError, CreateContainerError): command, architecture, mount or runtime. */

const START_CATEGORIES = new Set<Category>(["bad-command", "exec-format-error", "config-file-missing"]);

const START_FAILURES = new Set(["StartError", "ContainerCannotRun", "RunContainerError"]);

export function startFailureCause(container: ContainerContext): Cause | undefined {
  const status = container.status;
  const waiting = status?.state?.waiting;
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  const termPath = status?.state?.terminated ? `${container.statusPath}.state.terminated` : `${container.statusPath}.lastState.terminated`;
  const startFailed = !!terminated && (START_FAILURES.has(terminated.reason ?? "") || (terminated.exitCode === 128 && /OCI runtime|failed to create (?:containerd )?(?:task|shim)/i.test(terminated.message ?? "")));
  const failedEvents = events(container, /^Failed$/, /^Error: (?:failed to (?:create|start)|OCI runtime|failed to generate|context deadline|failed to reserve)|Error response from daemon|failed to start container/i);
  const createError = waiting?.reason === "CreateContainerError";
  const runError = waiting?.reason === "RunContainerError";
  if (!startFailed && !createError && !runError && failedEvents.length === 0) return undefined;
  if (status?.state?.running && !startFailed) return undefined;
  const text = [startFailed ? terminated?.message ?? "" : "", waiting?.message ?? "", ...failedEvents.map((e) => e.message)].join("\n");
  const evidence: Evidence[] = [];
  if (startFailed && terminated) evidence.push(terminatedEvidence(terminated, termPath));
  if (waiting?.reason) evidence.push(waitingEvidence(waiting.reason, waiting.message, `${container.statusPath}.state.waiting`));
  for (const event of failedEvents.slice(0, 2)) evidence.push(eventEvidence(event));
  // The runtime's message is often cut in what was pasted; the container's log (or a note quoting the message) can hold the rest.
  const logged = container.matches.find((m) => START_CATEGORIES.has(m.signature.category));
  const found = matchLine(text.replace(/\n/g, " "))[0] ?? logged;
  const execFailed = (found !== undefined && found === logged && found.signature.category === "bad-command") || /unable to start container process: (?:error during container init: )?exec|exec: \\?"|starting container process caused:? \\?"?exec|executable file not found|exec user process caused/i.test(text);
  const category: Category = /exec format error/i.test(text) || (found === logged && found?.signature.category === "exec-format-error")
    ? "exec-format-error"
    : execFailed
      ? "bad-command"
      : /mount|mounting|rootfs|not a directory/i.test(text)
        ? "config-file-missing"
        : found && ["bad-command", "config-file-missing", "read-only-filesystem", "insufficient-privileges"].includes(found.signature.category)
          ? found.signature.category
          : startFailed
            ? "bad-command"
            : "container-runtime-error";
  const path = found?.groups.path ?? /exec: \\?"([^"\\]*)/.exec(text)?.[1] ?? "";
  // The message of the claiming rule that words each category (data: {container}, and {path} for a named command).
  const messages: Partial<Record<Category, string>> = {
    "exec-format-error": "binary-for-another-architecture",
    "bad-command": path ? "start-command-not-found" : "start-command-unnamed",
    "config-file-missing": "mount-does-not-match-image",
    "container-runtime-error": "runtime-cannot-create",
  };
  const causes: Partial<Record<Category, string>> = {
    "exec-format-error": "The OCI runtime could not execute the entrypoint: the image's binary is for a different CPU architecture than the node (e.g. an amd64-only image on an arm64 node).",
    "bad-command": `The OCI runtime could not start the process${path ? ` "${path}"` : ""}: the command or args point at a file that does not exist in the image, is not on $PATH, or is not executable (containerd reports StartError with exit code 128).`,
    "config-file-missing": "The runtime failed while mounting a volume into the container: the subPath or mountPath points at a file where the image has a directory (or the reverse), or the source does not exist.",
    "container-runtime-error": "The container runtime (containerd/CRI-O) failed below the application: this is a node or runtime problem, not the app's.",
  };
  return {
    category,
    confidence: category === "container-runtime-error" ? 0.8 : 0.92,
    severity: "error",
    summary: "",
    said: { message: messages[category] ?? "cannot-start", data: { container: displayContainer(container), ...(path ? { path } : {}) } },
    cause: causes[category] ?? "The container could not start.",
    evidence,
    terminated,
    match: undefined,
    detail: { subcause: createError ? "create-error" : "start-error", path, message: text.trim().split("\n")[0] ?? "" },
  };
}

