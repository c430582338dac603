import { externalControlPlaneWebhook } from "../../../src/rules/istio/external-control-plane-webhook.js";
import { testRule } from "../../helpers/rule-tester.js";

const webhook = (url: string) => `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: istio-sidecar-injector-external-istiod\nwebhooks:\n- name: rev.namespace.sidecar-injector.istio.io\n  admissionReviewVersions: ["v1"]\n  sideEffects: None\n  clientConfig:\n    url: ${url}\n  namespaceSelector:\n    matchLabels:\n      istio.io/rev: default\n`;

testRule(externalControlPlaneWebhook, {
  valid: [{ name: "hostname", files: { "wh.yaml": webhook("https://istiod.example.com:15017/inject/cluster/remote1/net/network1") } }],
  invalid: [
    { name: "blank URL", files: { "wh.yaml": webhook("") }, expect: { severity: "warning", resource: { line: 10 }, summary: /blank URL/, equivalents: ["IST0163"] } },
    { name: "IP address", files: { "wh.yaml": webhook("https://203.0.113.7:15017/inject/cluster/remote1/net/network1") }, expect: { severity: "info", summary: /by IP address 203.0.113.7/, equivalents: ["IST0164"] } },
  ],
});
