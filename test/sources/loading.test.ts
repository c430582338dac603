import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { viewFromPaths, viewFromTexts } from "../../src/sources/load-view.js";
import { classifyText } from "../../src/sources/detect.js";

const inputs = resolve(__dirname, "../fixtures/inputs");
const at = (name: string) => resolve(inputs, name);

describe("loading kubectl output", () => {
  it("reads multi-document YAML and a List, keeping file and line for each object", () => {
    const view = viewFromPaths([at("deployment-and-pod.yaml"), at("events.json")]);
    expect(view.inputs.problems).toEqual([]);
    const pod = view.getLoaded("Pod", "shop", "api-6d5f7c9b8-x2x4q")!;
    expect(pod.origin).toEqual({ file: at("deployment-and-pod.yaml"), line: 29 });
    expect(pod.locate!(["status", "containerStatuses", 0, "lastState", "terminated", "reason"])).toBe(56);
    expect(view.getLoaded("Deployment", "shop", "api")!.locate!(["spec", "template", "spec", "containers", 0, "resources", "limits", "memory"])).toBe(25);
    const events = view.eventsFor("Pod", "shop", "api-6d5f7c9b8-x2x4q");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: "BackOff", count: 7, type: "Warning", involved: { fieldPath: "spec.containers{app}" } });
    expect(events[0]!.origin.line).toBe(5);
  });

  it("uses the latest timestamp in the inputs as the reference time offline", () => {
    const view = viewFromPaths([at("deployment-and-pod.yaml"), at("events.json")]);
    expect(view.now.toISOString()).toBe("2025-06-02T10:44:31.000Z");
  });

  it("resolves the owner chain through objects in the view", () => {
    const view = viewFromPaths([at("deployment-and-pod.yaml")]);
    const pod = view.get("Pod", "shop", "api-6d5f7c9b8-x2x4q")!;
    expect(view.ownerChain(pod)).toEqual([]);
  });

  it("drops Secret values the moment they are read, keeping keys", () => {
    const view = viewFromPaths([at("secret.yaml")]);
    const secret = view.get("Secret", "shop", "db-secret")!;
    expect(Object.keys(secret.data!)).toEqual(["password", "username"]);
    expect(JSON.stringify(secret)).not.toContain("czNjcjN0");
  });
});

