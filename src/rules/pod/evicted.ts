import type { Fix } from "../../model/finding.js";
import { podCauseRule, type FixContext } from "./pod-rule.js";
import { POD_WIDE } from "./causes/competition.js";
import { claim, evictionReading, worded } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const resource = context.d.cause.detail.resource || "memory";
  const n = context.names;
  return {
    description: `The node ran low on ${resource}. Give the pod requests that match its real ${resource} use (pods using more than they request are evicted first), find what fills the node, and delete the evicted pod objects (they stay as Failed)`,
    commands: ["kubectl describe node <NODE> | grep -A8 Conditions", "kubectl top pods -A --sort-by=memory | head", `kubectl delete pods${n.ns} --field-selector=status.phase==Failed`],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "evicted-node-pressure": "pod {pod} was evicted: the node ran low on {resource}",
  "evicted-unnamed-pressure": "pod {pod} was evicted: the node ran low on a resource",
};

export const evicted = podCauseRule({
  id: "pod/evicted",
  messages,
  category: "evicted",
  detectors: [
    worded(messages, ["evicted-node-pressure", "evicted-unnamed-pressure"], claim(POD_WIDE, "eviction", "evicted", evictionReading)),
  ],
  title: "Pod evicted for node pressure",
  docs: {
    cause: "The kubelet evicted the pod because its node ran low on memory, disk (nodefs/imagefs) or PIDs; pods using more than they request are evicted first. The pod object stays with phase Failed, reason Evicted.",
    fix: "Set requests that match real use (and limits), relieve the node's pressure, and clean up evicted pod objects.",
    verify: ["kubectl describe node <NODE>", "kubectl get pods --field-selector=status.phase==Failed"],
    references: ["https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/"],
  },
  equivalents: ["popeye:POP-207"],
  fix,
  verify: (n) => ["kubectl describe node <NODE> | grep -A8 Conditions   # MemoryPressure/DiskPressure False", `kubectl get pods${n.ns} --field-selector=status.phase==Failed`],
});
