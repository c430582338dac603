import { main } from "../../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The message when the command threw out of main (a crash; the real CLI prints it and exits 2). */
  crash?: string;
}

/**
 * Runs one ktriage command in this process (no spawn per case) with stdout and
 * stderr captured, so a fuzz or canary test can run thousands of them.
 */
export async function runCli(args: readonly string[], stdin?: string): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (sink: (text: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const callback = rest.find((item) => typeof item === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, "stdin");
  if (stdin !== undefined) {
    const { Readable } = await import("node:stream");
    Object.defineProperty(process, "stdin", { value: Readable.from([Buffer.from(stdin)]), configurable: true });
  }
  try {
    const code = await main(["node", "ktriage", ...args]);
    return { code, stdout, stderr };
  } catch (error) {
    return { code: 2, stdout, stderr, crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    if (stdin !== undefined && stdinDescriptor) Object.defineProperty(process, "stdin", stdinDescriptor);
  }
}