describe("bad input", () => {
  it("names file and line of malformed YAML and still reads the other documents", () => {
    const view = viewFromPaths([at("mixed-bad.yaml")]);
    const messages = view.inputs.problems.map((p) => `${p.origin.line}: ${p.message}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^1[3-6]: invalid YAML \(document 2\)/);
    expect(messages[1]).toMatch(/^1[89]: document has no kind/);
    expect(view.get("ConfigMap", "shop", "app-config")).toBeDefined();
    expect(view.get("Widget", "shop", "gizmo")).toMatchObject({ spec: { size: 3 } });
  });

  it("reports truncated JSON, empty files and binary junk, one line each", () => {
    const view = viewFromPaths([at("truncated.json"), at("empty.yaml"), at("binary.bin"), at("events.json")]);
    const byFile = Object.fromEntries(view.inputs.problems.map((p) => [p.origin.file.split("/").pop(), p.message]));
    expect(byFile["truncated.json"]).toMatch(/truncated|invalid JSON/);
    expect(byFile["empty.yaml"]).toMatch(/empty/);
    expect(byFile["binary.bin"]).toMatch(/binary/);
    expect(view.events).toHaveLength(1);
  });

  it("reports a missing path and carries on", () => {
    const view = viewFromPaths([at("does-not-exist.yaml"), at("events.json")]);
    expect(view.inputs.problems[0]!.message).toMatch(/no such file/);
    expect(view.events).toHaveLength(1);
  });
});

describe("content detection", () => {
  it("tells kubectl output, describe text, events tables, proxy-status and access logs apart", () => {
    expect(classifyText("apiVersion: v1\nkind: Pod\n")).toBe("kube");
    expect(classifyText('{"kind":"List","items":[]}')).toBe("kube");
    expect(
      classifyText(
        "Name:             api-6d5f7c9b8-x2x4q\nNamespace:        shop\nPriority:         0\nNode:             worker-2/10.0.0.12\nStatus:           Running\nContainers:\n",
      ),
    ).toBe("describe-pod");
    expect(classifyText("LAST SEEN   TYPE      REASON    OBJECT                    MESSAGE\n2m          Warning   BackOff   pod/api-6d5f7c9b8-x2x4q   Back-off restarting failed container app in pod api\n")).toBe("events-table");
    expect(
      classifyText(
        "NAME                                          CLUSTER        ISTIOD                      VERSION     SUBSCRIBED TYPES\ncatalog-5899bbc954-xnq22.istioinaction        Kubernetes     istiod-85798b5866-8ptm6     1.27.0      4 (CDS,LDS,EDS,RDS)\n",
      ),
    ).toBe("proxy-status");
    expect(
      classifyText(
        '[2025-06-02T10:40:11.912Z] "GET /items HTTP/1.1" 504 UT response_timeout - "-" 0 24 500 - "10.244.0.1" "curl/8.5.0" "3c4e1a9f-0d1b-9c5a-8f7e-2b6d4c3a1e0f" "catalog.istioinaction.io" "10.244.0.19:3000" outbound|80|version-v2|catalog.istioinaction.svc.cluster.local 10.244.0.12:47112 10.244.0.12:8080 10.244.0.1:52314 - -\n',
      ),
    ).toBe("access-log");
    expect(classifyText("2025-06-02 10:41:52.101 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed\n")).toBe("log");
  });

  it("reads stdin-like texts by content", () => {
    const view = viewFromTexts({ "-": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n" });
    expect(view.get("Namespace", undefined, "shop")).toBeDefined();
  });
});

describe("kubectl cluster-info dump folders", () => {
  it("reads the per-namespace Lists and splits logs.txt into one stream per container", () => {
    const view = viewFromPaths([resolve(__dirname, "../fixtures/cluster-info-dump")]);
    expect(view.inputs.problems).toEqual([]);
    expect(view.get("Node", undefined, "worker-2")).toBeDefined();
    const app = view.logsFor("shop", "api-6d5f7c9b8-x2x4q", "app");
    expect(app).toHaveLength(1);
    expect(app[0]!.lines[1]).toBe('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space');
    expect(app[0]!.firstLine).toBe(5);
    expect(view.logsFor("shop", "api-6d5f7c9b8-x2x4q", "migrate")[0]!.lines).toEqual(["2025-06-02T10:40:58Z migrating to version 42"]);
  });
});

describe("fields of the wrong type", () => {
  it("are reported with file and line, dropped, and the rest of the object kept", () => {
    const view = viewFromTexts({
      "deploy.yaml": [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: api",
        "  namespace: shop",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        "      - name: app",
        "        image: registry.example.com/shop/api:1.4.2",
        "        args: --port=8080",
        "        ports:",
        "        - containerPort: 8080",
        "      - null",
        "",
      ].join("\n"),
    });
    const messages = view.inputs.problems.map((p) => `${p.origin.file}:${p.origin.line}: ${p.message}`);
    expect(messages).toEqual([
      "deploy.yaml:9: Deployment shop/api: spec.template.spec.containers has an entry that is not a mapping; ignored",
      "deploy.yaml:12: Deployment shop/api: spec.template.spec.containers.0.args should be a list of strings, found string \"--port=8080\"; ignored",
    ]);
    const container = view.get("Deployment", "shop", "api")!.spec.template.spec.containers[0];
    expect(container).toEqual({ name: "app", image: "registry.example.com/shop/api:1.4.2", ports: [{ containerPort: 8080 }] });
  });
});

describe("JSON nesting limit", () => {
  const configMap = (levels: number) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},\n"data":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`;

  it("reads JSON that nests exactly 200 levels", () => {
    const view = viewFromTexts({ "ok.json": configMap(199) });
    expect(view.inputs.problems).toEqual([]);
    expect(view.get("ConfigMap", undefined, "x")).toBeDefined();
  });

  it("names the line and byte offset where valid JSON nests past 200 levels, and reads nothing of it", () => {
    const text = configMap(200);
    const view = viewFromTexts({ "deep.json": text });
    expect(view.list("ConfigMap")).toHaveLength(0);
    expect(view.inputs.problems).toEqual([{ origin: { file: "deep.json", line: 2 }, message: `JSON nests deeper than 200 levels at byte offset ${text.indexOf('"data":') + 7 + 199 * 5}; not read` }]);
  });

  it("says the nesting, not the syntax, of invalid JSON that nests past 200 levels", () => {
    const view = viewFromTexts({ "cut.json": configMap(300).slice(0, -10) });
    expect(view.inputs.problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/^JSON nests deeper than 200 levels at byte offset \d+; not read$/)]);
  });
});
