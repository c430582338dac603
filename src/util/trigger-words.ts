/** The words whose name says a credential follows (`password=`, `"api_key":`, `-H 'Authorization: ...'`). */
export const SECRET_WORDS = "(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|authorization|auth(?![a-z])|credentials?|session[_-]?id|cookie)";

/** Every word one of redact's patterns needs: `@`, `-----BEGIN `, the token prefixes, auth schemes, database clients and the secret words. */
export const TRIGGER_EXPRESSION = new RegExp(`-----BEGIN |eyJ|AKIA|ASIA|AGPA|AIDA|AROA|gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|cbt)-|xox|hooks\\.slack\\.com|AIza|k_live_|@|bearer|basic|digest|negotiate|mysql|mariadb|${SECRET_WORDS}`, "i");

/**
 * From this length a text is scanned with a table (scanForTriggerWord): the regular expression costs about
 * 15 ns a character on a 40 MB report, the scan about 9; on short texts the expression is cheaper, above all
 * at start-up, before the scan's loop is compiled.
 */
const SCAN_FROM = 64 * 1024;

/** Whether a text holds a word one of redact's patterns needs (TRIGGER_EXPRESSION): text without one passes redaction unchanged. */
export function holdsTriggerWord(text: string): boolean {
  return text.length < SCAN_FROM ? TRIGGER_EXPRESSION.test(text) : scanForTriggerWord(text);
}

/**
 * TRIGGER_EXPRESSION's answer (case-insensitive for ASCII letters only, as the `i` flag without `u` compares
 * them) in one pass that looks each window of three characters up in a table.
 */
export function scanForTriggerWord(text: string): boolean {
  const { folded, starts, wordsByStart } = (tables ??= buildTables());
  let window = 0;
  for (let i = 0; i < text.length; i++) {
    const code = folded[text.charCodeAt(i)]!;
    if (code === AT) return true;
    // No word starts with a character that folds to 0, so a window holding one (or the start of the text) matches none.
    window = ((window << 7) | code) & WINDOW_MASK;
    if (starts[window] === 1 && wordsByStart.get(window)!.some((word) => endsAt(text, i - 2, word, folded))) return true;
  }
  return false;
}

const separated = (...words: string[]) => words.flatMap((word) => [word.replace("~", "_"), word.replace("~", "-"), word.replace("~", "")]);

/** TRIGGER_EXPRESSION's words in lower case; `auth` counts only where no letter follows it. */
const TRIGGER_WORDS: readonly string[] = [
  "-----begin ",
  "eyj",
  "akia", "asia", "agpa", "aida", "aroa",
  "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
  "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-",
  "xox",
  "hooks.slack.com",
  "aiza",
  "k_live_",
  "bearer", "basic", "digest", "negotiate",
  "mysql", "mariadb",
  "password", "passwd", "pwd", "secret", "token",
  ...separated("api~key", "access~key", "private~key", "client~secret", "session~id"),
  "authorization", "auth", "credential", "cookie",
];

const AT = 0x40;
const WINDOW_MASK = (1 << 21) - 1;

interface Tables {
  /** Each UTF-16 code unit as 7 bits: ASCII with A-Z as a-z; 0 for the others, which no trigger word holds. */
  folded: Uint8Array;
  /** 1 at the index of each word's first three characters (7 bits each). */
  starts: Uint8Array;
  wordsByStart: Map<number, string[]>;
}

let tables: Tables | undefined;

/** Built on first use, not at start-up. */
function buildTables(): Tables {
  const folded = new Uint8Array(65536);
  for (let code = 1; code < 128; code++) folded[code] = code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
  const starts = new Uint8Array(WINDOW_MASK + 1);
  const wordsByStart = new Map<number, string[]>();
  for (const word of TRIGGER_WORDS) {
    const start = (word.charCodeAt(0) << 14) | (word.charCodeAt(1) << 7) | word.charCodeAt(2);
    starts[start] = 1;
    let words = wordsByStart.get(start);
    if (!words) wordsByStart.set(start, (words = []));
    words.push(word);
  }
  return { folded, starts, wordsByStart };
}

/** Whether `word` (its first three characters already matched) is in `text` at `at`. */
function endsAt(text: string, at: number, word: string, folded: Uint8Array): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 3; i < word.length; i++) if (folded[text.charCodeAt(at + i)] !== word.charCodeAt(i)) return false;
  if (word !== "auth") return true;
  const next = at + 4 < text.length ? folded[text.charCodeAt(at + 4)]! : 0;
  return next < 0x61 || next > 0x7a;
}
