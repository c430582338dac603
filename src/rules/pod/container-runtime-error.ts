import type { Fix } from "../../model/finding.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { BEFORE_START, POD_WIDE } from "./causes/competition.js";
import { claim, sandboxReading, startFailureReading, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const n = context.names;
  const message = context.d.cause.detail.message ?? "";
  const cni = /network|CNI|cni|sandbox/i.test(message) || context.d.cause.detail.subcause === "FailedCreatePodSandBox";
  return {
    description: cni
      ? "The node's CNI plugin (or the container runtime) cannot set up the pod sandbox: check the CNI pods on that node (calico/cilium/istio-cni/ztunnel), their logs and the kubelet/containerd journal; cordon the node if only it is affected"
      : "The container runtime fails below the application: check containerd/CRI-O and the kubelet on the node; a 'name is reserved' conflict clears once the runtime catches up, otherwise restart the runtime or drain the node",
    commands: [
      `kubectl get pod ${n.pod}${n.ns} -o wide   # which node`,
      "kubectl describe node <NODE>",
      "journalctl -u kubelet -u containerd --since '-30 min'   # on the node",
      "kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=<NODE>",
    ],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "runtime-cannot-create": "{container} cannot be created by the container runtime",
  "volume-cannot-be-mounted": "pod {pod} is stuck in ContainerCreating: a volume cannot be attached or mounted",
  "sandbox-cannot-be-created": "pod {pod} is stuck in ContainerCreating: the pod sandbox cannot be created ({reason})",
};

export const containerRuntimeError = podCauseRule({
  id: "pod/container-runtime-error",
  messages,
  category: "container-runtime-error",
  detectors: [
    worded(messages, ["volume-cannot-be-mounted", "sandbox-cannot-be-created"], claim(POD_WIDE, "sandbox", "container-runtime-error", sandboxReading)),
    worded(messages, ["runtime-cannot-create"], claim(BEFORE_START, "start-failure", "container-runtime-error", startFailureReading)),
  ],
  title: "Container runtime, sandbox or CNI error below the app",
  docs: {
    cause: "The kubelet cannot create the pod sandbox or the container: the CNI plugin fails (FailedCreatePodSandBox), the runtime reports CreateContainerError (name reserved, context deadline exceeded), or the node's runtime is unhealthy. The application never runs.",
    fix: "Look at the node: CNI pods and their logs, kubelet and containerd journals; restart or replace the failing component, cordon the node if it alone is affected.",
    verify: ["kubectl describe node <NODE>", "journalctl -u kubelet -u containerd", "kubectl get pod <POD> -w"],
    references: ["https://kubernetes.io/docs/tasks/debug/debug-cluster/crictl/"],
  },
  equivalents: [],
  fix,
  verify: (n) => [`kubectl get pod ${n.pod}${n.ns} -w   # leaves ContainerCreating`, `kubectl describe pod ${n.pod}${n.ns} | grep -A10 Events`, ...restartVerify(n).slice(0, 1)],
});
