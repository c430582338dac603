import { defineRule } from "../../contract/rule.js";
import { argv, shellScript } from "../../k8s/commands.js";
import { missingFromImage } from "../../k8s/images.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/command-not-in-image",
  category: "bad-command",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].lastState.terminated.message}{\"\\n\"}'", "kubectl logs <pod> -n <namespace> -c <container> --previous"] },
};

/** Programs a `sh -c` script runs: the first word of each simple command (after `;`, `&&`, `||`, `|`, a newline, `then`, `do`...). */
function scriptPrograms(script: string): string[] {
  const programs: string[] = [];
  for (const match of script.matchAll(/(?:^|[;&|\n(`]|\$\()\s*(?:(?:if|then|else|elif|do|while|until|!)\s+)*([A-Za-z0-9_./-]+)/g)) programs.push(match[1]!);
  return programs;
}

/** A script that installs or downloads programs first (`apk add curl && curl ...`) may well have them. */
const INSTALLS = /\b(?:apk|apt-get|apt|yum|dnf|microdnf|pip3?|npm)\s|\bwget\s.*-O\s*\/|\bchmod\s+\+x\b/;

export const commandNotInImageRule = defineRule({
  ...meta,
  title: "The container runs a program its image does not have",
  docs: {
    cause:
      "The container's command, or the script it runs with `sh -c`, calls a program the image does not contain: `bash` or `curl` in the official alpine or busybox images (they have busybox's `sh` and `wget`), a shell or coreutils in a distroless image (it has neither, except its `:debug` tags). As command[0] the runtime cannot start it (`exec: \"bash\": executable file not found in $PATH`, StartError, exit 128, CrashLoopBackOff); inside a script the command fails with `sh: curl: not found` (exit 127), so the script fails or, in a wait loop, never ends and the init container blocks the pod.",
    fix: "Use what the image has (`sh` for a POSIX script, `wget -q -O-` for `curl`), an image that has the program (`curlimages/curl`, `bitnami/kubectl`), or, for distroless, the image's own entrypoint.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/", "https://github.com/GoogleContainerTools/distroless#debug-images", "https://hub.docker.com/_/alpine"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "command-not-in-image": "Container {container} runs {program} as {where}, and {reason}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const { command } = argv(ref.container);
        if (command.length === 0) continue;
        const image = ref.container.image;
        const first = command[0]!;
        const firstMissing = missingFromImage(image, first);
        const script = shellScript(ref.container);
        const inScript = !firstMissing && script && !INSTALLS.test(script.script) ? scriptPrograms(script.script).find((program) => missingFromImage(image, program)) : undefined;
        const program = firstMissing ? first : inScript;
        if (!program) continue;
        const reason = missingFromImage(image, program)!;
        const name = program.slice(program.lastIndexOf("/") + 1);
        const asCommand = program === first;
        const toSh = asCommand && name === "bash" && !String(image).includes("distroless");
        reportObject(ctx, meta, workload.object, {
          field: asCommand ? [...ref.path, "command", 0] : [...ref.path, script!.field, script!.index],
          container: ref.name,
          message: "command-not-in-image",
          data: { container: ref.name, program: name, where: asCommand ? "command[0]" : "a command of its script", reason: `${reason} (${String(image)})` },
          cause: asCommand
            ? `${reason[0]!.toUpperCase()}${reason.slice(1)}: the runtime cannot start command[0] (\`exec: "${first}": executable file not found in $PATH\`, StartError, exit 128) and the ${ref.init ? "init container fails, so the pod never starts" : "container crash-loops"}.`
            : `${reason[0]!.toUpperCase()}${reason.slice(1)}: the script's \`${name}\` fails with \`sh: ${name}: not found\` (exit 127)${ref.init ? ", and the init container fails or, in a wait loop, never finishes, so the pod stays in Init" : ""}.`,
          confidence: 0.9,
          fix: toSh
            ? containerChangeFix(view, workload, ref.name, { current: ref.container, set: { command: ["sh", ...command.slice(1)] }, init: ref.init }, "Run the script with busybox's sh (POSIX: no arrays, [[ ]] or pipefail), or use an image that has bash.")
            : {
                description:
                  name === "curl"
                    ? `Use busybox's wget (\`wget -q -O- <url>\`, \`wget -q --spider <url>\`), or an image with curl (curlimages/curl).`
                    : String(image).includes("distroless")
                      ? "Let the image's own entrypoint run (remove command), or use the image's :debug tag (a busybox shell) or an image with a shell for scripting."
                      : `Use an image that has ${name}.`,
                commands: [],
              },
        });
      }
    }
  },
});
