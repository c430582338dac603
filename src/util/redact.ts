/**
 * Masks credentials in log excerpts and messages: passwords, tokens, keys in
 * `key=value` / `key: value` / JSON form, bearer tokens, basic-auth userinfo in
 * URLs, JWTs and private key blocks.
 */
const SECRET_WORDS = "(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth|credentials?|session[_-]?id)";

const PATTERNS: Array<[RegExp, string | ((...groups: string[]) => string)]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, "[REDACTED PRIVATE KEY]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [REDACTED]"],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, "[REDACTED JWT]"],
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, "$1:[REDACTED]@"],
  [
    // A key ending in Error/Exception/Warning/Failure is an exception's name (`NoCredentialsError: Unable to ...`), not a key.
    new RegExp(`("?[A-Za-z0-9_.-]*${SECRET_WORDS}[A-Za-z0-9_.-]*(?<!Error|Exception|Warning|Failure)"?\\s*[:=]\\s*"?)(?!Bearer\\b|Basic\\b|\\[REDACTED)([^"\\s,;&}]+)`, "gi"),
    (_match: string, key: string, value: string) => (value.length === 0 || value === "REDACTED" ? `${key}${value}` : `${key}[REDACTED]`),
  ],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "[REDACTED AWS KEY]"],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement as string);
  }
  return out;
}
