import type { Report } from "./report.js";

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

/** SARIF 2.1.0 for code-scanning UIs: one result per finding with file, line, rule id and help. */
export function renderSarif(report: Report): string {
  const ruleIds = [...new Set(report.findings.map((f) => f.rule))];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "ktriage",
            informationUri: "https://github.com/ktriage/ktriage",
            rules: ruleIds.map((id) => {
              const first = report.findings.find((f) => f.rule === id)!;
              return {
                id,
                name: id,
                shortDescription: { text: first.category },
                help: { text: first.fix?.description ?? first.cause },
                properties: { category: first.category, equivalents: first.equivalents },
              };
            }),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          level: LEVEL[f.severity],
          message: { text: f.message ?? f.summary },
          locations: f.resource.file
            ? [{ physicalLocation: { artifactLocation: { uri: f.resource.file }, region: { startLine: f.resource.line ?? 1 } } }]
            : [],
          properties: { category: f.category, confidence: f.confidence, resource: f.resource },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
