import { imageReferenceInvalidRule } from "../../../src/rules/manifest/image-reference-invalid.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const image = (ref: string) => deployment(`containers:\n- name: app\n  image: ${ref}`);

testRule(imageReferenceInvalidRule, {
  valid: [{ name: "valid reference", mode: "lint", files: { "d.yaml": image("docker.io/library/busybox:1.36") } }],
  invalid: [
    {
      name: "upper-case repository (kubelet: repository name must be lowercase)",
      mode: "lint",
      files: { "d.yaml": image("busyBOX") },
      expect: { category: "image-pull-failure", severity: "error", summary: /repository name must be lowercase/, fixIncludes: ["image: busybox"] },
    },
    { name: "URL scheme", mode: "lint", files: { "d.yaml": image("https://ghcr.io/acme/api:1.0") }, expect: { summary: /URL scheme/, fixIncludes: ["image: ghcr.io/acme/api:1.0"] } },
    { name: "missing image", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  command: [\"/app\"]") }, expect: { category: "config-schema-error" } },
  ],
});
