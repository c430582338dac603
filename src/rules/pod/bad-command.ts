import type { Fix } from "../../model/finding.js";
import { defaultsToShell } from "../../k8s/images.js";
import { changeContainer } from "./fixes/pod-fixes.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { BEFORE_START, CRASH } from "./causes/competition.js";
import { claim, exitCodeReading, logLineDetectors, startFailureReading, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const { d, current, names } = context;
  const path = d.cause.detail.path || current?.command?.[0] || "";
  const crlf = d.cause.match?.signature.id === "entrypoint-crlf" || /\^M|\\r/.test(d.cause.match?.text ?? "") || /exec \S+\.sh: no such file or directory|exec user process caused: no such file/.test(d.cause.match?.text ?? "");
  const inspect = [
    `kubectl debug ${names.pod}${names.ns} -it --copy-to=${names.pod}-debug --container=${names.container || "app"} -- sh   # look for the binary: ls -l ${path || "/usr/local/bin"}`,
    `docker inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' ${current?.image ?? "<IMAGE>"}`,
  ];
  if (crlf) {
    return {
      description: `The entrypoint script ${path} has Windows (CRLF) line endings, so its shebang names "/bin/sh\\r", which does not exist. Convert it to LF (sed -i 's/\\r$//' ${path || "entrypoint.sh"}; .gitattributes: *.sh eol=lf) and rebuild the image.`,
      commands: inspect,
    };
  }
  if (current?.command && current.command.length > 0 && defaultsToShell(current.image) && !current.args?.length) {
    // Without the override this image runs its default shell, which exits 0 at once: that would trade a crash loop for another.
    return changeContainer(
      context,
      { command: ["<the program to run, at the path the image has it>"] },
      `The command ${JSON.stringify(current.command)} names a path that is not in the image. Set the path the image really has; removing the override would run the image's default shell, which exits at once under restartPolicy Always.`,
      inspect,
    );
  }
  if (current?.command && current.command.length > 0) {
    return changeContainer(
      context,
      { command: undefined },
      `The command ${JSON.stringify(current.command)} overrides the image's ENTRYPOINT with a path that is not in the image. Remove the override to use the image's ENTRYPOINT, or set the path the image really has`,
      inspect,
    );
  }
  return { description: `The entrypoint ${path ? `"${path}" ` : ""}is missing or not executable in the image: fix the Dockerfile's ENTRYPOINT/CMD (path, chmod +x, interpreter present) or set command to the path the image really has`, commands: inspect };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "start-command-not-found": "{container} cannot start: its command \"{path}\" is not found or not executable",
  "start-command-unnamed": "{container} cannot start: its command is not found or not executable",
  "command-not-found": "{container} exits {exitCode}: its command is not found",
  "command-not-executable": "{container} exits {exitCode}: its command is not executable",
};

export const badCommand = podCauseRule({
  id: "pod/bad-command",
  messages,
  category: "bad-command",
  detectors: [
    worded(messages, ["start-command-not-found", "start-command-unnamed"], claim(BEFORE_START, "start-failure", "bad-command", startFailureReading)),
    worded(messages, ["command-not-found", "command-not-executable"], claim(CRASH, "exit-code", "bad-command", exitCodeReading)),
    ...logLineDetectors("bad-command", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Command, args or entrypoint not found or not executable",
  docs: {
    cause: "The container's command/args (or the image's ENTRYPOINT) names a program that is not in the image, not on $PATH, not executable, or a script whose CRLF shebang names an interpreter that does not exist. containerd reports StartError with exit code 128 and the kubelet RunContainerError; a shell wrapper exits 127 (not found) or 126 (not executable).",
    fix: "Point command at the path the image really has, or remove the override so the image's ENTRYPOINT runs; for scripts, make them executable and convert CRLF to LF.",
    verify: ["kubectl logs <POD> -c <CONTAINER> --previous", "kubectl get pod <POD> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.exitCode}'", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/"],
  },
  equivalents: ["k8sgpt:Pod"],
  explain(context) {
    const match = context.d.cause.match;
    return `The container cannot run its command${match ? `: ${match.text.trim().slice(0, 200)}` : ""}. The program named by command/args (or the image's ENTRYPOINT) is missing, not on $PATH or not executable.`;
  },
  fix,
  verify: (n) => [
    logsCommand(n),
    `kubectl get pod ${n.pod}${n.ns} -o jsonpath='{.status.containerStatuses[*].lastState.terminated.exitCode}{"\\n"}'`,
    ...restartVerify(n),
  ],
});
