import http from "node:http";
import https from "node:https";
import { createGunzip } from "node:zlib";
import type { Credentials, ResolvedKubeConfig } from "./kubeconfig.js";
import { ApiError } from "./errors.js";

export interface ClientLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Client-side rate limit: sustained requests per second, and the burst allowed above it. */
  qps: number;
  burst: number;
  /** Longest single request, in milliseconds. */
  requestTimeoutMs: number;
  /** Attempts for a request that fails with 429, 5xx or a dropped connection. */
  attempts: number;
  /** Largest answer read, in bytes after decompression; a larger one is cut off and named. */
  maxResponseBytes: number;
}

export const DEFAULT_LIMITS: ClientLimits = { concurrency: 16, qps: 200, burst: 400, requestTimeoutMs: 30_000, attempts: 4, maxResponseBytes: 64 * 1024 * 1024 };

export interface GetOptions {
  query?: Record<string, string | number | boolean | undefined>;
  accept?: string;
  /** JSON.parse reviver: lets a caller drop fields (Secret values) as the body is parsed. */
  reviver?: (this: unknown, key: string, value: unknown) => unknown;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND", "UND_ERR_SOCKET"]);

/**
 * Read-only Kubernetes API client: GET only, with kubeconfig authentication,
 * bounded concurrency, a token-bucket rate limit, retries with back-off on
 * 429/5xx/dropped connections, a per-request timeout and a deadline for the
 * whole run. Once the server is unreachable, later calls fail at once.
 */
export class KubeClient {
  requests = 0;
  private readonly base: URL;
  private agent: http.Agent | undefined;
  private requestOptions: https.RequestOptions = {};
  private authorised = false;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private tokens: number;
  private lastRefill = Date.now();
  private unreachable: ApiError | undefined;
  /** When the server last answered anything: a timeout on one slow call does not make a server that answers others unreachable. */
  private lastAnswerAt = 0;

  constructor(
    private readonly kube: ResolvedKubeConfig,
    private readonly limits: ClientLimits,
    private readonly deadline: number | undefined,
  ) {
    this.base = new URL(kube.server);
    this.tokens = limits.burst;
  }

  get server(): string {
    return this.kube.server;
  }

  async getJson<T>(path: string, options: GetOptions = {}): Promise<T> {
    const body = await this.get(path, { ...options, accept: options.accept ?? "application/json" });
    try {
      return JSON.parse(body, options.reviver) as T;
    } catch {
      throw new ApiError(`GET ${path}`, undefined, "BadResponse", `GET ${path}: the API server answered with something that is not JSON`);
    }
  }

  async getText(path: string, options: GetOptions = {}): Promise<string> {
    return this.get(path, { ...options, accept: options.accept ?? "*/*" });
  }

  close(): void {
    this.agent?.destroy();
  }

