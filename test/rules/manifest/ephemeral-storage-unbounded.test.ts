import { ephemeralStorageUnboundedRule } from "../../../src/rules/manifest/ephemeral-storage-unbounded.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

testRule(ephemeralStorageUnboundedRule, {
  valid: [
    { name: "request and limit", mode: "lint", files: { "d.yaml": deployment('containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\n  resources:\n    requests: { ephemeral-storage: 1Gi }\n    limits: { ephemeral-storage: 2Gi }') } },
    { name: "emptyDir with sizeLimit", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\nvolumes:\n- name: cache\n  emptyDir:\n    sizeLimit: 500Mi") } },
  ],
  invalid: [
    {
      name: "request without limit",
      mode: "lint",
      files: { "d.yaml": deployment('containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\n  resources:\n    requests: { ephemeral-storage: 2Gi }') },
      expect: { category: "disk-full", severity: "info", summary: /ephemeral-storage request but no limit/, fixIncludes: ["ephemeral-storage: 2Gi"] },
    },
    { name: "emptyDir without sizeLimit", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\nvolumes:\n- name: cache\n  emptyDir: {}") }, expect: { summary: /emptyDir volume cache/, fixIncludes: ["sizeLimit: 1Gi"] } },
  ],
});
