#!/usr/bin/env node
import { main } from "./cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ktriage: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
