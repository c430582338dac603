import { proxyImageMismatch } from "../../../src/rules/istio/proxy-image-mismatch.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const injector = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio-sidecar-injector\n  namespace: istio-system\ndata:\n  values: '{"global":{"hub":"docker.io/istio","tag":"1.27.1","proxy":{"image":"proxyv2"}},"revision":""}'`;
const namespace = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled`;
const pod = (tag: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: cart-7d9f8c-x2x4q\n  namespace: shop\n  labels:\n    app: cart\nspec:\n  containers:\n  - name: cart\n    image: registry.example.com/shop/cart:4.2.0\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:${tag}`;

testRule(proxyImageMismatch, {
  valid: [
    { name: "proxy matches the injector", files: { "a.yaml": docs(injector, namespace, pod("1.27.1")) } },
    { name: "distroless variant of the same version", files: { "a.yaml": docs(injector, namespace, pod("1.27.1-distroless")) } },
  ],
  invalid: [{ name: "pods still on 1.26.3 after the upgrade", files: { "a.yaml": docs(injector, namespace, pod("1.26.3")) }, expect: { severity: "warning", resource: { kind: "Namespace", name: "shop" }, summary: /run docker.io\/istio\/proxyv2:1.26.3, but the default injector now injects docker.io\/istio\/proxyv2:1.27.1/, fixIncludes: [/kubectl rollout restart deployment -n shop/], equivalents: ["IST0158"] } }],
});
