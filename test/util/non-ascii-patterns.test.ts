import { describe, expect, it } from "vitest";
import { validate, type SchemaProblem } from "../../src/istio/schema.js";
import { FILESYSTEM_SIGNATURES } from "../../src/signatures/filesystem.js";
import { completeReason } from "../../src/sources/text/reasons.js";

// The command-line bundle must be ASCII, so patterns write their non-ASCII characters as \u escapes:
// each still matches the character it names.
describe("patterns with non-ASCII characters written as escapes", () => {
  it("a microsecond duration (µs) is a duration", () => {
    const problems: SchemaProblem[] = [];
    validate("250µs", { type: "duration" }, ["timeout"], problems, () => undefined);
    expect(problems).toEqual([]);
    validate("250xs", { type: "duration" }, ["timeout"], problems, () => undefined);
    expect(problems).toHaveLength(1);
  });

  it("a reason cut off with an ellipsis character (…) is completed", () => {
    expect(completeReason("CreateContainerConfigE…")).toBe("CreateContainerConfigError");
    expect(completeReason("CreateContainerConfigE...")).toBe("CreateContainerConfigError");
  });

  it("a path quoted with typographic quotes (’) is read without them", () => {
    const signature = FILESYSTEM_SIGNATURES.find((entry) => entry.category === "file-permission-denied" && entry.runtime === "shell")!;
    const match = signature.pattern.exec("mkdir: cannot create directory ‘/var/lib/data’: Permission denied");
    expect(match?.groups?.path).toBe("/var/lib/data");
  });
});
