import type { Rule } from "../contract/rule.js";
import { envoyRules } from "./envoy/index.js";
import { istioRules } from "./istio/index.js";
import { manifestRules } from "./manifest/index.js";
import { podRules } from "./pod/index.js";
import { sidecarRules } from "./sidecar/index.js";

export const allRules: readonly Rule[] = [...podRules, ...sidecarRules, ...istioRules, ...envoyRules, ...manifestRules];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}
