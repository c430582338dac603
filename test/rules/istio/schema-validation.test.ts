import { schemaValidation } from "../../../src/rules/istio/schema-validation.js";
import { describe, expect, it } from "vitest";
import { runRule, testRule } from "../../helpers/rule-tester.js";
import { docs, ingressGateway, reviewsDestinationRule, reviewsVirtualService } from "./fixtures.js";

testRule(schemaValidation, {
  valid: [
    { name: "valid VirtualService", files: { "vs.yaml": reviewsVirtualService("v1") } },
    { name: "valid DestinationRule", files: { "dr.yaml": reviewsDestinationRule("v1", "v2") } },
    { name: "Kubernetes objects are not Istio's to validate", files: { "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  key: value\n" } },
  ],
  invalid: [
    {
      name: "port number as a string",
      files: { "vs.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings\n  namespace: default\nspec:\n  hosts:\n  - ratings\n  http:\n  - route:\n    - destination:\n        host: ratings\n        port:\n          number: "9080"\n` },
      expect: { severity: "error", resource: { line: 14 }, summary: /spec.http\[0\].route\[0\].destination.port.number: expected an integer, got string "9080"/, equivalents: ["IST0106"] },
    },
    {
      name: "misspelt field subset in a DestinationRule",
      files: { "dr.yaml": `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  host: reviews\n  subset:\n  - name: v1\n    labels:\n      version: v1\n` },
      expect: { resource: { line: 8 }, summary: /unknown field "subset" \(did you mean "subsets"\?\)/, fixIncludes: [/subsets:/] },
    },
    { name: "hosts as a string", files: { "vs.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n` }, expect: { summary: /spec.hosts: expected a list, got string/ } },
    { name: "unknown CRD kind", files: { "x.yaml": `apiVersion: networking.istio.io/v1\nkind: VirtualServce\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - reviews\n` }, expect: { summary: /kind VirtualServce is not served by networking.istio.io \(did you mean VirtualService\?\)/ } },
    { name: "bad enum value", files: { "pa.yaml": `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: strict\n` }, expect: { summary: /"strict" is not one of UNSET, DISABLE, PERMISSIVE, STRICT/, fixIncludes: [/mode: STRICT/] } },
  ],
});

/** An Istio Gateway of Istio's virtualservice_gateways.yaml case: a selector, and servers only when given. */
const gateway = (name: string, selector: Record<string, string>, servers = ""): string =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  selector:\n${Object.entries(selector).map(([key, value]) => `    ${key}: ${value}\n`).join("")}${servers}`;
const server = "  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts: [\"*\"]\n";
const ingress = { istio: "ingressgateway" };
const gatewayPod = (labels: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: internal-gateway\n  namespace: istio-system\n  labels:\n${labels}spec:\n  containers:\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1\n`;

/** The codes of the Gateway's findings, as (name: codes). */
function gatewayCodes(text: string): string[] {
  return runRule(schemaValidation, { name: "gateways", files: { "a.yaml": text } })
    .filter((finding) => finding.resource.kind === "Gateway")
    .map((finding) => `${finding.resource.name}: ${finding.equivalents.join(",")}`);
}

describe("istio/schema-validation: a Gateway without servers, as istioctl analyze reports it", () => {
  it("is IST0106 and IST0101 (its selector looked up among the servers of the Gateways finds nothing, though its pods exist)", () => {
    const findings = runRule(schemaValidation, { name: "alone", files: { "a.yaml": docs(ingressGateway, gateway("httpbin-gateway", ingress)) } });
    expect(findings.map((finding) => finding.equivalents)).toEqual([["IST0106", "IST0101"]]);
    expect(findings[0]!.summary).toMatch(/spec.servers: gateway must have at least one server/);
    expect(findings[0]!.evidence.map((item) => item.text)).toContain('istioctl analyze also reports IST0101 Referenced selector not found: "istio=ingressgateway": it looks a Gateway\'s selector up among the servers of the Gateways, and this one has none');
  });
  it("is IST0106 alone when another Gateway serves with the same selector", () => {
    expect(gatewayCodes(docs(ingressGateway, gateway("empty", ingress), gateway("served", ingress, server)))).toEqual(["empty: IST0106"]);
  });
  it("is IST0106 alone when a Gateway with servers has a selector containing it and a pod matches both", () => {
    const text = docs(gatewayPod("    istio: ingressgateway\n    type: internal\n"), gateway("empty", ingress), gateway("internal", { istio: "ingressgateway", type: "internal" }, server));
    expect(gatewayCodes(text)).toEqual(["empty: IST0106"]);
  });
  it("is IST0106 and IST0101 when the containing selector matches no pod", () => {
    expect(gatewayCodes(docs(ingressGateway, gateway("empty", ingress), gateway("internal", { istio: "ingressgateway", type: "internal" }, server)))).toEqual(["empty: IST0106,IST0101"]);
  });
  it("is IST0106 alone when no pod has the selector's labels: istio/gateway-workload-not-found gives that IST0101", () => {
    expect(gatewayCodes(docs(ingressGateway, gateway("httpbin-gateway", { istio: "ingresstypo" })))).toEqual(["httpbin-gateway: IST0106"]);
  });
  it("is IST0106 alone without a selector", () => {
    const text = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: empty\n  namespace: default\nspec: {}\n";
    expect(gatewayCodes(text)).toEqual(["empty: IST0106"]);
  });
});
