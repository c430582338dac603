import { commandSingleStringRule } from "../../../src/rules/manifest/command-single-string.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const image = (ref: string) => deployment(`containers:\n- name: app\n  image: ${ref}`);

const sh = (script: string) => `containers:\n- name: app\n  image: alpine:3.20\n  command: ["sh", "-c"]\n  args:\n  - |\n${script
  .split("\n")
  .map((l) => "    " + l)
  .join("\n")}`;

testRule(commandSingleStringRule, {
  valid: [
    { name: "argument list", mode: "lint", files: { "d.yaml": deployment('containers:\n- name: app\n  image: alpine:3.20\n  command: ["sh", "-c", "echo OK; sleep 3600"]') } },
    { name: "no command", mode: "lint", files: { "d.yaml": image("alpine:3.20") } },
  ],
  invalid: [
    {
      name: "sh -c in one string",
      mode: "lint",
      files: { "d.yaml": deployment("containers:\n- name: app\n  image: alpine:3.20\n  command: [\"sh -c 'echo OK; sleep 3600'\"]") },
      expect: { category: "bad-command", severity: "error", summary: /single string "sh -c 'echo OK; sleep 3600'"/, resource: { line: 19 }, fixIncludes: ["- sh", "- -c", "- echo OK; sleep 3600"] },
    },
    { name: "binary with flags in one string", mode: "lint", files: { "d.yaml": deployment('containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.1\n  command: ["/usr/local/bin/app --config /etc/app/config.yaml"]') }, expect: { fixIncludes: ["- /usr/local/bin/app", "- --config"] } },
  ],
});
