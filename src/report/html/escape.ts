import { redact } from "../../util/redact.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** HTML-escapes text already redacted; for attribute values and element content alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/**
 * Every string that reaches the page from the inputs: redacted first (escaping would hide a
 * credential's shape from the last redaction pass), then escaped.
 */
export function safe(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return "";
  return escapeHtml(redact(String(value)));
}

/** Text the report itself writes (numbers, labels, class names): escaped, not redacted. */
export function own(value: string | number): string {
  return escapeHtml(String(value));
}

/** A token safe in a class name or data attribute: letters, digits, `-` and `_`. */
export function token(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").slice(0, 80);
}
