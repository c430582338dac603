import type { Fix } from "../../model/finding.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { templateFix } from "../workload-fixes.js";
import { logLineDetectors } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const owner = context.owner;
  const description = "Another instance (a second replica, or the old pod during a rolling update) holds the lock on the same data. For SQLite/embedded stores on a ReadWriteOnce volume run one replica with strategy Recreate so the old pod is gone before the new one starts; remove a stale lock file only once no instance runs; avoid SQLite on NFS-backed volumes.";
  if (owner?.kind === "Deployment" && owner.object) {
    const spec = (owner.object.spec ?? {}) as { replicas?: number; strategy?: unknown };
    const before = `spec:\n  replicas: ${spec.replicas ?? 1}\n  strategy: ${JSON.stringify(spec.strategy ?? { type: "RollingUpdate" })}`;
    const patch = JSON.stringify({ spec: { replicas: 1, strategy: { type: "Recreate", rollingUpdate: null } } });
    return {
      description,
      yaml: { target: `Deployment ${owner.namespace ? `${owner.namespace}/` : ""}${owner.name}`, before, after: "spec:\n  replicas: 1\n  strategy:\n    type: Recreate" },
      patch,
      commands: [`kubectl patch deployment ${owner.name}${context.names.ns} --type merge -p '${patch}'`, `kubectl rollout status deployment/${owner.name}${context.names.ns}`],
    };
  }
  if (owner && context.current) return templateFix(owner, {}, {}, description, [logsCommand(context.names)]);
  return { description, commands: [logsCommand(context.names), `kubectl get pods${context.names.ns} -o wide   # which instances share the volume`] };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const lockContention = podCauseRule({
  id: "pod/lock-contention",
  messages,
  category: "lock-contention",
  detectors: [
    ...logLineDetectors("lock-contention", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "A lock is held by another instance (database is locked, lock file)",
  docs: {
    cause: "The app cannot take a lock it needs: SQLite 'database is locked', a Liquibase changelog lock left by a killed pod, a Kafka/Elasticsearch/Prometheus data directory lock held by another replica or by the old pod during a rolling update, a stale postmaster.pid.",
    fix: "Make sure only one instance uses the data (one replica, strategy Recreate for ReadWriteOnce volumes), release stale locks once nothing runs, add busy timeouts and retries.",
    verify: ["kubectl get pods -o wide", "kubectl logs <POD> -c <CONTAINER> --previous", "kubectl rollout status deploy/<NAME>"],
    references: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"],
  },
  equivalents: [],
  explain: (context) => `The app cannot take a lock another instance holds${context.d.cause.match ? `: ${context.d.cause.match.text.trim().slice(0, 200)}` : ""}.`,
  fix,
  verify: (n) => [logsCommand(n), ...restartVerify(n)],
});
