import type { Arbitration, CauseDetector, Competition, Precedence, Rule } from "../contract/rule.js";

/**
 * Arbitration between causes, in one place. A competition declares precedences (named stages, best first);
 * each cause rule that joins it owns detectors, each answering one question about a subject (a pod, a
 * container) at a stage. The engine gathers the detectors of every rule that joined, in stage order, and the
 * first that answers names the cause and its owner. A detector never runs once a better one has answered, so
 * a costly detection (reading thousands of log lines) stays behind the cheaper, better ones.
 */

interface Entry {
  detector: CauseDetector<unknown, unknown>;
  /** The rule that owns it. */
  rule: string;
}

/** The detectors of a competition's rules for each of its precedences, best first. */
export type Arbiter = Arbitration & {
  readonly competition: Competition<unknown>;
  /** The rules that joined, and those that run after it (they read its outcome). */
  readonly members: readonly Rule[];
  readonly readers: readonly Rule[];
  readonly order: ReadonlyMap<Precedence<unknown, unknown>, readonly Entry[]>;
};

/**
 * Orders the detectors: by stage, then position, then the rules' order, then declaration. A detector at a stage its precedence does not list, or at a precedence the competition does
 * not declare, is a bug in the rule.
 */
export function arbiterOf(competition: Competition<unknown>, members: readonly Rule[], readers: readonly Rule[] = []): Arbiter {
  const order = new Map<Precedence<unknown, unknown>, Array<Entry & { rank: number; position: number; index: number }>>();
  const rank = new Map<Precedence<unknown, unknown>, Map<string, number>>();
  for (const precedence of competition.precedences) {
    const stages = new Map(precedence.stages.map((stage, index) => [stage, index]));
    if (stages.size !== precedence.stages.length) throw new Error(`internal error: precedence ${precedence.id} names a stage twice (${precedence.stages.join(", ")})`);
    rank.set(precedence, stages);
    order.set(precedence, []);
  }
  let index = 0;
  const add = (detector: CauseDetector<unknown, unknown>, rule: string) => {
    const stages = rank.get(detector.precedence);
    if (!stages) throw new Error(`internal error: ${rule} answers at precedence ${detector.precedence.id}, which ${competition.id} does not declare`);
    const stage = stages.get(detector.stage);
    if (stage === undefined) throw new Error(`internal error: ${rule} answers at stage "${detector.stage}", which is not among ${detector.precedence.stages.join(", ")}`);
    order.get(detector.precedence)!.push({ detector, rule, rank: stage, position: detector.position ?? 0, index: index++ });
  };
  for (const rule of members) for (const detector of rule.detection?.competition === competition ? rule.detection.detectors : []) add(detector, rule.id);
  const sorted = new Map<Precedence<unknown, unknown>, readonly Entry[]>();
  for (const [precedence, entries] of order) {
    sorted.set(precedence, entries.sort((a, b) => a.rank - b.rank || a.position - b.position || a.index - b.index).map(({ detector, rule }) => ({ detector, rule })));
  }
  return {
    competition,
    members,
    readers,
    order: sorted,
    firstCause<Subject, Cause>(precedence: Precedence<Subject, Cause>, subject: Subject) {
      const entries = sorted.get(precedence as Precedence<unknown, unknown>);
      if (!entries) throw new Error(`internal error: ${competition.id} asks precedence ${precedence.id}, which it does not declare`);
      for (const { detector, rule } of entries) {
        const cause = detector.detect(subject) as Cause | undefined;
        if (cause !== undefined) return { stage: detector.stage, rule, cause };
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
}

/** The competitions these rules join or run after, each with the rules that joined it and those that run after it (in the rules' order). */
export function competitionsOf(rules: readonly Rule[]): Map<Competition<unknown>, { members: Rule[]; readers: Rule[] }> {
  const out = new Map<Competition<unknown>, { members: Rule[]; readers: Rule[] }>();
  const of = (competition: Competition<unknown>) => {
    let entry = out.get(competition);
    if (!entry) out.set(competition, (entry = { members: [], readers: [] }));
    return entry;
  };
  for (const rule of rules) {
    if (rule.detection) of(rule.detection.competition).members.push(rule);
    if (rule.after) of(rule.after).readers.push(rule);
  }
  return out;
}
