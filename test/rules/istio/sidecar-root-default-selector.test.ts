import { sidecarRootDefaultSelector } from "../../../src/rules/istio/sidecar-root-default-selector.js";
import { testRule } from "../../helpers/rule-tester.js";

const sidecar = (namespace: string, selector: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n${selector}  egress:\n  - hosts: ["./*", "istio-system/*"]\n`;
const selector = "  workloadSelector:\n    labels:\n      app: ratings\n";
const meshConfig = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |-\n    rootNamespace: istio-config\n`;

testRule(sidecarRootDefaultSelector, {
  valid: [
    { name: "mesh-wide default without selector", files: { "sc.yaml": sidecar("istio-system", "") } },
    { name: "namespace Sidecar with a selector", files: { "sc.yaml": sidecar("bookinfo", selector) } },
    { name: "istio-system is not the root namespace", files: { "sc.yaml": sidecar("istio-system", selector), "mesh.yaml": meshConfig } },
  ],
  invalid: [
    { name: "root Sidecar with a selector", files: { "sc.yaml": sidecar("istio-system", selector) }, expect: { severity: "warning", resource: { kind: "Sidecar", namespace: "istio-system", line: 7 }, summary: /root namespace istio-system but selects app=ratings/, equivalents: ["KIA1006"] } },
    { name: "configured root namespace", files: { "sc.yaml": sidecar("istio-config", selector), "mesh.yaml": meshConfig }, expect: { summary: /root namespace istio-config/ } },
  ],
});
