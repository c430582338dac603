import type { Fix } from "../../model/finding.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { logLineDetectors } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const image = context.current?.image ?? "<IMAGE>";
  const missing = context.d.cause.detail.path ?? context.d.cause.detail.name ?? "";
  const hints: Record<string, string> = {
    "java-no-main-manifest": "build an executable jar (Spring Boot repackage / shadowJar with Main-Class) or run it with java -cp <jar> <MainClass>",
    "java-unable-to-access-jarfile": "COPY the jar to the path the command uses",
    "java-jar-requires-jar-file": "COPY the jar into the image (the build produced none where the start script looks)",
    "java-main-class-not-found": "check the main class name and the classpath in the image",
    "node-cannot-find-module": "run npm ci / the build in the Dockerfile and COPY its output; install dependencies for the production stage",
    "python-module-not-found": "add the package to requirements.txt/pyproject and install it in the image",
    "shared-library-missing": "install the library in the runtime stage (e.g. apk add / apt-get install) or use a base image that has it",
    "uvicorn-could-not-import": "check the module path given to uvicorn and the WORKDIR",
  };
  const hint = hints[context.d.cause.detail.signature ?? ""] ?? "fix the Dockerfile so the image contains what its entrypoint needs";
  return {
    description: `The image ${image} is broken as built${missing ? ` (${missing} is missing)` : ""}: ${hint}, rebuild and push a new tag. No pod setting fixes this; roll back to the last good image meanwhile.`,
    commands: [`docker run --rm --entrypoint sh ${image} -c 'ls -la /app'   # see what the image really holds`, logsCommand(context.names)],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const imageBuildError = podCauseRule({
  id: "pod/image-build-error",
  messages,
  category: "image-build-error",
  detectors: [
    ...logLineDetectors("image-build-error", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "The image is broken as built (missing jar, module, main class, library)",
  docs: {
    cause: "The image starts but what its entrypoint needs is not in it: a thin jar without Main-Class ('no main manifest attribute'), a jar that was never copied, a Node module or entry file missing ('Cannot find module'), a Python package not installed ('ModuleNotFoundError'), a shared library absent from the runtime stage.",
    fix: "Fix the Dockerfile/build (copy the artefact, install the dependency, build an executable jar), push a new tag and roll it out; roll back to the previous image meanwhile.",
    verify: ["docker run --rm <IMAGE>", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/concepts/containers/images/"],
  },
  equivalents: [],
  explain: (context) => `The image does not contain what its entrypoint needs${context.d.cause.match ? `: ${context.d.cause.match.text.trim().slice(0, 200)}` : ""}. This is a build problem, not a Kubernetes setting.`,
  fix,
  verify: (n) => [logsCommand(n), ...restartVerify(n)],
});
