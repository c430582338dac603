import { describe, expect, it } from "vitest";
import { redact } from "../../src/util/redact.js";

describe("redact", () => {
  it.each([
    ["unable to connect to mongodb://root:password@mongo-service:27017/admin: MongoNetworkError", "mongodb://root:[REDACTED]@mongo-service:27017/admin"],
    ['Liveness probe failed: Get "http://localhost:8080/health?health_access_key=9f8e7d6c5b4a": context deadline exceeded', "health_access_key=[REDACTED]"],
    ["Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl", "Bearer [REDACTED]"],
    ['{"level":"info","msg":"connecting","db_password":"hunter2-prod"}', '"db_password":"[REDACTED]"'],
    ["SPRING_DATASOURCE_PASSWORD=s3cr3t-value java -jar app.jar", "SPRING_DATASOURCE_PASSWORD=[REDACTED]"],
  ])("masks %s", (line, expected) => {
    const out = redact(line);
    expect(out).toContain(expected);
  });

  it("leaves exception names and their messages alone, but still masks a value after them", () => {
    const boto = "botocore.exceptions.NoCredentialsError: Unable to locate credentials";
    expect(redact(boto)).toBe(boto);
    const jwt = "jwt.exceptions.InvalidTokenError: Signature has expired";
    expect(redact(jwt)).toBe(jwt);
    expect(redact("AuthenticationFailure: password=hunter2")).toBe("AuthenticationFailure: password=[REDACTED]");
  });

  it("leaves kubelet messages about keys alone", () => {
    const message = "Error: couldn't find key passwrod in Secret lab/db-secret";
    expect(redact(message)).toBe(message);
    const oom = "Last State: Terminated / Reason: OOMKilled / Exit Code: 137";
    expect(redact(oom)).toBe(oom);
  });
});

describe("redact and ANTLR's syntax errors", () => {
  it("leaves cel-go's token recognition error alone, in Istio's message, and still masks a Token credential", () => {
    const message = "must be a valid CEL expression, ERROR: <input>:1:3: Syntax error: token recognition error at: '#'";
    expect(redact(message)).toBe(message);
    expect(redact("sent Token recognitionerror9944b0 to the API")).toBe("sent Token [REDACTED] to the API");
    expect(redact("sent Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b to the API")).toBe("sent Token [REDACTED] to the API");
  });
});

describe("redact stops a secret's value at the end of its line", () => {
  it("a heading whose name holds a secret word does not mask the next line", () => {
    const text = "AuthorizationPolicies:\n  deny-all.shop (namespace): DENY every request";
    expect(redact(text)).toBe(text);
    expect(redact("AuthorizationPolicy: deny-all")).toBe("AuthorizationPolicy: deny-all");
  });

  it("still masks a value on the same line, after spaces or a tab", () => {
    expect(redact("DB_PASSWORD:\thunter2\nnext: line")).toBe("DB_PASSWORD:\t[REDACTED]\nnext: line");
    expect(redact("api_token =  abc123def")).toBe("api_token =  [REDACTED]");
  });
});

describe("redact leaves Istio's field paths alone", () => {
  it("a JWT claim route and a list of cookie names are no credentials", () => {
    const claim = "VirtualService default/vs spec.http[0].match[0].headers.@request.auth.claims.group: JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway";
    expect(redact(claim)).toBe(claim);
    const cookies = "RequestAuthentication default/ra spec.jwtRules[0].fromCookies: cookie name must be non-empty string";
    expect(redact(cookies)).toBe(cookies);
    expect(redact("session_cookie: abc123def")).toBe("session_cookie: [REDACTED]");
    const pullSecret = "WasmPlugin default/w spec.imagePullSecret: imagePullSecret field must be less than 253 characters long";
    expect(redact(pullSecret)).toBe(pullSecret);
  });
});
