import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { recordOf, refOf } from "../../k8s/objects.js";
import { routeLists } from "../../istio/virtual-service.js";

export const virtualServiceRouteWeights = defineRule({
  id: "istio/virtualservice-route-weights",
  category: "routing-conflict",
  severity: "warning",
  title: "Route weights do not add up to 100",
  docs: {
    cause: "The weights of a route's destinations do not add up to 100 (or a single destination has a weight below 100). Istio normalises them, so the traffic split is not the percentages written (a 90/20 canary sends 18% to the canary, not 20%); older admission webhooks reject the resource.",
    fix: "Make the weights of each route add up to exactly 100; give a single destination no weight (or 100).",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config routes deploy/<client> -o json | grep -A3 weighted_clusters"],
    references: ["https://istio.io/latest/docs/reference/config/networking/virtual-service/#RouteDestination", "https://kiali.io/docs/features/validations/#kia1104---the-weight-is-assumed-to-be-100-because-there-is-only-one-route-destination"],
  },
  equivalents: ["KIA1104"],
  inputs: ["istio"],
  reads: ["VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "single-weighted-destination": "{resource} {protocol}[{rule}] has one destination with weight {weight}, which Istio treats as 100",
    "weights-not-100": "{resource} {protocol}[{rule}] weights add up to {total}, not 100 (effective split {split})",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const vs of view.kind("VirtualService")) {
      for (const { protocol, ruleIndex, routes } of routeLists(vs)) {
        const weights = routes.map((route) => (typeof route?.weight === "number" ? route.weight : undefined));
        if (weights.every((weight) => weight === undefined)) continue;
        const total = weights.reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
        const single = routes.length === 1;
        if (total === 100 || (single && weights[0] === undefined)) continue;
        const scaled = routes.map((route, index) => {
          const weight = weights[index] ?? 0;
          return { ...route, weight: total > 0 ? Math.round((weight * 100) / total) : Math.floor(100 / routes.length) };
        });
        const drift = 100 - scaled.reduce((sum, route) => sum + (route.weight as number), 0);
        if (scaled.length > 0) (scaled[0]!.weight as number) += drift;
        const effective = routes.map((route, index) => `${String(recordOf(route?.destination)?.host ?? "?")}${recordOf(route?.destination)?.subset ? `/${String(recordOf(route?.destination)?.subset)}` : ""}: ${total > 0 ? (((weights[index] ?? 0) * 100) / total).toFixed(1) : "?"}%`);
        reportIstio(this, ctx, {
          object: vs,
          istioMessage: single ? `The weight is assumed to be 100 because there is only one route destination (weight ${weights[0]})` : `Route weights add up to ${total}, not 100`,
          equivalents: single ? ["KIA1104"] : [],
          path: ["spec", protocol, ruleIndex, "route"],
          message: single ? "single-weighted-destination" : "weights-not-100",
          data: { resource: refOf(vs), protocol, rule: ruleIndex, ...(single ? { weight: weights[0]! } : { total, split: effective.join(", ") }) },
          cause: single ? "With one destination all traffic goes to it whatever its weight says; the weight suggests a split that does not happen." : "Istio scales the weights to their sum, so the split differs from the numbers written, or the resource is rejected by validation.",
          fix: {
            description: single ? "Remove the weight, or add the other destination of the split." : "Scale the weights to add up to 100.",
            yaml: { before: yamlOf({ route: routes }), after: yamlOf({ route: single ? routes.map(({ weight: _weight, ...rest }) => rest) : scaled }), target: refOf(vs) },
            commands: [kubectl("edit", vs)],
          },
          verify: [analyzeCommand(vs)],
        });
      }
    }
  },
});
