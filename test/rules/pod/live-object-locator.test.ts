import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/engine/engine.js";
import type { Rule } from "../../../src/contract/rule.js";
import type { KubeObject } from "../../../src/model/kube.js";
import { imagePullFailure } from "../../../src/rules/pod/image-pull-failure.js";
import { jobBackoffLimit } from "../../../src/rules/pod/job-backoff-limit.js";
import { rolloutStalled } from "../../../src/rules/pod/rollout-stalled.js";
import { loadPaths } from "../../../src/sources/files.js";
import { ViewBuilder } from "../../../src/view/builder.js";
import type { ClusterView } from "../../../src/view/cluster-view.js";
import { withCompetitors } from "../../helpers/rule-tester.js";

/**
 * A pod finding about an object read from the API server has no file (its origin is the API call,
 * `api:GET ...`), as every other rule's: the Job and Deployment rules, and the pod cause rules.
 * The same objects read from files keep their file and line.
 */
const lab = (namespace: string) => resolve(import.meta.dirname, `../../../examples/lab/namespaces/${namespace}`);

/** The lab namespace's lists as the live source would hand them over: each object from its API call. */
function liveView(namespace: string): ClusterView {
  const builder = new ViewBuilder();
  for (const file of readdirSync(lab(namespace)).filter((name) => name.endsWith(".json"))) {
    const list = JSON.parse(readFileSync(resolve(lab(namespace), file), "utf8")) as { items: KubeObject[] };
    const resource = file.replace(/\.json$/, "");
    for (const item of list.items) builder.addObject(item, { file: `api:GET /api/v1/namespaces/${namespace}/${resource}` });
  }
  return builder.build({ mode: "live", now: new Date("2026-12-02T12:00:00Z") });
}

function fileView(namespace: string): ClusterView {
  const builder = new ViewBuilder();
  loadPaths([lab(namespace)], builder);
  return builder.build({ mode: "offline" });
}

function findingsOf(rule: Rule, view: ClusterView) {
  const result = runRules(withCompetitors(rule), view, { scope: "diagnose", enable: [rule.id], only: [rule.id] });
  expect(result.failures).toEqual([]);
  return result.findings;
}


describe("pod findings about live objects", () => {
  it("a failed Job is named without the API call as its file", () => {
    const [finding] = findingsOf(jobBackoffLimit, liveView("lab-job-fail"));
    expect(finding?.resource).toEqual({ kind: "Job", namespace: "lab-job-fail", name: "report-export" });
  });

  it("a stalled Deployment rollout too, in its resource and its evidence", () => {
    const [finding] = findingsOf(rolloutStalled, liveView("lab-rollout"));
    expect(finding?.resource).toEqual({ kind: "Deployment", namespace: "lab-rollout", name: "checkout-api" });
    // The condition quoted from the object names the object, not the API call.
    expect(finding?.evidence[0]).toMatchObject({ path: "Deployment lab-rollout/checkout-api", text: expect.stringMatching(/^Progressing=False ProgressDeadlineExceeded/) });
    expect(finding?.evidence[0]?.line).toBeUndefined();
  });

  it("and a pod cause", () => {
    const [finding] = findingsOf(imagePullFailure, liveView("lab-image-pull"));
    expect(finding?.resource).toMatchObject({ kind: "Pod", namespace: "lab-image-pull" });
    expect(finding?.resource.file).toBeUndefined();
  });

  it("from files, the Job points at its conditions and the Deployment at its Progressing condition", () => {
    const [job] = findingsOf(jobBackoffLimit, fileView("lab-job-fail"));
    expect(job?.resource).toMatchObject({ kind: "Job", name: "report-export", file: expect.stringMatching(/lab-job-fail\/jobs\.json$/), line: expect.any(Number) });
    const [rollout] = findingsOf(rolloutStalled, fileView("lab-rollout"));
    expect(rollout?.resource).toMatchObject({ kind: "Deployment", name: "checkout-api", file: expect.stringMatching(/lab-rollout\/deployments\.json$/), line: rollout?.evidence[0]?.line });
    expect(rollout?.resource.line).toEqual(expect.any(Number));
  });
});
