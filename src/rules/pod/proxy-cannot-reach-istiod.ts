import type { Fix } from "../../model/finding.js";
import { logsCommand, podCauseRule, type CommandNames, type FixContext } from "./pod-rule.js";
import { logLineDetectors } from "./causes/detectors.js";

function fix(context: FixContext): Fix {
  const n = context.names;
  return {
    description:
      "The proxy's log says it gets no configuration from istiod. Check that istiod runs and answers, then what stands between the pod and istiod on port 15012: a NetworkPolicy isolating the pod's egress, DNS for istiod.istio-system.svc, or a revision label pointing at an istiod that does not exist.",
    commands: [
      "kubectl get pods -n istio-system -l app=istiod",
      `kubectl get networkpolicy${n.ns}`,
      `kubectl logs ${n.pod}${n.ns} -c istio-proxy --tail=100`,
      "istioctl proxy-status",
    ],
  };
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const proxyCannotReachIstiod = podCauseRule({
  id: "pod/proxy-cannot-reach-istiod",
  messages,
  category: "sidecar-istiod-unreachable",
  detectors: [
    ...logLineDetectors("sidecar-istiod-unreachable", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "The proxy's log shows it gets no configuration from istiod",
  docs: {
    cause:
      "pilot-agent and Envoy in istio-proxy fetch their configuration over xDS from istiod on port 15012. Lines such as `config not received from Pilot`, `gRPC config stream closed` or a failed dial to :15012 mean that stream does not work: istiod is down, or the pod cannot reach it (NetworkPolicy, DNS, revision).",
    fix: "Get istiod running and reachable from the pod on TCP 15012 (and DNS on 53); see sidecar/istiod-unreachable for the NetworkPolicy that allows it.",
    verify: ["istioctl proxy-status   # the pod's proxy is SYNCED", "kubectl logs <POD> -c istio-proxy   # no 'gRPC config stream closed'"],
    references: ["https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/", "https://istio.io/latest/docs/ops/deployment/application-requirements/"],
  },
  fix,
  verify: (n: CommandNames) => ["istioctl proxy-status", `kubectl get pod ${n.pod}${n.ns}   # READY shows every container`, logsCommand(n, false)],
});
