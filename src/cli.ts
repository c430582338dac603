#!/usr/bin/env node
import { main } from "./cli/main.js";
import { redact } from "./util/redact.js";

// `ktriage ... | head` closes stdout early: stop quietly, as other Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ktriage: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 2;
  },
);
