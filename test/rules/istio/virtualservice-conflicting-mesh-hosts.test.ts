import { virtualServiceConflictingMeshHosts } from "../../../src/rules/istio/virtualservice-conflicting-mesh-hosts.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const vs = (name: string, namespace: string, host: string, exportTo = "") => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  hosts:\n  - ${host}\n${exportTo}  http:\n  - route:\n    - destination:\n        host: ${host}`;

testRule(virtualServiceConflictingMeshHosts, {
  valid: [
    { name: "one VirtualService per host", files: { "a.yaml": docs(vs("ratings", "default", "ratings"), vs("reviews", "default", "reviews")) } },
    { name: "same host, exportTo scopes that never meet", files: { "a.yaml": docs(vs("ratings", "team1", "ratings.shared.svc.cluster.local", '  exportTo:\n  - "."\n'), vs("ratings", "team2", "ratings.shared.svc.cluster.local", '  exportTo:\n  - "."\n')) } },
  ],
  invalid: [
    {
      name: "two teams route the same FQDN for the mesh",
      files: { "a.yaml": docs(vs("ratings", "team1", "ratings.shared.svc.cluster.local"), vs("ratings-canary", "team2", "ratings.shared.svc.cluster.local")) },
      expect: [{ count: 2, severity: "error", summary: /all route host ratings.shared.svc.cluster.local/, equivalents: ["IST0109", "KIA1106"] }],
    },
  ],
});
