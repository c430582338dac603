import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";

/** Condition types that Istio sets; other controllers' conditions (Argo CD ...) are not ours to judge. */
/** The kinds istiod writes status conditions on; a Deployment's Available=False is the workload's own state. */
const CONDITION_KINDS = new Set(["Service", "ServiceEntry", "AuthorizationPolicy", "Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute", "WorkloadEntry"]);

function isIstioCondition(type: string): boolean {
  return !type.includes("/") || type.startsWith("istio.io/");
}

export const negativeCondition = defineRule({
  id: "istio/negative-condition",
  category: "istio-config-other",
  severity: "warning",
  title: "Istio reports a negative status condition on a resource",
  docs: {
    cause: "istiod wrote a status condition saying the resource is not accepted, not programmed or not bound (for example a waypoint that is missing or not ready, an unsupported policy value), so the resource does not take effect as written.",
    fix: "Read the condition's reason and message, and fix what it names (deploy the waypoint, remove the unsupported field ...).",
    verify: ["kubectl get <kind> <name> -o jsonpath='{.status}'", "istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0171/"],
  },
  equivalents: ["IST0171"],
  inputs: ["manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "negative-condition": "{resource} has condition {type}={status} ({reason})",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const loaded of view.objects) {
      const object = loaded.object;
      const status = recordOf(object.status);
      if (!status || !CONDITION_KINDS.has(object.kind)) continue;
      const lists: { conditions: unknown; path: (string | number)[] }[] = [{ conditions: status.conditions, path: ["status", "conditions"] }];
      arrayOf<Record<string, unknown>>(status.parents).forEach((parent, index) => lists.push({ conditions: parent?.conditions, path: ["status", "parents", index, "conditions"] }));
      let done = false;
      for (const { conditions, path } of lists) {
        arrayOf<Record<string, unknown>>(conditions).forEach((condition, index) => {
          if (done) return;
          const type = String(condition?.type ?? "");
          const reason = String(condition?.reason ?? "");
          if (!isIstioCondition(type)) return;
          if (String(condition?.status) !== "False" && reason !== "PartiallyInvalid") return;
          done = true;
          const message = String(condition?.message ?? "");
          reportIstio(this, ctx, {
            object,
            code: "IST0171",
            args: [type, reason, message],
            path: [...path, index],
            message: "negative-condition",
            data: { resource: refOf(object), type, status: String(condition?.status), reason },
            cause: `Istio reports ${type} ${String(condition?.status)} with reason ${reason}${message ? `: ${message}` : ""}.`,
            fix: { description: `Fix what reason ${reason} names, then check the condition again.`, commands: [kubectl("get", object, "-o yaml")] },
            verify: [kubectl("get", object, "-o jsonpath='{.status}'")],
          });
        });
      }
    }
  },
});
