import { describe, expect, it } from "vitest";
import { placeholdersOf } from "../../../src/util/template.js";
import { isWorded } from "../../../src/rules/pod/causes/detectors.js";
import { podRules } from "../../../src/rules/pod/index.js";

/**
 * A pod cause rule words every cause its detectors answer with messages of its own: each detector is
 * wrapped in `worded(messages, ids, ...)`, naming ids the rule declares, so no cause reaches a finding (or
 * the init-container and Job rules that quote it) with a sentence its reading wrote.
 */
const causeRules = podRules.filter((rule) => rule.detection);

describe("pod rule messages", () => {
  it("the pod cause rules are found", () => {
    expect(causeRules.length).toBeGreaterThan(25);
  });

  it("every detector of a pod cause rule words its causes with messages its rule declares", () => {
    const problems: string[] = [];
    for (const rule of causeRules) {
      for (const detector of rule.detection!.detectors) {
        const where = `${rule.id} at ${detector.precedence.id}/${detector.stage}`;
        if (!isWorded(detector)) problems.push(`${where}: not worded`);
        else if (detector.words.length === 0) problems.push(`${where}: worded by no message`);
        else for (const id of detector.words) if (!(id in rule.messages)) problems.push(`${where}: words with "${id}", which ${rule.id} does not declare`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every message says who or what it is about, and takes its values from data", () => {
    const problems: string[] = [];
    for (const rule of causeRules) {
      for (const [id, template] of Object.entries(rule.messages)) {
        const names = placeholdersOf(template);
        if (!names.some((name) => name === "container" || name === "pod")) problems.push(`${rule.id}: message "${id}" names neither {container} nor {pod}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
