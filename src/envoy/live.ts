/**
 * Live Envoy evidence through kubectl, read-only: istiod's /debug/syncz via the
 * API server's service proxy, istio-proxy logs, and a proxy's config dump via
 * pilot-agent (which needs pods/exec).
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

/** istiod's sync status for every proxy, through the API server's service proxy (needs services/proxy get). */
export function fetchSyncz(options: KubectlOptions & { istioNamespace?: string }): Promise<string> {
  const namespace = options.istioNamespace ?? "istio-system";
  return kubectl(["get", "--raw", `/api/v1/namespaces/${namespace}/services/http:istiod:15014/proxy/debug/syncz`], options);
}

/** A proxy's config dump with endpoints (`pilot-agent request GET config_dump?include_eds`); needs pods/exec. */
export function fetchConfigDump(pod: string, options: KubectlOptions): Promise<string> {
  return kubectl(["exec", pod, ...(options.namespace ? ["-n", options.namespace] : []), "-c", "istio-proxy", "--", "pilot-agent", "request", "GET", "config_dump?include_eds"], options);
}

export function istioProxyLogs(pod: string, options: KubectlOptions & { since?: string; tail?: number }): { stream: Readable; done: Promise<void> } {
  return kubectlStream(["logs", pod, ...(options.namespace ? ["-n", options.namespace] : []), "-c", "istio-proxy", ...(options.since ? [`--since=${options.since}`] : []), ...(options.tail ? [`--tail=${options.tail}`] : [])], options);
}
