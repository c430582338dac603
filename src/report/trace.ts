import type { TraceResult } from "../queries/trace.js";

/** A traced request as text: one line a link, then where it broke, the fix and how to verify it. */
export function renderTrace(result: TraceResult): string {
  const lines: string[] = [`Request: ${result.request.method} http://${result.request.authority}${result.request.path} on listener port ${result.request.port}`, ""];
  for (const step of result.steps) {
    lines.push(`${step.ok ? "ok  " : "FAIL"} ${step.stage.padEnd(13)} ${step.summary}`);
    for (const detail of step.details ?? []) lines.push(`       ${detail}`);
    if (step.path) lines.push(`       at ${step.path}`);
  }
  if (result.broken) {
    const broken = result.broken;
    lines.push("", `Broken at ${broken.stage} [${broken.category}]`, `  ${broken.reason}`);
    if (broken.fix) {
      lines.push("", `Fix: ${broken.fix.description}`);
      if (broken.fix.yaml) lines.push("", ...broken.fix.yaml.trimEnd().split("\n").map((line) => `  ${line}`));
      if (broken.fix.commands.length) lines.push("", ...broken.fix.commands.map((command) => `  $ ${command}`));
    }
    if (broken.verify.length) lines.push("", "Verify:", ...broken.verify.map((command) => `  $ ${command}`));
  } else {
    lines.push("", "The request reaches its endpoints: every link is in place.");
  }
  return lines.join("\n") + "\n";
}
