import type { LogStream } from "../model/inputs.js";
import { CAUSE_SIGNATURES, type LogSignature } from "./catalog.js";

/** One signature found on one log line. */
export interface LogMatch {
  signature: LogSignature;
  stream: LogStream;
  /** 1-based line number in the stream's file. */
  line: number;
  /** Index into stream.lines. */
  index: number;
  text: string;
  previous: boolean;
  /** Named groups of the signature's pattern (path, port, host, key ...). */
  groups: Record<string, string>;
}

interface CompiledCatalog {
  /** Cheap first test: does the line contain any anchor (case-insensitive)? */
  prefilter: RegExp;
  /** The same anchors, global, to list which ones a candidate line holds. */
  anchorsGlobal: RegExp;
  /** Anchor (lower case) -> the keywords it stands for. */
  keywordsByAnchor: Map<string, string[]>;
  byKeyword: Map<string, LogSignature[]>;
}

/**
 * Short, distinctive substrings that every keyword contains (or that every
 * matching line contains). Fewer, more selective alternatives make the
 * first test several times faster than an alternation of all keywords.
 * A keyword that contains none of them becomes its own anchor.
 */
const ANCHORS = [
  "exec format", "executable", "exec user", "\\r", "no such", "denied", "found", "interpreter", "can't open", "manifest", "jarfile", "-jar",
  "could not find", "cannot find", "no module", "import module", "librar", "keyerror", "key not found", "placeholder", "missing value",
  "environment variable", "env var", "does not exist", "eacces", "enoent", "config file", "configuration file", "config_file", "config-file", "configfile",
  "read-only", "bind", "permitted", "be root", "permission", "ownership", "in use", "addrinuse", "refused", "server running", "postmaster",
  "link failure", "connect to", "broker", "eai_again", "resolution", "not known", "unknownhost", "timeout", "timed out", "starting up", "x509",
  "pkix", "cert", "skew", "before issued", "lock", "space left", "enospc", "quota", "memory", "serviceaccount", "panic", "exception in thread",
  "run failed", "failed to start", "traceback", "unhandled", "typeerror", "referenceerror", "rangeerror", "syntaxerror", "segmentation",
  "terminate called", "fatal",
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile(signatures: readonly LogSignature[]): CompiledCatalog {
  const byKeyword = new Map<string, LogSignature[]>();
  for (const signature of signatures) {
    const list = byKeyword.get(signature.keyword) ?? [];
    list.push(signature);
    byKeyword.set(signature.keyword, list);
  }
  for (const list of byKeyword.values()) list.sort((a, b) => b.weight - a.weight);
  const keywords = [...byKeyword.keys()];
  const anchors = new Set(ANCHORS);
  for (const keyword of keywords) if (![...anchors].some((anchor) => keyword.includes(anchor))) anchors.add(keyword);
  const keywordsByAnchor = new Map<string, string[]>();
  for (const anchor of anchors) keywordsByAnchor.set(anchor, keywords.filter((keyword) => keyword.includes(anchor) || anchor.includes(keyword)));
  const source = trieSource([...anchors]);
  return { prefilter: new RegExp(source), anchorsGlobal: new RegExp(source, "g"), keywordsByAnchor, byKeyword };
}

/**
 * One regular expression for many literals, shaped as a trie
 * (`exec(?: (?:format|user)|utable)`) so the engine tries each first
 * character once. Run on lower-cased lines, so it needs no `i` flag.
 */
function trieSource(words: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const word of words) {
    let node = root;
    for (const char of word) {
      let child = node.next.get(char);
      if (!child) node.next.set(char, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const emit = (node: Node): string => {
    const parts = [...node.next.entries()].map(([char, child]) => escapeRegExp(char) + emit(child));
    if (parts.length === 0) return "";
    const body = parts.length === 1 ? parts[0]! : `(?:${parts.join("|")})`;
    if (!node.end) return body;
    return parts.length === 1 && parts[0]!.length === 1 ? `${body}?` : `(?:${parts.join("|")})?`;
  };
  return emit(root);
}

const DEFAULT = compile(CAUSE_SIGNATURES);

/**
 * Scans one log line against the catalog: a cheap anchor check first, then
 * only the keywords behind the anchors found, then the full patterns of
 * those keywords' signatures. Returns every signature that matched,
 * strongest first.
 */
export function matchLine(line: string, catalog: CompiledCatalog = DEFAULT, lowerLine?: string): Array<{ signature: LogSignature; groups: Record<string, string> }> {
  const lower = lowerLine ?? line.toLowerCase();
  if (!catalog.prefilter.test(lower)) return [];
  const candidates = new Set<string>();
  const anchors = catalog.anchorsGlobal;
  anchors.lastIndex = 0;
  for (let found = anchors.exec(lower); found; found = anchors.exec(lower)) {
    for (const keyword of catalog.keywordsByAnchor.get(found[0]) ?? []) candidates.add(keyword);
    anchors.lastIndex = found.index + 1;
  }
  const matched: Array<{ signature: LogSignature; groups: Record<string, string> }> = [];
  for (const keyword of candidates) {
    if (!lower.includes(keyword)) continue;
    for (const signature of catalog.byKeyword.get(keyword)!) {
      const match = signature.pattern.exec(line);
      if (!match) continue;
      const groups: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) {
        if (value !== undefined) groups[name.replace(/\d+$/, "")] = value;
      }
      matched.push({ signature, groups });
    }
  }
  return matched.sort((a, b) => b.signature.weight - a.signature.weight);
}

const TIMESTAMP_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) /;

/** Longest line kept in evidence; longer lines are cut (a minified JSON log line can be megabytes). */
const MAX_EVIDENCE_LINE = 400;

/**
 * One pass over the streams (previous instance first, as given) for all
 * signatures. Each match keeps its stream and line number.
 */
export function scanLogs(streams: readonly LogStream[], catalog: CompiledCatalog = DEFAULT): LogMatch[] {
  const matches: LogMatch[] = [];
  for (const stream of streams) {
    const lines = stream.lines;
    for (let index = 0; index < lines.length; index++) {
      const text = lines[index]!;
      const lower = text.toLowerCase();
      if (!catalog.prefilter.test(lower)) continue;
      // `kubectl logs --timestamps` puts an RFC 3339 time first; patterns anchored at the line start look past it.
      const stamp = TIMESTAMP_PREFIX.exec(text);
      const body = stamp ? text.slice(stamp[0].length) : text;
      for (const { signature, groups } of matchLine(body, catalog, stamp ? body.toLowerCase() : lower)) {
        const named = signature.namedBy === "following-exception" ? followingException(lines, index) : index;
        const namedText = lines[named]!;
        matches.push({
          signature,
          stream,
          line: stream.firstLine + named,
          index: named,
          text: namedText.length > MAX_EVIDENCE_LINE ? `${namedText.slice(0, MAX_EVIDENCE_LINE)}…` : namedText,
          previous: stream.previous,
          groups,
        });
      }
    }
  }
  return matches;
}

/** Python's `Traceback (most recent call last):` is followed by indented frames, then the exception line. */
const FRAME_LINES_SEARCHED = 400;

function followingException(lines: readonly string[], traceback: number): number {
  const last = Math.min(lines.length, traceback + 1 + FRAME_LINES_SEARCHED);
  for (let index = traceback + 1; index < last; index++) {
    const line = TIMESTAMP_PREFIX.exec(lines[index]!) ? lines[index]!.replace(TIMESTAMP_PREFIX, "") : lines[index]!;
    if (line.trim() === "" || /^\s/.test(line)) continue;
    return /^[A-Za-z_][\w.]*(?::|$)/.test(line) ? index : traceback;
  }
  return traceback;
}

/**
 * The match that names the cause: the strongest signature, the previous
 * instance's log before the current one (it holds the crash), then the
 * earliest line (the first error is the cause, later ones its echoes).
 */
export function strongestMatch(matches: readonly LogMatch[]): LogMatch | undefined {
  let best: LogMatch | undefined;
  for (const match of matches) {
    if (!best) {
      best = match;
      continue;
    }
    const weight = match.signature.weight - best.signature.weight;
    if (weight > 0 || (weight === 0 && match.previous && !best.previous)) best = match;
  }
  return best;
}

const STACK_FRAME = /^\s*(?:at\s|\.\.\. \d+ more|File "|\/.*\.go:\d+|goroutine \d+|\s+\S+\(\S*\)$|[{}[\]],?$)/;

/** The last lines worth reading before a crash: not blank, not stack frames. */
export function meaningfulTail(stream: LogStream, count = 5): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  for (let index = stream.lines.length - 1; index >= 0 && out.length < count; index--) {
    const text = stream.lines[index]!;
    if (text.trim() === "" || STACK_FRAME.test(text)) continue;
    out.push({ line: stream.firstLine + index, text: text.length > MAX_EVIDENCE_LINE ? `${text.slice(0, MAX_EVIDENCE_LINE)}…` : text });
  }
  return out.reverse();
}

export { compile as compileCatalog };

const LEADING_TIMESTAMP = [
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s+/, // RFC 3339, Python logging
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?\s+/, // Go's log package
  /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] /, // klog
];
const logfmtPattern = (key: string) => new RegExp(`(?:^|\\s)${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|(\\S+))`);
const LOGFMT_VALUE: Record<"msg" | "err" | "error", RegExp> = { msg: logfmtPattern("msg"), err: logfmtPattern("err"), error: logfmtPattern("error") };