  /**
   * One GET whose body is read as a stream (a container log of any size, in constant memory): the request
   * timeout covers the wait for the answer's headers only. Not retried; a non-2xx answer is an ApiError.
   */
  async stream(path: string, options: GetOptions = {}): Promise<{ stream: NodeJS.ReadableStream; done: Promise<void> }> {
    const call = `GET ${withQuery(path, options.query)}`;
    await this.authorise();
    this.checkDeadline(call);
    await this.rateLimit(call);
    this.requests++;
    const url = new URL(joinPath(this.base.pathname, path), this.base);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
    const timeout = Math.max(1, Math.min(this.limits.requestTimeoutMs, this.remaining()));
    const transport = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method: "GET", agent: this.agent, auth: this.requestOptions.auth, headers: { ...this.requestOptions.headers, Accept: options.accept ?? "*/*", "Accept-Encoding": "gzip", "User-Agent": "ktriage (read-only)" } }, (response) => {
        request.setTimeout(0);
        this.lastAnswerAt = Date.now();
        const body = response.headers["content-encoding"] === "gzip" ? response.pipe(createGunzip()) : response;
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          let size = 0;
          body.on("data", (chunk: Buffer) => {
            if (size < 65_536) chunks.push(chunk);
            size += chunk.length;
          });
          body.on("end", () => reject(statusError(call, status, Buffer.concat(chunks).toString("utf8"))));
          body.on("error", (error) => reject(new ApiError(call, undefined, "ConnectionLost", `${call}: ${messageOf(error)}`)));
          return;
        }
        const done = new Promise<void>((finish, fail) => {
          body.on("end", () => finish());
          body.on("error", (error) => fail(new ApiError(call, undefined, "ConnectionLost", `${call}: ${messageOf(error)}`)));
          response.on("aborted", () => fail(new ApiError(call, undefined, "ConnectionLost", `${call}: the connection closed before the answer was complete`)));
        });
        resolve({ stream: body, done });
      });
      request.setTimeout(timeout, () => request.destroy(new ApiError(call, undefined, "Timeout", `${call}: no answer within ${Math.round(timeout / 100) / 10} s`)));
      request.on("error", (error) => reject(error instanceof ApiError ? error : new ApiError(call, undefined, errorCode(error) ?? "Error", `${call}: ${describeNetworkError(error, this.kube.server)}`)));
      request.end();
    });
  }

  private async get(path: string, options: GetOptions): Promise<string> {
    const call = `GET ${withQuery(path, options.query)}`;
    const began = Date.now();
    await this.authorise();
    let lastError: ApiError | undefined;
    for (let attempt = 1; attempt <= this.limits.attempts; attempt++) {
      if (this.unreachable) throw new ApiError(call, undefined, this.unreachable.reason, this.unreachable.message);
      this.checkDeadline(call);
      await this.acquire();
      let result: { status: number; body: string; retryAfter?: number } | undefined;
      try {
        await this.rateLimit(call);
        this.requests++;
        result = await this.send(path, options, call);
      } catch (error) {
        lastError = error instanceof ApiError ? error : new ApiError(call, undefined, "Error", `${call}: ${messageOf(error)}`);
        if (lastError.reason === "Timeout" && this.remaining() <= 0) throw lastError;
        if (!isConnectionError(lastError)) throw lastError;
      } finally {
        this.release();
      }
      if (result) {
        if (result.status >= 200 && result.status < 300) return result.body;
        lastError = statusError(call, result.status, result.body);
        if (result.status === 401 && attempt === 1) {
          // Tokens from exec plugins and service-account files rotate: read the credentials again once.
          this.authorised = false;
          await this.authorise();
          continue;
        }
        if (!RETRYABLE_STATUS.has(result.status)) throw lastError;
        if (attempt < this.limits.attempts) await this.backOff(attempt, result.retryAfter, call);
        continue;
      }
      if (attempt < this.limits.attempts) await this.backOff(attempt, undefined, call);
    }
    if (lastError && isConnectionError(lastError) && !(lastError.reason === "Timeout" && this.lastAnswerAt >= began)) {
      this.unreachable = new ApiError(call, undefined, lastError.reason, `API server ${this.kube.server} stopped answering: ${lastError.message}`);
    }
    throw lastError ?? new ApiError(call, undefined, "Error", `${call} failed`);
  }

  private async authorise(): Promise<void> {
    if (this.authorised) return;
    const credentials = await this.kube.credentials();
    if (!this.agent) {
      this.agent = credentials.agent ?? apiAgent(this.base, credentials, this.limits.concurrency);
    }
    this.requestOptions = { headers: credentials.headers, auth: credentials.auth };
    this.authorised = true;
  }

  private send(path: string, options: GetOptions, call: string): Promise<{ status: number; body: string; retryAfter?: number }> {
    const url = new URL(joinPath(this.base.pathname, path), this.base);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
    const timeout = Math.max(1, Math.min(this.limits.requestTimeoutMs, this.remaining()));
    const transport = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: "GET",
          agent: this.agent,
          auth: this.requestOptions.auth,
          headers: { ...this.requestOptions.headers, Accept: options.accept, "Accept-Encoding": "gzip", "User-Agent": "ktriage (read-only)" },
        },
        (response) => {
          this.lastAnswerAt = Date.now();
          const chunks: Buffer[] = [];
          let size = 0;
          const stream = response.headers["content-encoding"] === "gzip" ? response.pipe(createGunzip()) : response;
          stream.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.limits.maxResponseBytes) {
              const limit = `${Math.round((this.limits.maxResponseBytes / 1024 / 1024) * 10) / 10} MiB`;
              reject(new ApiError(call, undefined, "TooLarge", `${call}: the answer is larger than ${limit} (the response size limit)`));
              request.destroy();
              return;
            }
            chunks.push(chunk);
          });
          stream.on("error", (error) => reject(new ApiError(call, undefined, "ConnectionLost", `${call}: ${messageOf(error)}`)));
          stream.on("end", () => {
            const retryAfter = Number(response.headers["retry-after"]);
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined });
          });
          response.on("aborted", () => reject(new ApiError(call, undefined, "ConnectionLost", `${call}: the connection closed before the answer was complete`)));
        },
      );
      request.setTimeout(timeout, () => {
        request.destroy(new ApiError(call, undefined, "Timeout", `${call}: no answer within ${Math.round(timeout / 100) / 10} s`));
      });
      request.on("error", (error) => {
        if (error instanceof ApiError) reject(error);
        else reject(new ApiError(call, undefined, errorCode(error) ?? "Error", `${call}: ${describeNetworkError(error, this.kube.server)}`));
      });
      request.end();
    });
  }

  private remaining(): number {
    return this.deadline === undefined ? Number.POSITIVE_INFINITY : this.deadline - Date.now();
  }

  private checkDeadline(call: string): void {
    if (this.remaining() <= 0) throw new ApiError(call, undefined, "Timeout", `${call}: not made, the --timeout ran out`);
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.limits.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private async rateLimit(call: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.limits.qps);
      this.lastRefill = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const wait = Math.ceil(((1 - this.tokens) / this.limits.qps) * 1000);
      if (wait > this.remaining()) throw new ApiError(call, undefined, "Timeout", `${call}: not made, the --timeout ran out`);
      await sleep(wait);
    }
  }

  private async backOff(attempt: number, retryAfterSeconds: number | undefined, call: string): Promise<void> {
    const exponential = 200 * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
    const wait = retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds * 1000, 10_000) : exponential;
    if (wait >= this.remaining()) throw new ApiError(call, undefined, "Timeout", `${call}: gave up retrying, the --timeout ran out`);
    await sleep(wait);
  }
}

