import { envoyFilterPatchOperation } from "../../../src/rules/istio/envoyfilter-patch-operation.js";
import { testRule } from "../../helpers/rule-tester.js";

const filter = (priority: string, applyTo: string, operation: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: reviews-lua
  namespace: bookinfo
spec:
${priority}  workloadSelector:
    labels:
      app: reviews
  configPatches:
  - applyTo: ${applyTo}
    match:
      context: SIDECAR_INBOUND
      listener:
        portNumber: 9080
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter:
              name: envoy.filters.http.router
    patch:
      operation: ${operation}
      value:
        name: envoy.lua
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
          inlineCode: |
            function envoy_on_request(request_handle)
              request_handle:headers():add("x-reviews", "lua")
            end
`;

testRule(envoyFilterPatchOperation, {
  valid: [
    { name: "INSERT_BEFORE with a priority", files: { "ef.yaml": filter("  priority: 10\n", "HTTP_FILTER", "INSERT_BEFORE") } },
    { name: "INSERT_FIRST is absolute", files: { "ef.yaml": filter("", "HTTP_FILTER", "INSERT_FIRST") } },
  ],
  invalid: [
    { name: "INSERT_BEFORE without priority", files: { "ef.yaml": filter("", "HTTP_FILTER", "INSERT_BEFORE") }, expect: { severity: "warning", resource: { line: 22 }, summary: /uses INSERT_BEFORE on HTTP_FILTER without a priority/, fixIncludes: [/priority: 10/], equivalents: ["IST0151"] } },
    { name: "REPLACE on a cluster is ignored", files: { "ef.yaml": filter("  priority: 10\n", "CLUSTER", "REPLACE") }, expect: { severity: "error", equivalents: ["IST0152"] } },
    { name: "ADD on HTTP_ROUTE is ignored", files: { "ef.yaml": filter("", "HTTP_ROUTE", "ADD") }, expect: { severity: "error", fixIncludes: [/MERGE/], equivalents: ["IST0153"] } },
  ],
});
