import { imagePullSecretMissingRule } from "../../../src/rules/manifest/image-pull-secret-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, nodes } from "./fixtures.js";

const spec = (secret: string) => `
imagePullSecrets:
- name: ${secret}
containers:
- name: web
  image: registry.gitlab.com/acme/web:2.3.1
`;
const regcred = `apiVersion: v1
kind: Secret
metadata:
  name: regcred
  namespace: shop
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: e30=
`;

testRule(imagePullSecretMissingRule, {
  valid: [
    { name: "pull secret exists", mode: "lint", files: { "d.yaml": deployment(spec("regcred")), "s.yaml": regcred } },
    { name: "no imagePullSecrets", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: web\n  image: nginx:1.27.2") } },
  ],
  invalid: [
    {
      name: "misspelt pull secret",
      mode: "lint",
      files: { "d.yaml": deployment(spec("regcreds")), "s.yaml": regcred },
      expect: { category: "image-pull-failure", severity: "warning", summary: /did you mean "regcred"/, resource: { kind: "Deployment", name: "web", line: 17 }, equivalents: ["popeye:POP-305"], fixIncludes: ["- name: regcred"] },
    },
    {
      name: "missing pull secret against a cluster inventory",
      mode: "lint",
      files: { "d.yaml": deployment(spec("gitlab-pull")), "nodes.json": nodes([{ name: "node-a" }]), "s.yaml": regcred },
      expect: { severity: "error", summary: /"gitlab-pull"/, fixIncludes: ["kubectl create secret docker-registry gitlab-pull -n shop"] },
    },
  ],
});
