import http from "node:http";
import https from "node:https";
import { createGunzip } from "node:zlib";
import type { Credentials, ResolvedKubeConfig } from "../sources/live/kubeconfig.js";
import { apiAgent, statusError, withQuery } from "../sources/live/client.js";
import { ApiError } from "../sources/live/errors.js";

export type Verb = "GET" | "LIST" | "WATCH" | "POST" | "PUT" | "PATCH";

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  reviver?: (this: unknown, key: string, value: unknown) => unknown;
  /** Counted as this verb (LIST for a collection GET). */
  verb?: Verb;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** Longest single line of a watch stream (one object): the API server stores objects of at most ~1.5 MiB. */
export const MAX_WATCH_LINE_BYTES = 8 * 1024 * 1024;
const MAX_BODY_BYTES = 256 * 1024 * 1024;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * The watcher's API client: one request at a time per call, retries on
 * 429/5xx/dropped connections with back-off, and long-lived watch streams
 * read line by line with a bound on each line. Every request is counted by
 * verb and status code (`onRequest`), for /metrics and the bench.
 */
export class WatchApi {
  private agent: http.Agent | undefined;
  private watchAgent: http.Agent | undefined;
  private credentials: Credentials | undefined;
  private readonly base: URL;
  onRequest: (verb: Verb, code: string) => void = () => undefined;

  constructor(private readonly kube: ResolvedKubeConfig, private readonly userAgent = "ktriage-watch") {
    this.base = new URL(kube.server);
  }

  get server(): string {
    return this.kube.server;
  }

  async request<T = unknown>(method: "GET" | "POST" | "PUT" | "PATCH", path: string, options: RequestOptions = {}, attempts = 4): Promise<ApiResponse<T>> {
    const verb = options.verb ?? method;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await this.send(method, path, options);
        this.onRequest(verb, String(response.status));
        if (response.status === 401 && attempt === 1) {
          this.credentials = undefined; // service-account tokens rotate: read them again once
          continue;
        }
        if (RETRYABLE_STATUS.has(response.status) && attempt < attempts) {
          await sleep(backOff(attempt, response.retryAfter));
          continue;
        }
        let body: unknown = response.text;
        try {
          body = JSON.parse(response.text, options.reviver);
        } catch {
          // plain text (logs) or a proxy's error page: kept as text
        }
        return { status: response.status, body: body as T };
      } catch (error) {
        this.onRequest(verb, "error");
        last = error;
        if (attempt < attempts) await sleep(backOff(attempt));
      }
    }
    throw last instanceof Error ? last : new ApiError(`${method} ${path}`, undefined, "Error", `${method} ${path} failed`);
  }

  /**
   * Opens a watch and calls `onEvent` for each event until the server ends the
   * stream, the signal aborts, or nothing arrives for `idleMs`. Resolves when
   * the stream ends; rejects with an ApiError when the server refuses it.
   */
  async watch(path: string, query: Record<string, string | number | boolean | undefined>, onEvent: (event: WatchEvent) => void, options: { signal: AbortSignal; idleMs: number; reviver?: RequestOptions["reviver"] }): Promise<void> {
    const credentials = await this.authorise();
    const url = this.url(path, { ...query, watch: "true" });
    const call = `GET ${withQuery(path, query)}&watch=true`;
    return new Promise((resolve, reject) => {
      const transport = url.protocol === "http:" ? http : https;
      const request = transport.request(url, { method: "GET", agent: this.watchAgentFor(credentials), auth: credentials.auth, headers: { ...credentials.headers, Accept: "application/json", "User-Agent": this.userAgent }, signal: options.signal }, (response) => {
        const status = response.statusCode ?? 0;
        this.onRequest("WATCH", String(status));
        if (status !== 200) {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.length < 64 && chunks.push(chunk));
          response.on("end", () => reject(statusError(call, status, Buffer.concat(chunks).toString("utf8"))));
          response.on("error", reject);
          return;
        }
        let pending = "";
        let idle = setTimeout(() => request.destroy(new ApiError(call, undefined, "Timeout", `${call}: nothing arrived for ${options.idleMs / 1000} s`)), options.idleMs);
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          idle.refresh();
          pending += chunk;
          let newline: number;
          while ((newline = pending.indexOf("\n")) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (line.trim() === "") continue;
            let event: WatchEvent;
            try {
              event = JSON.parse(line, options.reviver) as WatchEvent;
            } catch {
              request.destroy(new ApiError(call, undefined, "BadResponse", `${call}: a watch event is not JSON`));
              return;
            }
            onEvent(event);
          }
          if (pending.length > MAX_WATCH_LINE_BYTES) request.destroy(new ApiError(call, undefined, "TooLarge", `${call}: one watch event is over ${MAX_WATCH_LINE_BYTES} bytes`));
        });
        response.on("end", () => {
          clearTimeout(idle);
          resolve();
        });
        response.on("error", (error) => {
          clearTimeout(idle);
          reject(error);
        });
        response.on("close", () => {
          clearTimeout(idle);
          idle = undefined as unknown as NodeJS.Timeout;
          resolve();
        });
      });
      request.on("error", (error) => {
        this.onRequest("WATCH", "error");
        reject(error);
      });
      request.end();
    });
  }

  close(): void {
    this.agent?.destroy();
    this.watchAgent?.destroy();
  }

  private url(path: string, query: RequestOptions["query"]): URL {
    const url = new URL(this.base.pathname.replace(/\/+$/, "") + path, this.base);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== "") url.searchParams.set(key, String(value));
    return url;
  }

  private async authorise(): Promise<Credentials> {
    if (!this.credentials) this.credentials = await this.kube.credentials();
    return this.credentials;
  }

  private agentFor(credentials: Credentials): http.Agent {
    if (!this.agent) this.agent = credentials.agent ?? apiAgent(this.base, credentials, 8);
    return this.agent;
  }

  private watchAgentFor(credentials: Credentials): http.Agent {
    if (!this.watchAgent) this.watchAgent = credentials.agent ?? apiAgent(this.base, credentials, Number.POSITIVE_INFINITY);
    return this.watchAgent;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<{ status: number; text: string; retryAfter?: number }> {
    const credentials = await this.authorise();
    const url = this.url(path, options.query);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const transport = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method,
          agent: this.agentFor(credentials),
          auth: credentials.auth,
          headers: {
            ...credentials.headers,
            Accept: options.accept ?? "application/json",
            "Accept-Encoding": "gzip",
            "User-Agent": this.userAgent,
            ...(payload !== undefined ? { "Content-Type": options.contentType ?? "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const stream = response.headers["content-encoding"] === "gzip" ? response.pipe(createGunzip()) : response;
          stream.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) request.destroy(new Error(`${method} ${path}: answer over ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          stream.on("error", reject);
          stream.on("end", () => {
            const retryAfter = Number(response.headers["retry-after"]);
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined });
          });
        },
      );
      request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      request.on("error", reject);
      if (payload !== undefined) request.write(payload);
      request.end();
    });
  }
}

function backOff(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, 10_000);
  return 200 * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
