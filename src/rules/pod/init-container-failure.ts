import type { Fix } from "../../model/finding.js";
import { podCauseRule, type FixContext } from "../support/pod-rule.js";

function fix(context: FixContext): Fix {
  const n = context.names;
  const inner = context.d.cause.inner;
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

export const initContainerFailure = podCauseRule({
  id: "pod/init-container-failure",
  category: "init-container-failure",
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
