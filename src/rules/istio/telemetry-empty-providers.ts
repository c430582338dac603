import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";

const SECTIONS = ["accessLogging", "tracing", "metrics"] as const;

export const telemetryEmptyProviders = defineRule({
  id: "istio/telemetry-empty-providers",
  category: "istio-config-other",
  severity: "warning",
  title: "Telemetry entry without providers is ignored",
  docs: {
    cause: "An accessLogging, tracing or metrics entry names no provider and MeshConfig defines no default provider for it, so Istio ignores the entry (the filter or sampling it sets never applies).",
    fix: "Name the provider in the entry (`providers: [{name: envoy}]`), or set `defaultProviders` in MeshConfig.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config listeners deploy/<workload> -o json | grep access_log"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0157/"],
  },
  equivalents: ["IST0157"],
  inputs: ["istio", "mesh-config"],
  reads: ["Telemetry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "no-provider": "{resource} {section}[{index}] names no provider, so Istio ignores it",
  },
  analyze(ctx) {
    const { view } = ctx;
    const defaults = view.meshConfig?.defaultProviders ?? {};
    for (const telemetry of view.kind("Telemetry")) {
      const spec = recordOf(telemetry.spec) ?? {};
      let reported = false;
      for (const section of SECTIONS) {
        if (reported) break;
        if ((defaults[section] ?? []).length > 0) continue;
        arrayOf<Record<string, unknown>>(spec[section]).forEach((entry, index) => {
          if (reported || entry?.disabled === true || arrayOf(entry?.providers).length > 0) return;
          reported = true;
          reportIstio(this, ctx, {
            object: telemetry,
            code: "IST0157",
            args: [nameOf(telemetry), namespaceOf(telemetry)],
            path: ["spec", section, index],
            message: "no-provider",
            data: { resource: refOf(telemetry), section, index },
            cause: `No provider in the entry and no default ${section} provider in MeshConfig: the entry configures nothing.`,
            fix: {
              description: "Name the provider this entry is for.",
              yaml: { before: yamlOf({ [section]: [entry] }), after: yamlOf({ [section]: [{ providers: [{ name: section === "accessLogging" ? "envoy" : section === "metrics" ? "prometheus" : "otel" }], ...entry }] }), target: refOf(telemetry) },
              commands: [kubectl("edit", telemetry)],
            },
            verify: [analyzeCommand(telemetry)],
          });
        });
      }
    }
  },
});
