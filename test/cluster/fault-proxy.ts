// A plain-HTTP proxy in front of the real API server that injects the faults
// real clusters produce (429 with Retry-After, 503, 410 Expired on a continue
// token, a server that goes away) for chosen requests, and forwards the rest.
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Fault {
  /** Which requests: method+path+query string test. */
  match: (url: string) => boolean;
  /** How many matching requests get the fault (then they pass). */
  times: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Hold the request this long before answering (a slow server). */
  delayMs?: number;
  /** Close the proxy for good when this request arrives (the server goes away). */
  goAway?: boolean;
  /** Run before the request is forwarded (or answered): e.g. stop the real API server at this exact point. */
  before?: () => Promise<void>;
}

export interface FaultProxy {
  url: string;
  kubeconfig: string;
  seen: string[];
  faults: Fault[];
  close(): Promise<void>;
}

export async function startFaultProxy(
  target: { server: string; token: string; ca: string; dir: string },
  faults: Fault[],
  name = "proxy",
  options: { passAuthorization?: boolean } = {},
): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  let server: http.Server;
  const proxy: FaultProxy = {
    url: "",
    kubeconfig: "",
    seen,
    faults,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server = http.createServer((request, response) => {
    const url = request.url ?? "/";
    seen.push(url);
    const fault = faults.find((candidate) => candidate.times > 0 && candidate.match(url));
    if (fault) {
      fault.times--;
      if (fault.goAway) {
        void proxy.close();
        return;
      }
      if (fault.before) {
        const hook = fault.before;
        void hook().then(
          () => (fault.status === undefined ? forward() : answerWithFault()),
          () => response.destroy(),
        );
        return;
      }
      const answer = () => {
        if (fault.status === undefined) return forward();
        answerWithFault();
      };
      if (fault.delayMs) setTimeout(answer, fault.delayMs);
      else answer();
      return;
    }
    forward();

    function answerWithFault() {
      response.writeHead(fault!.status!, { "Content-Type": typeof fault!.body === "string" ? "text/html" : "application/json", ...(fault!.headers ?? {}) });
      response.end(typeof fault!.body === "string" ? fault!.body : JSON.stringify(fault!.body ?? { kind: "Status", apiVersion: "v1", status: "Failure", code: fault!.status }));
    }

    function forward() {
      const upstream = https.request(
        new URL(url, target.server),
        { method: request.method, ca: target.ca, headers: { ...request.headers, host: new URL(target.server).host, ...(options.passAuthorization ? {} : { authorization: `Bearer ${target.token}` }) } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => response.destroy());
      request.pipe(upstream);
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.kubeconfig = join(target.dir, `${name}.kubeconfig`);
  writeFileSync(
    proxy.kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${name}`,
      "  cluster:",
      `    server: ${proxy.url}`,
      "    insecure-skip-tls-verify: true",
      "users:",
      `- name: ${name}`,
      "  user:",
      "    token: via-proxy",
      "contexts:",
      `- name: ${name}`,
      "  context:",
      `    cluster: ${name}`,
      `    user: ${name}`,
      "    namespace: shop",
      `current-context: ${name}`,
      "",
    ].join("\n"),
  );
  return proxy;
}

/** A TCP server that accepts connections and never answers: a hung API server. */
export async function startBlackHole(dir: string): Promise<{ kubeconfig: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer(() => undefined);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = join(dir, "black-hole.kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: hung\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\nusers:\n- name: hung\n  user:\n    token: x\ncontexts:\n- name: hung\n  context:\n    cluster: hung\n    user: hung\n    namespace: shop\ncurrent-context: hung\n`,
  );
  return {
    kubeconfig,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
