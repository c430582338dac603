import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { stringify } from "yaml";
import { yamlText } from "../../../src/util/yaml-text.js";
import { viewFromPaths } from "../../../src/sources/load-view.js";

const yamlPackage = (value: unknown) => stringify(value, { lineWidth: 0 });

describe("fix YAML text", () => {
  it("is what the yaml package prints, for every pod spec and container of the lab", () => {
    const view = viewFromPaths([resolve(__dirname, "../../../examples/lab")]);
    let compared = 0;
    for (const kind of ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]) {
      for (const object of view.kind(kind)) {
        const spec = kind === "Pod" ? object.spec : kind === "CronJob" ? object.spec?.jobTemplate?.spec?.template?.spec : object.spec?.template?.spec;
        if (!spec) continue;
        const values: unknown[] = [{ spec: { template: { spec } } }, ...(spec.containers ?? []).map((container: unknown) => ({ spec: { containers: [container] } }))];
        for (const value of values) {
          expect(yamlText(value)).toBe(yamlPackage(value));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("quotes and escapes scalars exactly as the yaml package does", () => {
    const scalars: unknown[] = [
      "1", "0.5", "1e3", "1.", "-1", "+1", "0x1F", "0o17", ".inf", "-.Inf", ".nan", "true", "False", "null", "~", "",
      "1Gi", "500m", "250Mi", "nginx:1.27", "ghcr.io/acme/api@sha256:0a1b", "--port=8080", "-x", "a b", " leading", "trailing ",
      "key: value", "#comment", "x #y", "@at", "`tick", "it's", 'say "hi"', "line one\nline two", "yes", "on", "NaN",
      "<existing-service>", "<namespace>/<gateway>", "*.example.com", "*", "sh", "-c", "<health check>", "...", "---", "--", "%x", "a: b",
      "x:", ":x", "x:y", "a,b", "[a]", "{a}", "?", "? x", "- x", "-", "!tag", "&anchor", "|", ">", "'q", '"q', "a\tb", "caf\u00e9",
      "back\\slash", `both ' and "`, "a #b", "a#b", "http://host:8080/path", "10.0.0.0/8", "auto:<version>", "..x",
      0, 1, -1, 1.5, -0, 1e21, Number.MAX_SAFE_INTEGER + 2, true, false, null,
    ];
    for (const scalar of scalars) {
      for (const value of [{ field: scalar }, { list: [scalar] }, { list: [{ name: "app", field: scalar }] }]) {
        expect(yamlText(value)).toBe(yamlPackage(value));
      }
    }
  });

  it("keeps the yaml package's layout for empty, missing and nested values", () => {
    const values: unknown[] = [
      {},
      { spec: {} },
      { spec: { containers: [] } },
      { spec: { containers: [{}] } },
      { spec: { containers: [{ name: "app", env: undefined }] } },
      { spec: { containers: [{ name: undefined }] } },
      { spec: { args: [["nested"]] } },
      { spec: { servers: [] } },
      { spec: { selector: {} } },
      { spec: { selector: { app: undefined } } },
      { spec: { items: [{}, { name: "a" }] } },
      { "*.key": 1 },
      { "": 1 },
      { "needs quoting: key": 1 },
      { "1": "numeric key" },
      { spec: { template: { metadata: { annotations: { "sidecar.istio.io/inject": "false" } } } } },
      [{ name: "app" }],
      "plain",
    ];
    for (const value of values) expect(yamlText(value)).toBe(yamlPackage(value));
  });
});
