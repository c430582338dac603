import { ambientAuthorizationWithoutWaypoint } from "../../../src/rules/istio/ambient-authorization-without-waypoint.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, docs, l4Policy, l7Policy, namespace, pod, selectApp, service, targetService, waypoint } from "./ambient-fixtures.js";

const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient" });
const enrolled = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });

testRule(ambientAuthorizationWithoutWaypoint, {
  valid: [
    { name: "waypoint enrolled and deployed", files: { "a.yaml": docs(enrolled, waypoint("bookinfo"), deployment("productpage", "bookinfo"), l7Policy("bookinfo", selectApp("productpage"))) } },
    { name: "Service enrolled in an existing waypoint", files: { "a.yaml": docs(ambient, waypoint("bookinfo"), service("productpage", "bookinfo", { "istio.io/use-waypoint": "waypoint" }), deployment("productpage", "bookinfo"), l7Policy("bookinfo", targetService("productpage"))) } },
    { name: "L4 policy only", files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo"), l4Policy("bookinfo")) } },
    { name: "policy selects another workload", files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo"), l7Policy("bookinfo", selectApp("reviews"))) } },
    { name: "sidecar workload", files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled" }), deployment("productpage", "bookinfo"), l7Policy("bookinfo", selectApp("productpage"))) } },
    { name: "workload opted out of ambient", files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo", { "istio.io/dataplane-mode": "none" }), l7Policy("bookinfo", "")) } },
  ],
  invalid: [
    {
      name: "ambient workload selected by an L7 policy, no waypoint",
      files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo"), pod("productpage", "bookinfo", "ambient"), l7Policy("bookinfo", selectApp("productpage"))) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "productpage-v1" }, count: 1, summary: /AuthorizationPolicy bookinfo\/productpage-viewer applies L7 rules \(HTTP methods\)/, equivalents: ["KIA1317"] },
    },
    { name: "namespace-wide L7 policy", files: { "a.yaml": docs(ambient, deployment("productpage", "bookinfo"), l7Policy("bookinfo", "")) }, expect: { equivalents: ["KIA1317"] } },
    { name: "policy targets the workload's Service", files: { "a.yaml": docs(ambient, service("productpage", "bookinfo"), deployment("productpage", "bookinfo"), l7Policy("bookinfo", targetService("productpage"))) }, expect: { equivalents: ["KIA1317"] } },
    { name: "enrolled in a waypoint that does not exist", files: { "a.yaml": docs(enrolled, deployment("productpage", "bookinfo"), l7Policy("bookinfo", selectApp("productpage"))) }, expect: { equivalents: ["KIA1317"] } },
  ],
});
