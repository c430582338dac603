import { apiVersionRemovedRule } from "../../../src/rules/manifest/api-version-removed.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(apiVersionRemovedRule, {
  valid: [{ name: "apps/v1 Deployment", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") } }],
  invalid: [
    {
      name: "extensions/v1beta1 Deployment",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0").replace("apiVersion: apps/v1", "apiVersion: extensions/v1beta1") },
      expect: { category: "config-schema-error", severity: "error", resource: { line: 1 }, summary: /extensions\/v1beta1, which Kubernetes stopped serving in 1.16/, fixIncludes: ["apiVersion: apps/v1"], equivalents: ["kube-linter:no-extensions-v1beta"] },
    },
    {
      name: "batch/v1beta1 CronJob",
      mode: "lint",
      files: { "cj.yaml": "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: r\n            image: ghcr.io/acme/r:1.0.0\n" },
      expect: { summary: /1.25/, fixIncludes: ["apiVersion: batch/v1"] },
    },
  ],
});
