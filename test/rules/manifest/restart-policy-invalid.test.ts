import { restartPolicyInvalidRule } from "../../../src/rules/manifest/restart-policy-invalid.js";
import { testRule } from "../../helpers/rule-tester.js";
import { cronJob, deployment } from "./fixtures.js";

testRule(restartPolicyInvalidRule, {
  valid: [
    { name: "Deployment without restartPolicy", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") } },
    { name: "CronJob with OnFailure", mode: "lint", files: { "cj.yaml": cronJob("containers:\n- name: job\n  image: ghcr.io/acme/job:1.0.0") } },
  ],
  invalid: [
    {
      name: "Deployment with restartPolicy Never",
      mode: "lint",
      files: { "d.yaml": deployment("restartPolicy: Never\ncontainers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0") },
      expect: { category: "config-schema-error", severity: "error", resource: { line: 16 }, summary: /restartPolicy Never is not allowed for a Deployment/ },
    },
    {
      name: "Job template without restartPolicy",
      mode: "lint",
      files: { "job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: migrate\n        image: ghcr.io/acme/migrate:1.0.0\n" },
      expect: { summary: /defaults to Always/, fixIncludes: ["restartPolicy: OnFailure"] },
    },
  ],
});
