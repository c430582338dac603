import { describe, expect, it } from "vitest";
import { containerTemplateChange } from "../../src/k8s/workload-changes.js";
import type { TemplateOwner } from "../../src/k8s/workloads.js";

const deployment = (namespace: string, name: string): TemplateOwner => ({ kind: "Deployment", namespace, name, templatePath: ["spec", "template"] }) as TemplateOwner;
const cpuChange = (resources: Record<string, unknown>) => ({ current: { name: "app", resources }, set: { resources: { ...resources, requests: { cpu: "300m" } } } });

describe("container changes of many workloads", () => {
  it("gives each workload its own names around the same texts when the change is the same", () => {
    const first = containerTemplateChange(deployment("team-a", "api"), "app", cpuChange({ limits: { memory: "128Mi" } }));
    const second = containerTemplateChange(deployment("team-b", "web"), "app", cpuChange({ limits: { memory: "128Mi" } }));
    expect(second.before).toBe(first.before);
    expect(second.after).toBe(first.after);
    expect(second.patch).toBe(first.patch);
    expect(first.target).toBe("Deployment team-a/api");
    expect(second.target).toBe("Deployment team-b/web");
    expect(second.commands[0]).toBe(`kubectl patch deployment web -n team-b --type strategic -p '${first.patch}'`);
    expect(first.after).toBe("spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            limits:\n              memory: 128Mi\n            requests:\n              cpu: 300m");
  });

  it("writes the texts again when what the container holds, its name, its list or the template path differ", () => {
    const base = containerTemplateChange(deployment("ns", "a"), "app", cpuChange({ limits: { memory: "128Mi" } }));
    const otherValue = containerTemplateChange(deployment("ns", "b"), "app", cpuChange({ limits: { memory: "256Mi" } }));
    expect(otherValue.before).toContain("memory: 256Mi");
    expect(otherValue.after).toContain("memory: 256Mi");
    const otherName = containerTemplateChange(deployment("ns", "c"), "worker", cpuChange({ limits: { memory: "128Mi" } }));
    expect(otherName.after).toContain("- name: worker");
    const init = containerTemplateChange(deployment("ns", "d"), "app", { ...cpuChange({ limits: { memory: "128Mi" } }), init: true });
    expect(init.after).toContain("initContainers:");
    const pod = containerTemplateChange({ kind: "Pod", namespace: "ns", name: "p", templatePath: [] } as unknown as TemplateOwner, "app", cpuChange({ limits: { memory: "128Mi" } }));
    expect(pod.after.startsWith("spec:\n  containers:")).toBe(true);
    expect(pod.patchable).toBe(false);
    const removed = containerTemplateChange(deployment("ns", "e"), "app", { current: { resources: { limits: { memory: "128Mi" } } }, set: { resources: undefined } });
    expect(removed.after).not.toContain("resources");
    expect(removed.patch).toContain('"resources":null');
    expect(base.after).toContain("memory: 128Mi");
  });
});
