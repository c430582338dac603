import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { holdsTriggerWord, scanForTriggerWord, TRIGGER_EXPRESSION } from "../../src/util/trigger-words.js";

const WORDS = ["-----BEGIN ", "eyJ", "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "xox", "hooks.slack.com", "AIza", "k_live_", "@", "bearer", "basic", "digest", "negotiate", "mysql", "mariadb", "password", "passwd", "pwd", "secret", "token", "api_key", "api-key", "apikey", "access_key", "access-key", "accesskey", "private_key", "private-key", "privatekey", "client_secret", "client-secret", "clientsecret", "authorization", "auth", "credential", "credentials", "session_id", "session-id", "sessionid", "cookie"];
/** Characters whose case folding differs between Unicode and the `i` flag without `u`: the Kelvin sign, dotted and dotless i, long s. */
const TRICKY = ["\u212A", "\u0130", "\u0131", "\u017F", "é", "ß", "\u{1F511}"];

/** ASCII next to the letters: `auth` followed by one of these is a trigger word. */
const ASCII_EDGES = ["@", "[", "`", "{", "~"];

function disagreements(texts: Iterable<string>): string[] {
  const wrong: string[] = [];
  for (const text of texts) if (scanForTriggerWord(text) !== TRIGGER_EXPRESSION.test(text)) wrong.push(JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text));
  return wrong;
}

function* variants(word: string): Generator<string> {
  const cases = [word, word.toLowerCase(), word.toUpperCase(), [...word].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join("")];
  for (const spelled of cases) {
    yield spelled;
    for (const before of ["", "x", "_", " ", "9", ...TRICKY]) for (const after of ["", "x", "X", "_", "9", " ", ...ASCII_EDGES, ...TRICKY]) yield `${before}${spelled}${after}`;
    // Cut short, and with one character swapped for a look-alike.
    yield spelled.slice(0, -1);
    yield ` ${spelled.slice(1)}`;
    for (const tricky of TRICKY) for (let i = 0; i < spelled.length; i++) yield `${spelled.slice(0, i)}${tricky}${spelled.slice(i + 1)}`;
  }
}

/** Every line and file under a folder of the repository's examples: manifests, logs, config dumps. */
function* exampleTexts(folder: string): Generator<string> {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) {
      yield* exampleTexts(path);
      continue;
    }
    const text = readFileSync(path, "utf8");
    yield text;
    yield* text.split("\n");
  }
}

/** A seeded generator of text made of trigger words' pieces, letters of both cases, separators and non-ASCII. */
function* randomTexts(count: number): Generator<string> {
  let seed = 18;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % n;
  const pieces = [...WORDS.flatMap((word) => [word, word.slice(0, 2), word.slice(1, 4), word.slice(-3)]), ..."aAeghkKpPsStTx_-.@ :=\n\"".split(""), ...TRICKY];
  for (let i = 0; i < count; i++) {
    let text = "";
    for (let n = next(12); n >= 0; n--) text += pieces[next(pieces.length)];
    yield text;
  }
}

describe("the scan for trigger words (long texts)", () => {
  it("answers as the case-insensitive regular expression it replaced, for every word in every case and neighbourhood", () => {
    expect(disagreements(WORDS.flatMap((word) => [...variants(word)]))).toEqual([]);
  });

  it("finds each word wherever it is, and no word in text without one", () => {
    for (const word of WORDS) expect(scanForTriggerWord(`the ${word.toUpperCase()} here`), word).toBe(true);
    expect(scanForTriggerWord("VirtualService reviews.default routes to subset v1, which no DestinationRule defines")).toBe(false);
    expect(scanForTriggerWord("")).toBe(false);
    expect(scanForTriggerWord("authority")).toBe(false);
    expect(scanForTriggerWord("auth")).toBe(true);
    expect(scanForTriggerWord("to\u212Aen")).toBe(false);
  });

  it("answers as the regular expression on random text made of pieces of the words", () => {
    expect(disagreements(randomTexts(30_000))).toEqual([]);
  });

  it("answers as the regular expression on the examples' manifests, logs and config dumps, line by line and whole", () => {
    expect(disagreements(exampleTexts(resolve(import.meta.dirname, "../../examples")))).toEqual([]);
  });

  it("is what redaction asks about long texts (a whole report); short ones go to the expression", () => {
    const report = `${"  \"kind\": \"VirtualService\",\n".repeat(4000)}`;
    expect(report.length).toBeGreaterThan(64 * 1024);
    for (const text of [report, `${report}"credentialName": "x"`, `${report}to\u212Aen`, `${report}AUTH`]) expect(holdsTriggerWord(text)).toBe(TRIGGER_EXPRESSION.test(text));
    expect(holdsTriggerWord(`${report}x@y`)).toBe(true);
  });
});