export function statusError(call: string, status: number, body: string): ApiError {
  let reason = String(status);
  let message = body.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { reason?: string; message?: string };
    if (parsed.reason) reason = parsed.reason;
    if (parsed.message) message = parsed.message;
  } catch {
    // Not a Status object (a proxy or load balancer answered): keep the text.
  }
  return new ApiError(call, status, reason, `${call}: ${status} ${message}`.trim());
}

function isConnectionError(error: ApiError): boolean {
  return error.status === undefined && (CONNECTION_ERRORS.has(error.reason) || error.reason === "ConnectionLost" || error.reason === "Timeout");
}

function describeNetworkError(error: unknown, server: string): string {
  const code = errorCode(error);
  if (code === "ECONNREFUSED") return `connection refused by ${server} (is the API server running?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot resolve the host of ${server}`;
  if (code === "ECONNRESET") return `${server} closed the connection`;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS: ${messageOf(error)} (check certificate-authority in the kubeconfig)`;
  return messageOf(error);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function joinPath(basePath: string, path: string): string {
  return basePath.replace(/\/+$/, "") + path;
}

export function withQuery(path: string, query: GetOptions["query"]): string {
  const entries = Object.entries(query ?? {}).filter(([, value]) => value !== undefined && value !== "");
  if (entries.length === 0) return path;
  return `${path}?${entries.map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`).join("&")}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The keep-alive agent for the API server at `base`: plain HTTP, or HTTPS with the kubeconfig's certificates. */
export function apiAgent(base: URL, credentials: Credentials, maxSockets: number): http.Agent {
  if (base.protocol === "http:") return new http.Agent({ keepAlive: true, maxSockets });
  return new https.Agent({
    keepAlive: true,
    maxSockets,
    ca: credentials.ca,
    cert: credentials.cert,
    key: credentials.key,
    pfx: credentials.pfx,
    passphrase: credentials.passphrase,
    servername: credentials.servername,
    ...(credentials.rejectUnauthorized !== undefined ? { rejectUnauthorized: credentials.rejectUnauthorized } : {}),
  });
}
