/**
 * Masks credentials in any text ktriage prints: passwords, tokens and keys in
 * `key=value` / `key: value` / JSON form, env entries whose name says secret,
 * Authorization headers, userinfo in URLs, image references and authorities,
 * known token shapes (JWT, AWS, GitHub, GitLab, Slack, Google, Stripe),
 * private key blocks and database client passwords (`-pSECRET`).
 *
 * Every pattern runs in linear time on any input: each one starts only at the
 * first character of a run (a lookbehind rules out the middle of one) and
 * every repetition is bounded, so a 1 MB line costs one pass per pattern.
 */
const SECRET_WORDS = "(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|authorization|auth(?![a-z])|credentials?|session[_-]?id|cookie)";
const SECRET_NAME = new RegExp(SECRET_WORDS, "i");
/** Names that hold a secret word but no secret: field names of Kubernetes and Istio objects (`fromCookies` lists cookie names, `imagePullSecret` names a Secret) and JWT claim routes (`@request.auth.claims.group`). */
const NOT_A_KEY = /(?:Error|Exception|Warning|Failure|Ref|Name|Names|Path|File|Mode|Type|Refs|Policy|Policies|Cookies|PullSecrets?)$|auth\.claims[.[]/;

export const REDACTED = "[REDACTED]";

type Replacer = (match: string, ...groups: any[]) => string;

/**
 * Where every match of a pattern starts: at most `before` characters ahead of a hit of `anchor` (a word
 * the match must contain, found left to right) or inside that hit. The pattern is then tried only at
 * those positions, which finds the same matches as a scan of the whole text.
 */
interface Anchor {
  anchor: RegExp;
  before: number;
}

/** Each pattern with a cheap test the text must pass for the pattern to match at all (a substring it needs). */
const PATTERNS: ReadonlyArray<[RegExp, string | Replacer, (text: string) => boolean, Anchor?]> = [
  // A block cut short (a log line, a JSON string) ends at the first character that is not base64.
  [/-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{0,16384}(?:-----END [A-Z ]{0,40}PRIVATE KEY-----)?/g, "[REDACTED PRIVATE KEY]", (text) => text.includes("-----BEGIN ")],
  // ANTLR's "token recognition error at: ..." (cel-go's syntax errors, quoted in Istio's messages) names no credential.
  [/(?<![A-Za-z0-9_])(Bearer|Basic|Token|Digest|Negotiate)\s{1,8}(?!\[REDACTED)(?!recognition error\b)[A-Za-z0-9._~+/=-]{8,4096}/gi, "$1 [REDACTED]", (text) => AUTH_SCHEME.test(text)],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,8192}/g, "[REDACTED JWT]", (text) => text.includes("eyJ")],
  [/(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, "[REDACTED AWS KEY]", (text) => AWS_PREFIX.test(text)],
  [/(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g, "[REDACTED GITHUB TOKEN]", (text) => GITHUB_PREFIX.test(text)],
  [/(?<![A-Za-z0-9_-])(?:glpat|gldt|glrt|glptt|glcbt)-[A-Za-z0-9_-]{20,255}/g, "[REDACTED GITLAB TOKEN]", (text) => GITLAB_PREFIX.test(text)],
  [/(?<![A-Za-z0-9-])xox[abposre]-[A-Za-z0-9-]{10,255}/g, "[REDACTED SLACK TOKEN]", (text) => text.includes("xox")],
  [/hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,255}/g, "hooks.slack.com/services/[REDACTED]", (text) => text.includes("hooks.slack.com/services/")],
  [/(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, "[REDACTED GOOGLE API KEY]", (text) => text.includes("AIza")],
  [/(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{16,255}/g, "[REDACTED STRIPE KEY]", (text) => text.includes("k_live_")],
  // scheme://user:password@host (connection strings, git remotes, registry URLs); the user may be empty (redis://:pw@).
  [/(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:/@"'<>]{0,256}):(?!\[REDACTED)([^\s@/"'<>]{1,1024})@/g, "$1:[REDACTED]@", (text) => text.includes("@") && text.includes("://"), { anchor: /:\/\//g, before: 31 }],
  // user:password@host without a scheme (an image reference, an HTTP authority in an access log).
  [/(?<![A-Za-z0-9._~%:/@-])([A-Za-z0-9._~%-]{1,128}):(?!\[REDACTED)([^\s@/:"'<>[\]]{1,256})@(?=[A-Za-z0-9-]{1,63}(?:(?:\.[A-Za-z0-9-]{1,63}){1,10}(?![A-Za-z0-9-])|[:/]))/g, "$1:[REDACTED]@", (text) => text.includes("@"), { anchor: /@/g, before: 385 }],
  // NAME: value, NAME=value, "name": "value" where the name says secret.
  [
    new RegExp(`(?<![A-Za-z0-9_.-])("?[A-Za-z0-9_.-]{0,64}${SECRET_WORDS}[A-Za-z0-9_.-]{0,64}"?)([ \\t]{0,8}[:=][ \\t]{0,8}"?)(?!Bearer\\b|Basic\\b|\\[REDACTED|<|\\{|\\[|\\$\\()([^"\\s,;&}\\]]{1,4096})`, "gi"),
    (match: string, key: string, separator: string, _value: string) => (NOT_A_KEY.test(key.replace(/"$/, "")) ? match : `${key}${separator}${REDACTED}`),
    (text) => SECRET_NAME.test(text),
    { anchor: new RegExp(SECRET_WORDS, "gi"), before: 65 },
  ],
  // `--password SECRET`, `--token SECRET` (the value as the next argument).
  [/(?<![A-Za-z0-9_-])(--?(?:password|passwd|token|secret|api-key|client-secret))(\s{1,4})(?!-|\[REDACTED|<)([^\s"',]{1,1024})/gi, `$1$2${REDACTED}`, (text) => SECRET_NAME.test(text)],
  // {name: DB_PASSWORD, value: ...}: an env entry, as YAML, JSON or a kubectl patch.
  [
    /(?<![A-Za-z0-9_])(name"?\s{0,8}[:=]\s{0,8}"?)([A-Za-z0-9_.-]{1,128})("?\s{0,8},?\s{0,64}"?value"?\s{0,8}[:=]\s{0,8})("?)(?!\[REDACTED)([^"\n]{1,4096})/g,
    (match: string, nameKey: string, name: string, between: string, quote: string, _value: string) => (SECRET_NAME.test(name) && !NOT_A_KEY.test(name) ? `${nameKey}${name}${between}${quote}${REDACTED}` : match),
    (text) => text.includes("value") && SECRET_NAME.test(text),
  ],
];

/** The patterns tried only near their anchors, for tests comparing that with a scan of the whole text. */
export const ANCHORED_PATTERNS = PATTERNS.flatMap(([pattern, replacement, , near]) => (near ? [{ pattern, replacement, near }] : []));

const AUTH_SCHEME = /(?:bearer|basic|token|digest|negotiate)\s/i;
const AWS_PREFIX = /AKIA|ASIA|AGPA|AIDA|AROA/;
const GITHUB_PREFIX = /gh[pousr]_|github_pat_/;
const GITLAB_PREFIX = /gl(?:pat|dt|rt|ptt|cbt)-/;
/** Text none of whose patterns can match passes unchanged: one pass instead of one per pattern. */
const ANY_TRIGGER = new RegExp(`-----BEGIN |eyJ|AKIA|ASIA|AGPA|AIDA|AROA|gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|cbt)-|xox|hooks\\.slack\\.com|AIza|k_live_|@|bearer|basic|digest|negotiate|mysql|mariadb|${SECRET_WORDS}`, "i");

/** MySQL and MariaDB clients take the password glued to -p: `mysql -uroot -pSECRET`. */
const GLUED_PASSWORD = /(\s|^|")-p(?!\s|\[REDACTED)([^\s"',]{1,1024})/g;
const MYSQL_CLIENT = /\b(?:mysql|mysqladmin|mysqldump|mariadb|mariadb-dump|mysqlsh)\b/g;

/**
 * What redact returned for texts seen before in this process: findings cross several redaction passes
 * (the engine's, the report's), and a text met again costs one lookup. Bounded in entries and length.
 */
const redacted = new Map<string, string>();
const MEMO_ENTRIES = 200_000;
const MEMO_TEXT_LENGTH = 16_384;

export function redact(text: string): string {
  const known = redacted.get(text);
  if (known !== undefined) return known;
  const out = redactText(text);
  if (text.length <= MEMO_TEXT_LENGTH && redacted.size < MEMO_ENTRIES) redacted.set(text, out);
  return out;
}

function redactText(text: string): string {
  if (!ANY_TRIGGER.test(text)) return text;
  let out = text;
  for (const [pattern, replacement, mayMatch, near] of PATTERNS) {
    if (!mayMatch(out)) continue;
    out = near ? replaceNearAnchors(out, pattern, replacement, near) : out.replace(pattern, replacement as string);
  }
  return redactGluedPasswords(out);
}

const stickyPatterns = new Map<RegExp, RegExp>();

/**
 * `text.replace(pattern, replacement)` trying the pattern only where a match can start (see Anchor):
 * positions are tried in increasing order, each at most once, and a match resumes the search at its
 * end, as a global replace does.
 */
export function replaceNearAnchors(text: string, pattern: RegExp, replacement: string | Replacer, near: Anchor): string {
  let sticky = stickyPatterns.get(pattern);
  if (!sticky) stickyPatterns.set(pattern, (sticky = new RegExp(pattern.source, `${pattern.flags.replace("g", "")}y`)));
  const anchor = near.anchor;
  anchor.lastIndex = 0;
  let out = "";
  let copied = 0;
  let next = 0;
  for (let hit = anchor.exec(text); hit !== null; hit = anchor.exec(text)) {
    const last = hit.index + Math.max(hit[0].length, 1) - 1;
    for (let start = Math.max(next, hit.index - near.before); start <= last; start++) {
      sticky.lastIndex = start;
      const match = sticky.exec(text);
      if (match === null) continue;
      out += text.slice(copied, start) + replaced(match, replacement);
      copied = start + match[0].length;
      start = Math.max(copied, start + 1) - 1;
    }
    next = Math.max(next, last + 1, copied);
    if (hit[0].length === 0) anchor.lastIndex++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function replaced(match: RegExpExecArray, replacement: string | Replacer): string {
  if (typeof replacement === "function") return replacement(match[0], ...match.slice(1), match.index, match.input);
  return replacement.replace(/\$(\d)/g, (_, group: string) => match[Number(group)] ?? "");
}

/** `-pSECRET` within 200 characters after a MySQL client's name (positions found once, walked in order). */
function redactGluedPasswords(text: string): string {
  const clients = [...text.matchAll(MYSQL_CLIENT)].map((match) => match.index);
  if (clients.length === 0) return text;
  let next = 0;
  return text.replace(GLUED_PASSWORD, (match: string, before: string, _value: string, offset: number) => {
    while (next + 1 < clients.length && clients[next + 1]! < offset) next++;
    const client = clients[next]!;
    return client < offset && offset - client <= 200 ? `${before}-p${REDACTED}` : match;
  });
}

/** Whether an env var, header or field name says its value is a credential. */
export function isCredentialName(name: string): boolean {
  let known = credentialNames.get(name);
  if (known === undefined) {
    known = SECRET_NAME.test(name) && !NOT_A_KEY.test(name);
    if (credentialNames.size < MEMO_ENTRIES && name.length <= 256) credentialNames.set(name, known);
  }
  return known;
}

/** The answer for names met before: redactDeep asks it for every key of every finding, and findings repeat their keys. */
const credentialNames = new Map<string, boolean>();

const SENSITIVE_HEADERS = /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-amz-security-token|x-goog-api-key)$/i;

/**
 * Every string in a value redacted, and the values of fields, env entries and
 * headers whose name says they are credentials replaced whole. Returns a copy.
 */
export function redactDeep<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object" || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const entryName = typeof record.name === "string" ? record.name : typeof record.key === "string" ? record.key : undefined;
  const sensitiveEntry = entryName !== undefined && "value" in record && (isCredentialName(entryName) || SENSITIVE_HEADERS.test(entryName));
  for (const [key, item] of Object.entries(record)) {
    if (sensitiveEntry && key === "value" && typeof item === "string") out[key] = REDACTED;
    else if (typeof item === "string" && isCredentialName(key) && item !== "") out[key] = REDACTED;
    else out[key] = redactValue(item, depth + 1);
  }
  return out;
}

/**
 * Whether `JSON.stringify(value)` could hold a text redact changes. A credential pattern can only
 * match where one of its trigger words is, and no trigger word holds a quote, so each would lie
 * inside one key or string as JSON writes it (escapes included: a tab before "oken" prints `\token`);
 * numbers, literals and punctuation hold none. Anything JSON.stringify would not write plainly
 * (toJSON, class instances, Maps) counts as possibly holding one.
 */
export function jsonMayNeedRedaction(value: unknown): boolean {
  return mayNeedRedaction(value, 0);
}

const NEEDS_ESCAPE = /[\u0000-\u001f\ud800-\udfff]/;
const cleanJsonTexts = new Set<string>();

function jsonTextMayNeedRedaction(text: string): boolean {
  if (cleanJsonTexts.has(text)) return false;
  const written = NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : text;
  if (ANY_TRIGGER.test(written)) return true;
  if (text.length <= MEMO_TEXT_LENGTH && cleanJsonTexts.size < MEMO_ENTRIES) cleanJsonTexts.add(text);
  return false;
}

function mayNeedRedaction(value: unknown, depth: number): boolean {
  if (typeof value === "string") return jsonTextMayNeedRedaction(value);
  if (value === null || typeof value !== "object") return typeof value === "bigint";
  if (depth > 200) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (mayNeedRedaction(item, depth + 1)) return true;
    return false;
  }
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (jsonTextMayNeedRedaction(key) || mayNeedRedaction((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}
