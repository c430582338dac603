import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";

interface Deprecation {
  path: (string | number)[];
  what: string;
  instead: string;
}

function deprecationsOf(object: KubeObject, extensionProviders: Record<string, unknown>[]): Deprecation[] {
  const spec = recordOf(object.spec) ?? {};
  const out: Deprecation[] = [];
  if (object.kind === "VirtualService") {
    arrayOf<Record<string, unknown>>(spec.http).forEach((route, index) => {
      const fault = recordOf(route?.fault);
      if (recordOf(fault?.delay)?.percent !== undefined) out.push({ path: ["spec", "http", index, "fault", "delay", "percent"], what: "HTTPFaultInjection.Delay.Percent", instead: "percentage.value" });
      if (recordOf(fault?.abort)?.percent !== undefined) out.push({ path: ["spec", "http", index, "fault", "abort", "percent"], what: "HTTPFaultInjection.Abort.Percent", instead: "percentage.value" });
    });
  }
  if (object.kind === "Sidecar") {
    if (recordOf(recordOf(spec.outboundTrafficPolicy)?.egressProxy)) out.push({ path: ["spec", "outboundTrafficPolicy", "egressProxy"], what: "Sidecar.OutboundTrafficPolicy.EgressProxy", instead: "a ServiceEntry and VirtualService routing to the egress gateway" });
  }
  if (object.kind === "Telemetry") {
    arrayOf<Record<string, unknown>>(spec.tracing).forEach((tracing, index) => {
      arrayOf<Record<string, unknown>>(tracing?.providers).forEach((provider, providerIndex) => {
        const defined = extensionProviders.find((item) => item?.name === provider?.name);
        if (defined && recordOf(defined.lightstep)) out.push({ path: ["spec", "tracing", index, "providers", providerIndex, "name"], what: `The Lightstep provider ${String(provider.name)}`, instead: "the OpenTelemetry provider" });
      });
    });
  }
  return out;
}

export const deprecatedFields = defineRule({
  id: "istio/deprecated-fields",
  category: "config-schema-error",
  severity: "warning",
  title: "Istio resource uses a deprecated field or provider",
  docs: {
    cause: "The resource uses a field Istio has deprecated (fault `percent`, Sidecar `egressProxy`) or a tracing provider that is being removed (Lightstep); it may stop working on upgrade.",
    fix: "Move to the replacement field (fault `percentage.value`, OpenTelemetry tracing).",
    verify: ["istioctl analyze -n <namespace>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0002/"],
  },
  equivalents: ["IST0002"],
  inputs: ["istio", "mesh-config"],
  reads: ["Sidecar", "Telemetry", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "deprecated-field": "{object} uses {field}, which is deprecated",
  },
  analyze(ctx) {
    const { view } = ctx;
    const providers = view.meshConfig?.extensionProviders ?? [];
    for (const kind of ["VirtualService", "Sidecar", "Telemetry"]) {
      for (const object of view.kind(kind)) {
        for (const deprecation of deprecationsOf(object, providers)) {
          reportIstio(this, ctx, {
            object,
            code: "IST0002",
            args: [`${deprecation.what} is deprecated; use ${deprecation.instead}`],
            path: deprecation.path,
            message: "deprecated-field",
            data: { object: refOf(object), field: deprecation.what },
            cause: `${deprecation.what} is deprecated and may be removed in a future Istio release.`,
            fix: { description: `Use ${deprecation.instead}.`, commands: [kubectl("edit", object)] },
            verify: [analyzeCommand(object)],
          });
        }
      }
    }
  },
});
