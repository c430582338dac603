import { redact } from "../util/redact.js";

/**
 * A config dump as Envoy's admin prints it for secrets: fields the Envoy API
 * marks sensitive (`udpa.annotations.sensitive`: TLS private keys and
 * passwords, session ticket keys, generic and HMAC secrets, OAuth2 token
 * secrets) have their inline data replaced by "[redacted]"; header values
 * that carry credentials (Authorization, Cookie, API keys) too, and every
 * other string goes through the text redaction.
 * https://www.envoyproxy.io/docs/envoy/latest/operations/admin#get--config_dump
 */
const SENSITIVE_FIELDS = new Set(["private_key", "privateKey", "password", "session_ticket_keys", "sessionTicketKeys", "generic_secret", "genericSecret", "hmac_secret", "hmacSecret", "token_secret", "tokenSecret", "client_secret", "clientSecret", "pkey", "secret_value"]);
const SENSITIVE_HEADERS = /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-amz-security-token|x-goog-api-key|api-key)$/i;
const INLINE = new Set(["inline_bytes", "inline_string", "inlineBytes", "inlineString", "inline"]);

export const ENVOY_REDACTED = "[redacted]";
/** Bytes fields hold base64 in JSON: Envoy's admin prints "[redacted]" as bytes. */
const ENVOY_REDACTED_BYTES = Buffer.from(ENVOY_REDACTED).toString("base64");

export function redactEnvoyDump(value: unknown): unknown {
  return walk(value, false, 0);
}

function walk(value: unknown, sensitive: boolean, depth: number): unknown {
  if (typeof value === "string") return sensitive ? ENVOY_REDACTED : redact(value);
  if (value === null || typeof value !== "object") return sensitive && value !== null ? ENVOY_REDACTED : value;
  if (depth > 200) return ENVOY_REDACTED;
  if (Array.isArray(value)) return value.map((item) => walk(item, sensitive, depth + 1));
  const record = value as Record<string, unknown>;
  const headerName = typeof record.key === "string" ? record.key : typeof record.name === "string" && ("value" in record || "string_match" in record) ? record.name : undefined;
  const credentialHeader = headerName !== undefined && SENSITIVE_HEADERS.test(headerName);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    if (sensitive && !INLINE.has(key) && key !== "keys" && key !== "secret" && typeof item !== "object") out[key] = item;
    else if (credentialHeader && (key === "value" || key === "raw_value" || key === "exact")) out[key] = ENVOY_REDACTED;
    else if ((sensitive || SENSITIVE_FIELDS.has(key)) && (key === "inline_bytes" || key === "inlineBytes")) out[key] = ENVOY_REDACTED_BYTES;
    else out[key] = walk(item, sensitive || SENSITIVE_FIELDS.has(key), depth + 1);
  }
  return out;
}
