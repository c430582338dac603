import { proxySubscriptionsMissing } from "../../../src/rules/envoy/proxy-subscriptions-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { catalogMesh127, perType124, subscribed127 } from "./proxy-status-fixtures.js";

testRule(proxySubscriptionsMissing, {
  valid: [
    { name: "the 1.27 default layout with every sidecar subscribed (egress gateway without RDS is normal)", files: { "proxy-status.txt": catalogMesh127 } },
    { name: "per-type layouts are read by the sync rule instead", files: { "proxy-status.txt": perType124 } },
  ],
  invalid: [
    {
      name: "a sidecar subscribed to nothing; ztunnel's workload types are fine",
      files: { "proxy-status.txt": subscribed127 },
      expect: { resource: { kind: "Pod", namespace: "shop", name: "orders-6c9f8d7b5-4xkzq" }, summary: "proxy orders-6c9f8d7b5-4xkzq.shop subscribes to no xDS types: no CDS or LDS from istiod-85798b5866-8ptm6", evidence: [/SUBSCRIBED TYPES 0/], count: 1 },
    },
  ],
});
