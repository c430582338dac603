import { referenceGrantNamespaceNotFound } from "../../../src/rules/istio/referencegrant-namespace-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, namespace } from "./ambient-fixtures.js";

const grant = (fromNs: string) => `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: allow-ingress\n  namespace: bookinfo\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: ${fromNs}\n  to:\n  - group: ""\n    kind: Service`;

testRule(referenceGrantNamespaceNotFound, {
  valid: [
    { name: "namespace exists", files: { "a.yaml": docs(namespace("bookinfo"), namespace("istio-ingress"), grant("istio-ingress")) } },
    { name: "no Namespaces in the inputs", files: { "a.yaml": docs(grant("istio-ingres")) } },
  ],
  invalid: [
    {
      name: "misspelt namespace",
      files: { "a.yaml": docs(namespace("bookinfo"), namespace("istio-ingress"), grant("istio-ingres")) },
      expect: { severity: "warning", resource: { kind: "ReferenceGrant", name: "allow-ingress" }, summary: /namespace "istio-ingres", which does not exist; did you mean "istio-ingress"\?/, equivalents: ["KIA1601"] },
    },
  ],
});