/** A logfmt value, quoted or not, unescaped. */
function logfmtValue(text: string, key: keyof typeof LOGFMT_VALUE): string | undefined {
  const match = LOGFMT_VALUE[key].exec(text);
  return match ? (match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2]) : undefined;
}

/**
 * What a log line says, without its timestamp and structure: the `msg` and `err` of a logfmt or JSON
 * line, the text after a timestamp otherwise. For verdicts; evidence keeps the whole line.
 */
export function logMessage(line: string): string {
  let text = line.trim();
  if (text.startsWith("{")) {
    try {
      const record = JSON.parse(text) as Record<string, unknown>;
      const message = [record.msg ?? record.message, record.error ?? record.err].filter((part): part is string => typeof part === "string" && part !== "");
      if (message.length > 0) return message.join(": ");
    } catch {
      // not JSON after all: read it as text
    }
  }
  if (/(?:^|\s)msg=/.test(text)) {
    const message = [logfmtValue(text, "msg"), logfmtValue(text, "err") ?? logfmtValue(text, "error")].filter((part): part is string => part !== undefined && part !== "");
    if (message.length > 0) return message.join(": ");
  }
  for (const pattern of LEADING_TIMESTAMP) text = text.replace(pattern, "");
  // klog's structured form: "message" key="value" ...
  const structured = /^"((?:[^"\\]|\\.)*)"(?=\s+[\w.-]+=|$)/.exec(text);
  if (structured) {
    const err = logfmtValue(text, "err");
    const message = structured[1]!.replace(/\\(.)/g, "$1");
    return err ? `${message}: ${err}` : message;
  }
  return text;
}
