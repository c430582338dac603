import { ambientWaypointLabelOutsideAmbient } from "../../../src/rules/istio/ambient-waypoint-label-outside-ambient.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, docs, namespace, pod } from "./ambient-fixtures.js";

const enrolled = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });

testRule(ambientWaypointLabelOutsideAmbient, {
  valid: [
    { name: "ambient pod", files: { "a.yaml": docs(enrolled, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "ambient")) } },
    { name: "no waypoint label", files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled" }), pod("reviews", "bookinfo", "sidecar")) } },
    { name: "opted out of ambient", files: { "a.yaml": docs(enrolled, pod("reviews", "bookinfo", "none", { "istio.io/dataplane-mode": "none" })) } },
    { name: "manifests: ambient namespace enrolled in a waypoint", files: { "a.yaml": docs(enrolled, deployment("reviews", "bookinfo")) } },
    { name: "manifests: template asks for ambient", files: { "a.yaml": docs(namespace("bookinfo"), deployment("reviews", "bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" })) } },
    { name: "manifests: Namespace not among them", files: { "a.yaml": docs(deployment("reviews", "bookinfo", { "istio.io/use-waypoint": "waypoint" })) } },
    { name: "manifests: template opts out of ambient", files: { "a.yaml": docs(namespace("bookinfo", { "istio.io/use-waypoint": "waypoint" }), deployment("reviews", "bookinfo", { "istio.io/dataplane-mode": "none" })) } },
  ],
  invalid: [
    {
      name: "manifests: namespace enrolled in a waypoint but not ambient",
      files: { "a.yaml": docs(namespace("bookinfo", { "istio.io/use-waypoint": "waypoint" }), deployment("reviews", "bookinfo")) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "reviews-v1" }, summary: /ztunnel will not capture its pods: neither its template nor namespace bookinfo has istio.io\/dataplane-mode=ambient/, equivalents: ["KIA1312"] },
    },
    {
      name: "manifests: ambient namespace, template asks for a sidecar",
      files: { "a.yaml": docs(enrolled, deployment("reviews", "bookinfo", { "sidecar.istio.io/inject": "true" })) },
      expect: { summary: /the injector adds a sidecar \(its template's label sidecar.istio.io\/inject=true\)/, equivalents: ["KIA1312"] },
    },
    {
      name: "namespace use-waypoint but pods run sidecars",
      files: { "a.yaml": docs(namespace("bookinfo", { "istio-injection": "enabled", "istio.io/use-waypoint": "waypoint" }), deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "sidecar")) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "reviews-v1" }, summary: /none of its 1 pod\(s\) is captured by ztunnel/, equivalents: ["KIA1312"] },
    },
    {
      name: "pod labelled for a waypoint outside the mesh",
      files: { "a.yaml": docs(namespace("bookinfo"), pod("reviews", "bookinfo", "none", { "istio.io/use-waypoint": "waypoint" })) },
      expect: { summary: /on its workload/, equivalents: ["KIA1312"] },
    },
  ],
});
