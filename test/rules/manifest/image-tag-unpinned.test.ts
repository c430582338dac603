import { imageTagUnpinnedRule } from "../../../src/rules/manifest/image-tag-unpinned.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const image = (ref: string) => deployment(`containers:\n- name: app\n  image: ${ref}`);

testRule(imageTagUnpinnedRule, {
  valid: [
    { name: "version tag", mode: "lint", files: { "d.yaml": image("nginx:1.27.2") } },
    { name: "registry with port and tag", mode: "lint", files: { "d.yaml": image("registry.local:5000/team/api:2024.10.1") } },
    { name: "digest", mode: "lint", files: { "d.yaml": image("ghcr.io/acme/api@sha256:4c1e0c1f6a4ab2f79a3a0e4b0c7f3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d") } },
  ],
  invalid: [
    { name: "latest", mode: "lint", files: { "d.yaml": image("nginx:latest") }, expect: { category: "image-pull-failure", severity: "info", summary: /latest tag: nginx:latest/, resource: { line: 18 }, equivalents: ["kube-linter:latest-tag", "polaris:tagNotSpecified"], fixIncludes: ["image: nginx:<version>"] } },
    { name: "no tag, registry with port", mode: "lint", files: { "d.yaml": image("registry.local:5000/team/api") }, expect: { summary: /untagged image/ } },
  ],
});
