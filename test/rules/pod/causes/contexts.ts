import type { ContainerContext, PodContext } from "../../../../src/rules/pod/causes/context.js";
import { podContexts } from "../../../../src/rules/pod/causes/context.js";
import { buildView, type RuleCase } from "../../../helpers/rule-tester.js";
import { list, NOW, pod, type PodInput } from "../fixtures.js";

/** The pod as the detectors see it: one Pod object, its events, optional logs of its first container. */
export function podContext(input: PodInput, events: Array<Record<string, unknown>> = [], logs: RuleCase["logs"] = []): PodContext {
  const view = buildView({ name: "case", files: { "pod.json": list(pod(input), ...events) }, logs, now: NOW });
  return podContexts(view)[0]!;
}

export function containerContext(input: PodInput, events: Array<Record<string, unknown>> = [], logs: RuleCase["logs"] = []): ContainerContext {
  return podContext(input, events, logs).containers[0]!;
}

/** Log lines of the first container, as `kubectl logs` prints them. */
export function appLog(text: string, previous = true): NonNullable<RuleCase["logs"]> {
  return [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous, text }];
}
