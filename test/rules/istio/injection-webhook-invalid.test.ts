import { injectionWebhookInvalid } from "../../../src/rules/istio/injection-webhook-invalid.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const webhook = (name: string, service: string, selector: string) => `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: ${name}\nwebhooks:\n- name: rev.namespace.sidecar-injector.istio.io\n  admissionReviewVersions: ["v1"]\n  sideEffects: None\n  clientConfig:\n    service:\n      name: ${service}\n      namespace: istio-system\n      path: /inject\n      port: 443\n  namespaceSelector:\n    matchLabels:\n${selector}`;
const istiod = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  selector:\n    app: istiod\n  ports:\n  - name: https-webhook\n    port: 443\n    targetPort: 15017`;

testRule(injectionWebhookInvalid, {
  valid: [{ name: "two revisions with their own labels", files: { "a.yaml": docs(istiod("istiod-1-26-3"), istiod("istiod-1-27-1"), webhook("istio-sidecar-injector-1-26-3", "istiod-1-26-3", "      istio.io/rev: 1-26-3"), webhook("istio-sidecar-injector-1-27-1", "istiod-1-27-1", "      istio.io/rev: 1-27-1")) } }],
  invalid: [
    { name: "webhook left over from an uninstalled revision", files: { "a.yaml": docs(istiod("istiod-1-27-1"), webhook("istio-sidecar-injector-1-25-0", "istiod-1-25-0", "      istio.io/rev: 1-25-0")) }, expect: { severity: "error", resource: { line: 24 }, summary: /calls Service istio-system\/istiod-1-25-0, which does not exist/, equivalents: ["IST0139"] } },
    { name: "two revisions select the same label", files: { "a.yaml": docs(istiod("istiod-1-26-3"), istiod("istiod-1-27-1"), webhook("istio-sidecar-injector-1-26-3", "istiod-1-26-3", "      istio-injection: enabled"), webhook("istio-sidecar-injector-1-27-1", "istiod-1-27-1", "      istio-injection: enabled")) }, expect: { count: 2, summary: /webhook rev.namespace.sidecar-injector.istio.io injects the same namespaces and pods as istio-sidecar-injector-1-2/ } },
    {
      name: "external control plane: four webhooks of one configuration without selectors",
      files: { "a.yaml": `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: istio-sidecar-injector-external-istiod\nwebhooks:\n${["rev.namespace", "rev.object", "namespace", "object"].map((name) => `- name: ${name}.sidecar-injector.istio.io\n  admissionReviewVersions: ["v1"]\n  sideEffects: None\n  clientConfig:\n    url: https://istiod.example.com:15017/inject\n`).join("")}` },
      expect: { count: 1, severity: "error", resource: { kind: "MutatingWebhookConfiguration", line: 6 }, summary: /injects the same namespaces and pods as istio-sidecar-injector-external-istiod\/namespace.sidecar-injector.istio.io/ },
    },
  ],
});
