import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { HTTP_METHODS, methodProblem, operationValues } from "../../istio/authorization.js";
import { recordOf, refOf } from "../../k8s/objects.js";

/** Kiali's KIA0102: an operation's method is neither an HTTP method nor one of Istio's prefix, suffix or presence forms. */
export const authorizationPolicyMethodInvalid = defineRule({
  id: "istio/authorization-policy-method-invalid",
  category: "rbac-or-authn-denied",
  severity: "warning",
  title: "AuthorizationPolicy operation names a method no HTTP request has",
  docs: {
    cause:
      "`to.operation.methods` is matched against the request's `:method` header, case-sensitively. A value that is not an HTTP method (a gRPC method name, a typo, `get` in lower case) matches no request: an ALLOW rule then allows nothing through that operation and a DENY rule denies nothing. gRPC requests are all `POST`; the gRPC method belongs in `paths` (`/package.Service/Method`).",
    fix: "Use upper-case HTTP methods (GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE), `*`, or a prefix or suffix of one (`P*`); put gRPC methods in `paths`.",
    verify: ["istioctl x authz check <pod> -n <namespace>", "kubectl get authorizationpolicy <name> -n <namespace> -o yaml"],
    references: ["https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation", "https://kiali.io/docs/features/validations/#kia0102---only-http-methods-and-istio-wildcards-are-allowed"],
  },
  equivalents: ["KIA0102"],
  inputs: ["istio"],
  reads: ["AuthorizationPolicy"],
  scopes: ["lint", "diagnose"],
  messages: {
    "not-a-method": "{policy} {field} \"{value}\" is not an HTTP method; this operation {effect}",
    "method-wrong-case": "{policy} {field} \"{value}\" is not an HTTP method (methods are case-sensitive: {meant}); this operation {effect}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const policy of view.kind("AuthorizationPolicy")) {
      const action = String(recordOf(policy.spec)?.action ?? "ALLOW");
      for (const { value, path } of [...operationValues(policy, "methods"), ...operationValues(policy, "notMethods")]) {
        const problem = methodProblem(value);
        if (!problem) continue;
        const field = path[path.length - 2] as string;
        const grpc = /^\/?[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/.test(value);
        const meant = problem.kind === "case" ? problem.meant : grpc ? "POST" : undefined;
        const effect = field === "notMethods" ? "excludes no request" : action === "DENY" ? "denies no request" : action === "ALLOW" ? "allows no request" : "matches no request";
        reportIstio(this, ctx, {
          object: policy,
          istioMessage: "Only HTTP methods and Istio wildcards are allowed",
          path,
          ...(problem.kind === "case"
            ? { message: "method-wrong-case", data: { policy: refOf(policy), field, value, meant: problem.meant, effect } }
            : { message: "not-a-method", data: { policy: refOf(policy), field, value, effect } }),
          cause:
            problem.kind === "case"
              ? `Envoy compares the :method header case-sensitively and clients send "${problem.meant}", so "${value}" never matches.`
              : grpc
                ? `"${value}" looks like a gRPC method; every gRPC request has method POST and carries the method in its path (/${value.replace(/^\//, "")}).`
                : `"${value}" is none of ${HTTP_METHODS.join(", ")}, nor a prefix or suffix of one, so no request matches it.`,
          fix: {
            description: meant ? (grpc && problem.kind !== "case" ? `Match the gRPC method in paths ("/${value.replace(/^\//, "")}") and use method POST.` : `Use "${meant}".`) : "Use an HTTP method, `*` or a prefix or suffix of one.",
            ...(meant ? { yaml: { before: yamlOf({ [field]: [value] }), after: yamlOf(grpc && problem.kind !== "case" ? { [field]: ["POST"], paths: [`/${value.replace(/^\//, "")}`] } : { [field]: [meant] }), target: refOf(policy) } } : {}),
            commands: [kubectl("edit", policy)],
          },
          verify: [analyzeCommand(policy)],
        });
      }
    }
  },
});
