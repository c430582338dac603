import type { SelectorPolicyKind } from "./selector-policy.js";

export const SIDECAR_KIND: SelectorPolicyKind = { kind: "Sidecar", labelsPath: ["spec", "workloadSelector", "labels"] };
export const TELEMETRY_KIND: SelectorPolicyKind = { kind: "Telemetry", labelsPath: ["spec", "selector", "matchLabels"] };
