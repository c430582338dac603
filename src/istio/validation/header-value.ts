/**
 * Istio's `ValidateHTTPHeaderValue`: a header value a route adds or sets is Envoy's header
 * formatter text (https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers#custom-request-response-headers):
 * no control characters, `%%` for a literal percent, `%VAR%` or `%VAR(["arg", ...])%` for a
 * variable. Istio ports Envoy's parser state by state; the messages are Istio's.
 */
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

type State = "literal" | "name" | "array" | "string-start" | "string" | "delimiter" | "args-end" | "variable-end";

export function headerValueProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return `header value configuration ${value} is invalid`;
  const problem = formatterProblem(value);
  return problem ? `header value configuration: ${problem}` : undefined;
}

function formatterProblem(value: string): string | undefined {
  let state: State = "literal";
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos]!;
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case "literal":
        if (ch !== "%") break;
        if (!hasNext) return "invalid header configuration. Un-escaped %";
        if (value[pos + 1] === "%") pos++;
        else state = "name";
        break;
      case "name":
        if (ch === "%") state = "literal";
        else if (ch === "(") state = "array";
        break;
      case "array":
        if (ch === "[") state = "string-start";
        else if (ch !== " ") state = "string";
        break;
      case "delimiter":
        if (ch === ",") state = "string-start";
        else if (ch === "]") state = "args-end";
        else if (ch !== " ") return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case "string-start":
        if (ch === '"') state = "string";
        else if (ch !== " ") return "invalid header configuration. Expecting '\"'";
        break;
      case "string":
        if (ch === "\\") {
          if (!hasNext) return "invalid header configuration. Un-terminated backslash in JSON string";
          pos++;
        } else if (ch === ")") state = "variable-end";
        else if (ch === '"') state = "delimiter";
        break;
      case "args-end":
        if (ch === ")") state = "variable-end";
        else if (ch !== " ") return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'";
        break;
      case "variable-end":
        if (ch === "%") state = "literal";
        else if (ch !== " ") return "invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  return state === "literal" ? undefined : `invalid header configuration. Un-terminated variable expression '${value}'`;
}
