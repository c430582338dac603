import type { Category } from "../model/categories.js";

/**
 * One known log line: what it means, which runtime writes it, and the real
 * line it was written from. The scanner looks for `keyword` (lower case) in
 * every line first and only runs `pattern` on lines that contain it.
 */
export interface LogSignature {
  id: string;
  category: Category;
  runtime: "java" | "go" | "node" | "python" | "ruby" | "dotnet" | "rust" | "nginx" | "shell" | "runc" | "postgres" | "mysql" | "kernel" | "php" | "http-client" | "dns" | "tls" | "envoy" | "istio" | "kubernetes" | "any";
  /** Lower-case literal that every matching line contains. */
  keyword: string;
  /** Run on the original line; named groups (path, port, host, key, name, user, verb, resource) feed the fix. */
  pattern: RegExp;
  /** When several signatures match, the higher weight names the cause: specific causes over generic stack traces. */
  weight: number;
  /** The real line this signature was written from. */
  example: string;
  /** Where that line was seen. */
  source: string;
  /**
   * The line that names the error when it is not the matching one: `following-exception` for a
   * Python traceback, whose exception (`KeyError: 'API_URL'`) is the first unindented line after
   * the frames.
   */
  namedBy?: "following-exception";
  /** `response`: Envoy's own answer or access-log text, a data-plane symptom the Envoy rules read; never a container's cause. */
  scope?: "response";
  /** What the line means, for lines read by rules that quote it (Envoy responses). */
  explanation?: string;
}
