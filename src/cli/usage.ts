import { redact } from "../util/redact.js";

/** Exit code of a usage or input error. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function warn(message: string): void {
  process.stderr.write(`ktriage: ${redact(message)}\n`);
}
