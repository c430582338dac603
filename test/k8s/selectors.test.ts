import { describe, expect, it } from "vitest";
import { formatSelector, hasNoTerms, ISTIO_WORKLOAD_SELECTOR, KUBERNETES_SELECTOR, labelMapMatches, labelSelectorMatches, parseLabelSelector, selectorMatches, WEBHOOK_SELECTOR } from "../../src/k8s/selectors.js";

describe("label selectors as kubectl reads them", () => {
  const labels = { app: "api", tier: "web", env: "prod" };
  it.each([
    ["app=api", true],
    ["app==api,tier=web", true],
    ["app=api,tier!=web", false],
    ["env in (prod,stage)", true],
    ["env notin (prod)", false],
    ["!legacy", true],
    ["tier", true],
    ["canary", false],
  ])("%s -> %s", (selector, expected) => {
    expect(labelSelectorMatches(parseLabelSelector(selector), labels, { absent: "nothing" })).toBe(expected);
  });

  it("rejects what kubectl rejects", () => {
    expect(() => parseLabelSelector("app=(x")).toThrow(/invalid label selector/);
  });
});

describe("what an absent or empty selector selects, as each field means it", () => {
  const labels = { app: "api" };
  it("a nil metav1.LabelSelector selects nothing, an empty one everything", () => {
    expect(labelSelectorMatches(undefined, labels, { absent: "nothing" })).toBe(false);
    expect(labelSelectorMatches({}, labels, { absent: "nothing" })).toBe(true);
    expect(labelSelectorMatches({ matchLabels: {} }, labels, { absent: "nothing" })).toBe(true);
  });
  it("a NetworkPolicy podSelector or webhook selector left out selects every pod", () => {
    expect(labelSelectorMatches(undefined, labels, { absent: "everything" })).toBe(true);
  });
  it("a Service without a selector, or with an empty one, selects no pods", () => {
    expect(labelMapMatches(undefined, labels, { absent: "nothing", empty: "nothing" })).toBe(false);
    expect(labelMapMatches({}, labels, { absent: "nothing", empty: "nothing" })).toBe(false);
    expect(labelMapMatches({ app: "api" }, labels, { absent: "nothing", empty: "nothing" })).toBe(true);
    expect(labelMapMatches({ app: "web" }, labels, { absent: "nothing", empty: "nothing" })).toBe(false);
  });
  it("an Istio policy without a workload selector applies to the whole namespace", () => {
    expect(labelMapMatches(undefined, labels, { absent: "everything" })).toBe(true);
  });
  it("an operator Kubernetes does not know selects nothing", () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "Like", values: ["api"] }] }, labels, { absent: "nothing" })).toBe(false);
  });
  it("NotIn and DoesNotExist hold for labels that are not there", () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }, { key: "legacy", operator: "DoesNotExist" }] }, labels, { absent: "nothing" })).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "constructor", operator: "Exists" }] }, labels, { absent: "nothing" })).toBe(false);
  });
  it("either shape, told apart by its keys", () => {
    expect(selectorMatches({ app: "api" }, labels, { absent: "nothing" })).toBe(true);
    expect(selectorMatches({ matchLabels: { app: "web" } }, labels, { absent: "nothing" })).toBe(false);
    expect(hasNoTerms(undefined, true)).toBe(true);
    expect(hasNoTerms(null, true)).toBe(false);
    expect(hasNoTerms({ matchExpressions: [] }, true)).toBe(true);
  });
  it("a missing Kubernetes selector selects nothing, a missing Istio or webhook one everything; an empty one of any everything", () => {
    expect(labelMapMatches(undefined, labels, KUBERNETES_SELECTOR)).toBe(false);
    expect(labelMapMatches({}, labels, KUBERNETES_SELECTOR)).toBe(true);
    expect(labelSelectorMatches(undefined, labels, KUBERNETES_SELECTOR)).toBe(false);
    expect(labelSelectorMatches({}, labels, KUBERNETES_SELECTOR)).toBe(true);
    expect(labelMapMatches(undefined, labels, ISTIO_WORKLOAD_SELECTOR)).toBe(true);
    expect(labelMapMatches({}, labels, ISTIO_WORKLOAD_SELECTOR)).toBe(true);
    expect(labelMapMatches({ app: "web" }, labels, ISTIO_WORKLOAD_SELECTOR)).toBe(false);
    expect(labelSelectorMatches(undefined, labels, WEBHOOK_SELECTOR)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["api"] }] }, labels, WEBHOOK_SELECTOR)).toBe(false);
  });
  it("prints selectors for messages", () => {
    expect(formatSelector({ matchLabels: { b: "2", a: "1" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod", "stage"] }] }, { absent: "-", empty: "{}" })).toBe("b=2,a=1,env In (prod,stage)");
    expect(formatSelector({ b: "2", a: "1" }, { absent: "-", empty: "{}", sorted: true })).toBe("a=1,b=2");
    expect(formatSelector(undefined, { absent: "(all)", empty: "{} (all pods)" })).toBe("(all)");
  });
});
