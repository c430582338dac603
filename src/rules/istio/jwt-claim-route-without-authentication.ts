import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { gatewayPods } from "../../istio/gateways.js";
import { rootNamespace } from "../../istio/mtls.js";
import { arrayOf, namespaceOf, nameOf, recordOf, refOf, stringMapOf } from "../../k8s/objects.js";
import { resolveGatewayRef } from "../../istio/virtual-service.js";
import { ISTIO_WORKLOAD_SELECTOR, labelMapMatches } from "../../k8s/selectors.js";

const CLAIM_PREFIX = "@request.auth.claims.";

export const jwtClaimRouteWithoutAuthentication = defineRule({
  id: "istio/jwt-claim-route-without-authentication",
  category: "rbac-or-authn-denied",
  severity: "error",
  title: "Routing on a JWT claim at a gateway with no RequestAuthentication",
  docs: {
    cause: "A gateway route matches on `@request.auth.claims.*`, but no RequestAuthentication applies to the gateway pods: the JWT is never validated, the claims are never available, and the route never matches.",
    fix: "Add a RequestAuthentication that selects the gateway pods (in their namespace) with the issuer and jwksUri of the tokens.",
    verify: ["istioctl analyze -n <namespace>", "kubectl get requestauthentication -A"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0149/", "https://istio.io/latest/docs/tasks/security/authentication/jwt-route/"],
  },
  equivalents: ["IST0149"],
  inputs: ["istio", "pods", "workloads", "mesh-config"],
  reads: ["CronJob", "DaemonSet", "Deployment", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "RequestAuthentication", "StatefulSet", "VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "claims-never-validated": "{resource} routes on {claim}, but no RequestAuthentication applies to the pods of gateway {gateway} ({pod})",
  },
  analyze(ctx) {
    const { view } = ctx;
    const authentications = view.kind("RequestAuthentication");
    for (const vs of view.kind("VirtualService")) {
      const spec = recordOf(vs.spec) ?? {};
      let claim: { key: string; path: (string | number)[] } | undefined;
      arrayOf<Record<string, unknown>>(spec.http).forEach((rule, ruleIndex) => {
        arrayOf<Record<string, unknown>>(rule?.match).forEach((match, matchIndex) => {
          for (const key of Object.keys(recordOf(match?.headers) ?? {})) if (!claim && key.startsWith(CLAIM_PREFIX)) claim = { key, path: ["spec", "http", ruleIndex, "match", matchIndex, "headers", key] };
        });
      });
      if (!claim) continue;
      for (const ref of arrayOf(spec.gateways)) {
        if (typeof ref !== "string" || ref === "mesh") continue;
        const target = resolveGatewayRef(ref, namespaceOf(vs));
        const gateway = view.kind("Gateway").find((item) => nameOf(item) === target.name && namespaceOf(item) === target.namespace);
        if (!gateway) continue;
        for (const pod of gatewayPods(view, gateway)) {
          const covered = authentications.some((ra) => {
            const selector = stringMapOf(recordOf(recordOf(ra.spec)?.selector)?.matchLabels);
            const namespace = namespaceOf(ra);
            if (Object.keys(selector).length === 0) return namespace === pod.namespace || namespace === rootNamespace(view);
            return namespace === pod.namespace && labelMapMatches(selector, pod.labels, ISTIO_WORKLOAD_SELECTOR);
          });
          if (covered) continue;
          reportIstio(this, ctx, {
            object: vs,
            code: "IST0149",
            args: [claim.key.slice(CLAIM_PREFIX.length), `${target.namespace ? `${target.namespace}/` : ""}${target.name}`, `${pod.namespace ? `${pod.namespace}/` : ""}${nameOf(pod.object)}`],
            path: claim.path,
            message: "claims-never-validated",
            data: { resource: refOf(vs), claim: claim.key, gateway: ref, pod: nameOf(pod.object) },
            cause: "Claims are only available after a RequestAuthentication validated the token at the gateway; without one this match never succeeds.",
            fix: {
              description: "Validate JWTs at the gateway pods.",
              yaml: {
                before: "",
                after: yamlOf({ apiVersion: "security.istio.io/v1", kind: "RequestAuthentication", metadata: { name: "ingress-jwt", namespace: pod.namespace || "istio-system" }, spec: { selector: { matchLabels: stringMapOf(recordOf(gateway.spec)?.selector) }, jwtRules: [{ issuer: "https://<issuer>", jwksUri: "https://<issuer>/.well-known/jwks.json" }] } }),
                target: `RequestAuthentication ${pod.namespace || "istio-system"}/ingress-jwt`,
              },
              commands: ["kubectl apply -f requestauthentication.yaml", kubectl("get", gateway, "-o yaml")],
            },
            verify: [analyzeCommand(vs)],
          });
          break;
        }
      }
    }
  },
});
