import { imageAutoWithoutInjection } from "../../../src/rules/istio/image-auto-without-injection.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const namespace = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-ingress\n${labels}`;
const gateway = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-ingress\nspec:\n  selector:\n    matchLabels:\n      istio: ingressgateway\n  template:\n    metadata:\n      annotations:\n        inject.istio.io/templates: gateway\n      labels:\n        istio: ingressgateway\n    spec:\n      containers:\n      - name: istio-proxy\n        image: auto`;

testRule(imageAutoWithoutInjection, {
  valid: [{ name: "namespace labelled for injection", files: { "gw.yaml": docs(namespace("  labels:\n    istio-injection: enabled\n"), gateway) } }],
  invalid: [{ name: "gateway deployment in an unlabelled namespace", files: { "gw.yaml": docs(namespace(""), gateway) }, expect: { severity: "warning", resource: { kind: "Deployment", line: 24 }, summary: /image: auto but no injection webhook selects it/, fixIncludes: [/sidecar.istio.io\/inject: "true"/], equivalents: ["IST0146"] } }],
});
