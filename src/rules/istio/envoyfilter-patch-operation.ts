import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";

const RELATIVE = new Set(["INSERT_BEFORE", "INSERT_AFTER", "REPLACE", "REMOVE"]);
const REPLACEABLE = new Set(["HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST"]);
const ROUTE_LEVEL = new Set(["ROUTE_CONFIGURATION", "HTTP_ROUTE"]);

export const envoyFilterPatchOperation = defineRule({
  id: "istio/envoyfilter-patch-operation",
  category: "istio-config-other",
  severity: "warning",
  title: "EnvoyFilter patch operation is ignored or applied in an unstable order",
  docs: {
    cause:
      "EnvoyFilter patches are applied in order of priority, then creation time. A relative operation (INSERT_BEFORE/AFTER, REPLACE, REMOVE) without `priority` depends on filters another EnvoyFilter may add or remove, so it may silently not apply, especially across an upgrade when `proxyVersion` matches change. ADD and REMOVE are ignored on ROUTE_CONFIGURATION and HTTP_ROUTE, and REPLACE only works on filters.",
    fix: "Set `priority` on EnvoyFilters that use relative operations (or use INSERT_FIRST/ADD); use MERGE for route configuration; use REPLACE only on HTTP_FILTER/NETWORK_FILTER.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config listeners deploy/<workload> -o json | grep <filter-name>"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0151/", "https://istio.io/latest/docs/reference/config/networking/envoy-filter/"],
  },
  equivalents: ["IST0151", "IST0152", "IST0153", "IST0154", "IST0155"],
  inputs: ["istio"],
  reads: ["EnvoyFilter"],
  scopes: ["lint", "diagnose"],
  messages: {
    "relative-patch-without-priority": "{filter} patch {index} uses {operation} on {applyTo} without a priority",
    "relative-patch-with-proxy-version": "{filter} patch {index} uses {operation} on {applyTo} without a priority and with a proxyVersion match",
    "operation-ignored": "{filter} patch {index} uses {operation} on {applyTo}, which Istio ignores",
  },
  analyze(ctx) {
    const { view } = ctx;
    // Filter names patched under a proxyVersion match, in the order the EnvoyFilters come.
    const versionedNames = new Set<string>();
    for (const filter of view.kind("EnvoyFilter")) {
      const spec = recordOf(filter.spec) ?? {};
      const priority = typeof spec.priority === "number" ? spec.priority : 0;
      const reported = new Set<string>();
      arrayOf<Record<string, unknown>>(spec.configPatches).forEach((configPatch, index) => {
        const patch = recordOf(configPatch?.patch);
        if (!patch) return;
        const match = recordOf(configPatch?.match);
        const value = recordOf(patch.value);
        const instance = typeof value?.name === "string" ? value.name : String(recordOf(recordOf(recordOf(match?.listener)?.filterChain)?.filter)?.name ?? "");
        const operation = String(patch.operation ?? "");
        const applyTo = String(configPatch.applyTo ?? "");
        const path = ["spec", "configPatches", index, "patch", "operation"];
        let code: string | undefined;
        if ((operation === "ADD" || operation === "REMOVE") && ROUTE_LEVEL.has(applyTo)) code = operation === "ADD" ? "IST0153" : "IST0154";
        else if (operation === "REPLACE" && !REPLACEABLE.has(applyTo)) code = "IST0152";
        else if (RELATIVE.has(operation) && priority === 0) code = versionedNames.has(instance) ? "IST0155" : "IST0151";
        if (recordOf(match?.proxy)?.proxyVersion) versionedNames.add(instance);
        if (!code || reported.has(code)) return;
        reported.add(code);
        const relative = code === "IST0151" || code === "IST0155";
        reportIstio(this, ctx, {
          object: filter,
          code,
          path,
          message: !relative ? "operation-ignored" : code === "IST0155" ? "relative-patch-with-proxy-version" : "relative-patch-without-priority",
          data: { filter: refOf(filter), index, operation, applyTo },
          cause: relative
            ? "Relative patches depend on the filters present when they are applied; without priority the order against other EnvoyFilters is not fixed, and the patch may not apply."
            : `${operation} is not supported for ${applyTo}; the patch is dropped when Istio builds the proxy configuration.`,
          fix: relative
            ? { description: "Set a priority on the EnvoyFilter (or use INSERT_FIRST/ADD).", yaml: { before: yamlOf({ spec: { configPatches: ["..."] } }), after: yamlOf({ spec: { priority: 10, configPatches: ["..."] } }), target: refOf(filter) }, commands: [kubectl("edit", filter)] }
            : { description: ROUTE_LEVEL.has(applyTo) ? "Use MERGE for route configuration and HTTP routes." : "Use REPLACE only on HTTP_FILTER or NETWORK_FILTER; use MERGE for other objects.", yaml: { before: yamlOf({ applyTo, patch: { operation } }), after: yamlOf({ applyTo, patch: { operation: "MERGE" } }), target: refOf(filter) }, commands: [kubectl("edit", filter)] },
          verify: [analyzeCommand(filter)],
        });
      });
    }
  },
});
