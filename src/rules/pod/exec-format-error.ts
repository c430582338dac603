import type { Fix } from "../../model/finding.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { templateFix } from "../workload-fixes.js";
import { type JsonObject } from "../../k8s/workloads.js";
import { BEFORE_START } from "./causes/competition.js";
import { claim, logLineDetectors, startFailureReading, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const image = context.current?.image ?? "<IMAGE>";
  const commands = [`docker manifest inspect ${image} | grep architecture   # which platforms the image has`, `kubectl get node <NODE> -o jsonpath='{.status.nodeInfo.architecture}{"\\n"}'`];
  const description = `Publish ${image} for the node's architecture (docker buildx build --platform linux/amd64,linux/arm64) or, until then, keep the pod on nodes of the architecture it was built for`;
  if (context.owner && context.podSpec) {
    const before = context.podSpec.nodeSelector ? { nodeSelector: context.podSpec.nodeSelector } : {};
    const after = { nodeSelector: { ...(context.podSpec.nodeSelector ?? {}), "kubernetes.io/arch": "amd64" } };
    return templateFix(context.owner, before as JsonObject, after, description, commands);
  }
  return { description, commands };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
  "binary-for-another-architecture": "{container} cannot start: the binary is built for another CPU architecture (exec format error)",
};

export const execFormatError = podCauseRule({
  id: "pod/exec-format-error",
  messages,
  category: "exec-format-error",
  detectors: [
    worded(messages, ["binary-for-another-architecture"], claim(BEFORE_START, "start-failure", "exec-format-error", startFailureReading)),
    ...logLineDetectors("exec-format-error", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Binary built for another CPU architecture (exec format error)",
  docs: {
    cause: "The kernel cannot execute the image's entrypoint because it is built for a different CPU architecture than the node (an amd64-only image on an arm64 node, or the reverse); rarely, a script without a shebang.",
    fix: "Build and push a multi-arch image (docker buildx --platform linux/amd64,linux/arm64), or pin the pod to nodes of the image's architecture with nodeSelector kubernetes.io/arch.",
    verify: ["docker manifest inspect <IMAGE>", "kubectl get nodes -L kubernetes.io/arch", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-arch"],
  },
  equivalents: [],
  explain: (context) => `The node cannot execute ${context.current?.image ?? "the image"}'s binary${context.d.cause.match ? ` (${context.d.cause.match.text.trim().slice(0, 120)})` : ""}: it is built for another CPU architecture.`,
  fix,
  verify: (n) => [`kubectl get nodes -L kubernetes.io/arch`, `kubectl get pod ${n.pod}${n.ns} -o wide`, ...restartVerify(n)],
});
