import type { Arbitration, CauseDetector, Precedence } from "./rule.js";

/**
 * Arbitration between causes, in one place. The rules declare a precedence: detectors, each answering one
 * question about a subject (a pod, a container) at a named stage, and the stages best first. The engine
 * walks it and the first answer names the cause. A detector never runs once a better stage has answered,
 * so a costly detection (reading thousands of log lines) stays behind the cheaper, better ones.
 */

const ordered = new WeakMap<Precedence<unknown, unknown>, readonly CauseDetector<unknown, unknown>[]>();

/** The precedence's detectors in stage order (declaration order within a stage); a detector at a stage it does not list is a bug in the rule. */
export function detectorsInOrder<Subject, Cause>(order: Precedence<Subject, Cause>): readonly CauseDetector<Subject, Cause>[] {
  const known = ordered.get(order as Precedence<unknown, unknown>);
  if (known) return known as readonly CauseDetector<Subject, Cause>[];
  const rank = new Map(order.stages.map((stage, index) => [stage, index]));
  if (rank.size !== order.stages.length) throw new Error(`internal error: a precedence names a stage twice (${order.stages.join(", ")})`);
  for (const detector of order.detectors) {
    if (!rank.has(detector.stage)) throw new Error(`internal error: a detector answers at stage "${detector.stage}", which is not among ${order.stages.join(", ")}`);
  }
  const sorted = order.detectors.map((detector, index) => ({ detector, index })).sort((a, b) => rank.get(a.detector.stage)! - rank.get(b.detector.stage)! || a.index - b.index).map((entry) => entry.detector);
  ordered.set(order as Precedence<unknown, unknown>, sorted as readonly CauseDetector<unknown, unknown>[]);
  return sorted;
}

export const arbitration: Arbitration = {
  firstCause(order, subject) {
    for (const detector of detectorsInOrder(order)) {
      const cause = detector.detect(subject);
      if (cause !== undefined) return { stage: detector.stage, cause };
    }
    return undefined;
  },
  wholeThenParts(whole, parts, causeOfWhole, causeOfPart, fallback) {
    const ofWhole = causeOfWhole(whole);
    if (ofWhole !== undefined) return [ofWhole];
    const out = [];
    for (const part of parts) {
      const cause = causeOfPart(part);
      if (cause !== undefined) out.push(cause);
    }
    if (out.length > 0) return out;
    const last = fallback(whole);
    return last === undefined ? [] : [last];
  },
};
