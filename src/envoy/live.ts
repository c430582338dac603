/**
 * istio-proxy logs streamed through `kubectl logs`, so multi-GB logs are read
 * in constant memory. Envoy admin and istiod reads go through the API server
 * with the live client instead (src/sources/live/envoy-admin.ts).
 */
import { execFile, spawn } from "node:child_process";
import type { Readable } from "node:stream";

export interface KubectlOptions {
  context?: string;
  kubeconfig?: string;
  namespace?: string;
}

export class KubectlError extends Error {}

function baseArgs(options: KubectlOptions): string[] {
  return [...(options.kubeconfig ? ["--kubeconfig", options.kubeconfig] : []), ...(options.context ? ["--context", options.context] : [])];
}

export function kubectl(args: string[], options: KubectlOptions, maxBuffer = 1 << 30): Promise<string> {
  const full = [...baseArgs(options), ...args];
  return new Promise((resolve, reject) => {
    execFile("kubectl", full, { maxBuffer, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(new KubectlError(code === "ENOENT" ? "kubectl is not installed or not on PATH" : `kubectl ${full.join(" ")}: ${(stderr || error.message).trim().split("\n")[0]}`));
      } else resolve(stdout);
    });
  });
}

/** `kubectl logs` as a stream, so multi-GB logs are read in constant memory. */
export function kubectlStream(args: string[], options: KubectlOptions): { stream: Readable; done: Promise<void> } {
  const full = [...baseArgs(options), ...args];
  const child = spawn("kubectl", full, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", (error) => reject(new KubectlError((error as NodeJS.ErrnoException).code === "ENOENT" ? "kubectl is not installed or not on PATH" : error.message)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new KubectlError(`kubectl ${full.join(" ")}: ${stderr.trim().split("\n")[0] ?? `exit ${code}`}`))));
  });
  return { stream: child.stdout, done };
}

export function istioProxyLogs(pod: string, options: KubectlOptions & { since?: string; tail?: number }): { stream: Readable; done: Promise<void> } {
  return kubectlStream(["logs", pod, ...(options.namespace ? ["-n", options.namespace] : []), "-c", "istio-proxy", ...(options.since ? [`--since=${options.since}`] : []), ...(options.tail ? [`--tail=${options.tail}`] : [])], options);
}
