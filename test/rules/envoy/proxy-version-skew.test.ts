import { proxyVersionSkew } from "../../../src/rules/envoy/proxy-version-skew.js";
import { testRule } from "../../helpers/rule-tester.js";
import { catalogMesh127, perType124, json130 } from "./proxy-status-fixtures.js";

testRule(proxyVersionSkew, {
  valid: [{ name: "all proxies on 1.27.0", files: { "proxy-status.txt": catalogMesh127 } }],
  invalid: [
    { name: "a gateway still on 1.22 after the upgrade to 1.24", files: { "proxy-status.txt": perType124 }, expect: { resource: { name: "istio-ingressgateway-74df47f5f9-nv65v", namespace: "istio-system" }, summary: "proxy istio-ingressgateway-74df47f5f9-nv65v.istio-system runs Istio 1.22.1, the newest proxy runs 1.24.2" } },
    { name: "JSON names istiod's own version", files: { "proxy-status.json": json130 }, expect: { summary: "proxy ratings-v1-f745cf57b-qrxl2.bookinfo runs Istio 1.28.1, istiod runs 1.30.0", severity: "warning" } },
  ],
});
