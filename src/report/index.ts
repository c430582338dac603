import { yamlPackage } from "../util/yaml-package.js";
import { renderMarkdown } from "./markdown.js";
import { toJsonDocument, type OutputFormat, type RenderOptions, type Report } from "./report.js";
import { renderText } from "./text.js";

export type { OutputFormat, RenderOptions, Report, RuleDescriptor } from "./report.js";
export { OUTPUT_FORMATS, toJsonDocument } from "./report.js";

/** The JSON report document as `-o json` prints it. */
export function jsonReportText(document: unknown): string {
  return JSON.stringify(document, null, 2) + "\n";
}

/** Formats a report; reporters never change what the rules found. */
export async function renderReport(format: OutputFormat, report: Report, options: RenderOptions): Promise<string> {
  switch (format) {
    case "json":
      return jsonReportText(toJsonDocument(report));
    case "yaml":
      return yamlPackage().stringify(toJsonDocument(report), { lineWidth: 0 });
    case "markdown":
      return renderMarkdown(report);
    case "sarif": {
      const { renderSarif } = await import("./sarif.js");
      return renderSarif(report, options.sarif);
    }
    case "istioctl": {
      const { renderIstioctl } = await import("./istioctl.js");
      return renderIstioctl(report);
    }
    case "html": {
      const { renderHtml } = await import("./html/document.js");
      return renderHtml({ ...options.html, title: `ktriage ${report.command}`, report, now: report.now, toolVersion: report.toolVersion });
    }
    case "text":
      return renderText(report, options);
    case "wide":
      return renderText(report, { ...options, wide: true });
  }
}
