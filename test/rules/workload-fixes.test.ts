import { describe, expect, it } from "vitest";
import { templateFix } from "../../src/rules/workload-fixes.js";
import { type TemplateOwner } from "../../src/k8s/workloads.js";

const before = { containers: [{ name: "export", terminationMessagePolicy: "File" }] };
const after = { containers: [{ name: "export", terminationMessagePolicy: "FallbackToLogsOnError" }] };
const owner = (kind: string, templatePath: string[]): TemplateOwner => ({ kind, name: "report-export", namespace: "batch", templatePath }) as TemplateOwner;

describe("commands that change a pod template", () => {
  it("patch a Deployment and wait for its rollout", () => {
    const fix = templateFix(owner("Deployment", ["spec", "template"]), before, after, "keep the last log lines");
    expect(fix.commands[0]).toMatch(/^kubectl patch deployment report-export -n batch --type strategic -p '\{"spec":\{"template":\{"spec":\{"containers":\[\{"name":"export","terminationMessagePolicy":"FallbackToLogsOnError"\}\]\}\}\}\}'$/);
    expect(fix.commands[1]).toBe("kubectl rollout status deployment/report-export -n batch");
    expect(fix.patch).toBeDefined();
  });

  it("re-create a Job, whose pod template the API server refuses to change", () => {
    const fix = templateFix(owner("Job", ["spec", "template"]), before, after, "keep the last log lines");
    expect(fix.commands.some((command) => command.startsWith("kubectl patch"))).toBe(false);
    expect(fix.commands[0]).toMatch(/^kubectl delete job report-export -n batch/);
    expect(fix.patch).toBeUndefined();
    expect(fix.yaml?.after).toContain("terminationMessagePolicy: FallbackToLogsOnError");
  });

  it("patch a CronJob's job template, which its next Job gets", () => {
    const fix = templateFix(owner("CronJob", ["spec", "jobTemplate", "spec", "template"]), before, after, "keep the last log lines");
    expect(fix.commands[0]).toMatch(/^kubectl patch cronjob report-export -n batch --type strategic .*# the next Job it creates gets the change$/);
  });

  it("re-create a bare Pod", () => {
    const fix = templateFix(owner("Pod", []), before, after, "keep the last log lines");
    expect(fix.commands).toEqual(["kubectl get pod report-export -n batch -o yaml > pod.yaml   # edit as shown, then:", "kubectl replace --force -f pod.yaml"]);
  });
});
