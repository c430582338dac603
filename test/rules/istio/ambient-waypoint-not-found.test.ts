import { ambientWaypointNotFound } from "../../../src/rules/istio/ambient-waypoint-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, docs, namespace, pod, waypoint } from "./ambient-fixtures.js";

const enrolled = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
const ambient = namespace("bookinfo", { "istio.io/dataplane-mode": "ambient" });
const waypointPod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: waypoint-7d9c8b5f4-abcde\n  namespace: bookinfo\n  labels:\n    gateway.networking.k8s.io/gateway-name: waypoint\n    gateway.istio.io/managed: istio.io-mesh-controller\nspec:\n  containers:\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1`;

testRule(ambientWaypointNotFound, {
  valid: [
    { name: "waypoint Gateway exists", files: { "a.yaml": docs(enrolled, waypoint("bookinfo"), deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "ambient")) } },
    { name: "waypoint proxy pod exists (Gateway not in the inputs)", files: { "a.yaml": docs(enrolled, waypointPod, pod("reviews", "bookinfo", "ambient")) } },
    { name: "waypoint in another namespace by use-waypoint-namespace", files: { "a.yaml": docs(namespace("istio-waypoints"), waypoint("istio-waypoints", "shared"), ambient, pod("reviews", "bookinfo", "ambient", { "istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "istio-waypoints" })) } },
    { name: "workload opts out with none", files: { "a.yaml": docs(enrolled, pod("reviews", "bookinfo", "ambient", { "istio.io/use-waypoint": "none" })) } },
    { name: "manifests: waypoint Gateway among them", files: { "a.yaml": docs(enrolled, waypoint("bookinfo"), deployment("reviews", "bookinfo")) } },
    { name: "manifests: scaled to zero", files: { "a.yaml": docs(enrolled, deployment("reviews", "bookinfo").replace("spec:\n  selector:", "spec:\n  replicas: 0\n  selector:")) } },
    { name: "manifests: Namespace not among them", files: { "a.yaml": docs(deployment("reviews", "bookinfo", { "istio.io/use-waypoint": "waypoint" })) } },
    { name: "waypoint namespace not in the inputs", files: { "a.yaml": docs(ambient, pod("reviews", "bookinfo", "ambient", { "istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "istio-waypoints" })) } },
  ],
  invalid: [
    {
      name: "manifests: namespace enrolled in a waypoint they do not define",
      files: { "a.yaml": docs(enrolled, deployment("reviews", "bookinfo")) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "reviews-v1" }, summary: /on its namespace\), but no waypoint bookinfo\/waypoint exists/, equivalents: ["KIA1313"] },
    },
    {
      name: "manifests: template label names a waypoint that serves nothing",
      files: { "a.yaml": docs(ambient, waypoint("bookinfo", "reviews-waypoint", { "istio.io/waypoint-for": "none" }), deployment("reviews", "bookinfo", { "istio.io/use-waypoint": "reviews-waypoint" })) },
      expect: { summary: /on its workload\), but waypoint bookinfo\/reviews-waypoint has istio.io\/waypoint-for=none/, equivalents: ["KIA1313"] },
    },
    {
      name: "namespace enrolled in a waypoint that does not exist",
      files: { "a.yaml": docs(enrolled, deployment("reviews", "bookinfo"), pod("reviews", "bookinfo", "ambient")) },
      expect: { severity: "warning", resource: { kind: "Deployment", name: "reviews-v1" }, summary: /enrolled in waypoint bookinfo\/waypoint \(istio.io\/use-waypoint on its namespace\), but no waypoint bookinfo\/waypoint exists/, fixIncludes: [/istioctl waypoint apply -n bookinfo --name waypoint/], equivalents: ["KIA1313"] },
    },
    {
      name: "pod label names a misspelt waypoint",
      files: { "a.yaml": docs(ambient, waypoint("bookinfo", "reviews-waypoint"), pod("reviews", "bookinfo", "ambient", { "istio.io/use-waypoint": "reviews-waypiont" })) },
      expect: { summary: /on its workload/, equivalents: ["KIA1313"] },
    },
    {
      name: "waypoint serves no traffic (waypoint-for none)",
      files: { "a.yaml": docs(enrolled, waypoint("bookinfo", "waypoint", { "istio.io/waypoint-for": "none" }), pod("reviews", "bookinfo", "ambient")) },
      expect: { summary: /waypoint-for=none/, equivalents: ["KIA1313"] },
    },
  ],
});
