import type { CauseDetector, Messages, Precedence } from "../../../contract/rule.js";
import { fillTemplate } from "../../../util/template.js";
import type { Category } from "../../../model/categories.js";
import type { LogMatch } from "../../../signatures/scan.js";
import type { Cause } from "./cause.js";
import { CRASH, QUIET, type ContainerSubject, type CrashSubject, type PodSubject, type QuietSubject } from "./competition.js";
import { configReferenceCause } from "./config-reference.js";
import { evictionCause } from "./eviction.js";
import { exitCodeCause } from "./exit-code.js";
import { causeFromLog, LOGGED_CRASH, LOGGED_WHILE_RUNNING, runningLogCause } from "./log-cause.js";
import { probeKillCause } from "./probes.js";
import { readinessCause } from "./readiness.js";
import { sandboxCause } from "./sandbox.js";
import { startFailureCause } from "./start-failure.js";

/**
 * What the pod rules' detectors are made of. A rule owns a detector at a stage; where one reading of the
 * evidence can name several causes (a log line, a start error, an exit code, a probe kill), each rule claims
 * the answers of its own category, and the reading runs once per subject however many rules claim from it.
 */

/** A detector at a stage of a precedence; `position` orders it among the detectors of that stage (lower first). */
export function detector<Subject, Result>(precedence: Precedence<Subject, Result>, stage: string, detect: (subject: Subject) => Result | undefined, position?: number): CauseDetector<Subject, Result> {
  return { precedence, stage, detect, ...(position !== undefined ? { position } : {}) };
}

/** A detector that answers with what `read` finds when it names `category`; tagged with the category it claims. */
export function claim<Subject>(precedence: Precedence<Subject, Cause>, stage: string, category: Category, read: (subject: Subject) => Cause | undefined): CauseDetector<Subject, Cause> & { claims: Category } {
  return { precedence, stage, claims: category, detect: (subject) => {
    const cause = read(subject);
    return cause?.category === category ? cause : undefined;
  } };
}

/**
 * A detector whose answers are worded by the rule's own messages: the reading says which of `ids` fits and
 * gives only the data, the rule holds the sentence, and the cause's summary is that sentence filled (the
 * text other causes quote).
 */
export function worded<Subject, Result, D extends CauseDetector<Subject, Result>>(messages: Messages, ids: readonly string[], answer: D, causeOf: (result: Result) => Cause = (result) => result as Cause): D & Worded {
  return {
    ...answer,
    words: ids,
    detect: (subject: Subject) => {
      const result = answer.detect(subject);
      if (result !== undefined) wordCause(messages, ids, causeOf(result));
      return result;
    },
  };
}

/** A detector whose causes its rule words: the ids of the rule's messages it may choose from. */
export interface Worded {
  readonly words: readonly string[];
}

/** Whether a detector words its causes with its rule's messages (`worded`). */
export function isWorded(detector: object): detector is Worded {
  return Array.isArray((detector as Partial<Worded>).words);
}

/** The cause with its summary: the message among `ids` that its reading chose, filled with the reading's data. */
function wordCause(messages: Messages, ids: readonly string[], cause: Cause): Cause {
  const { message, data } = cause.said;
  const template = messages[message];
  if (template === undefined || !ids.includes(message)) throw new Error(`internal error: a detector worded a cause with message "${message}", which is not among ${ids.join(", ")}`);
  cause.summary = fillTemplate(template, data, (name) => {
    throw new Error(`internal error: message "${message}" needs {${name}}, which the detector's data lacks`);
  });
  return cause;
}

/** `read` once per subject: every rule that claims from one reading shares it. */
function once<Subject extends object>(read: (subject: Subject) => Cause | undefined): (subject: Subject) => Cause | undefined {
  const seen = new WeakMap<Subject, { cause: Cause | undefined }>();
  return (subject) => {
    let known = seen.get(subject);
    if (!known) seen.set(subject, (known = { cause: read(subject) }));
    return known.cause;
  };
}

/** Readings of the whole pod. */
export const evictionReading = once(({ pod }: PodSubject) => evictionCause(pod));
export const sandboxReading = once(({ pod }: PodSubject) => sandboxCause(pod));

/** Readings of a container that could not be created or started. */
export const configReferenceReading = once(({ container }: ContainerSubject) => configReferenceCause(container));
export const startFailureReading = once(({ container }: ContainerSubject) => startFailureCause(container));

/** Readings of a crashing container. */
export const probeKillReading = once(({ container, terminated }: CrashSubject) => probeKillCause(container, terminated));
export const exitCodeReading = once(({ container, terminated }: CrashSubject) => (terminated ? exitCodeCause(container, terminated) : undefined));

/** Readings of a container that runs but is not well. */
export const readinessReading = once(({ container, now }: QuietSubject) => readinessCause(container, now));

/** Below this weight a log line names its cause less surely than an exit 0 under restartPolicy Always does. */
export const WEAK_LOG_WEIGHT = 60;
/** From this weight a log line with exit 1 or 2 names the reason the app exited on its own. */
const DECISIVE_LOG_WEIGHT = 80;

const fromLog = once(({ container, logged, terminated }: CrashSubject) => (logged ? causeFromLog(container, logged, terminated, !!container.status) : undefined));

/** A runtime out of memory (or disk) makes the app unresponsive before any probe gives up on it: that is the root cause. */
function resourceExhausted(logged: LogMatch): boolean {
  return logged.signature.category === "oom-killed" || logged.signature.category === "disk-full";
}

function decisiveLogLine(subject: CrashSubject): Cause | undefined {
  const { logged, terminated } = subject;
  const decisive = logged && (resourceExhausted(logged) || (logged.signature.weight >= DECISIVE_LOG_WEIGHT && (terminated?.exitCode === 1 || terminated?.exitCode === 2)));
  return decisive ? fromLog(subject) : undefined;
}

const logLine = (subject: CrashSubject) => (subject.logged && subject.logged.signature.weight >= WEAK_LOG_WEIGHT ? fromLog(subject) : undefined);
const runningLog = once(({ container }: QuietSubject) => runningLogCause(container));

/**
 * The log-line detectors of a cause the signature catalog names: a decisive line, a line, a weak line of a
 * crashing container, and a failure logged by one that runs, each answering when the line names `category`.
 * The rule words them with its messages `ids`: "logged-crash" and "logged-while-running" (log-cause.ts).
 */
export function logLineDetectors(category: Category, messages: Messages, ids: readonly [typeof LOGGED_CRASH, typeof LOGGED_WHILE_RUNNING]): Array<CauseDetector<CrashSubject, Cause> | CauseDetector<QuietSubject, Cause>> {
  return [
    worded(messages, ids, claim(CRASH, "decisive-log-line", category, decisiveLogLine)),
    worded(messages, ids, claim(CRASH, "log-line", category, logLine)),
    worded(messages, ids, claim(CRASH, "weak-log-line", category, fromLog)),
    worded(messages, ids, claim(QUIET, "running-log", category, runningLog)),
  ];
}
