#!/usr/bin/env node
// A real, throw-away Kubernetes control plane for ktriage's live-mode tests and
// benchmarks: etcd + kube-apiserver (built from the k8s.io/kubernetes Go module)
// + kwok (fake nodes; serves container logs the way a kubelet does), all on
// 127.0.0.1 with free ports in a temp dir. No controller manager and no
// scheduler run, so nothing rewrites the pod statuses the tests set.
//
//   node scripts/control-plane/cluster.mjs build        build or reuse the cached binaries
//   node scripts/control-plane/cluster.mjs start        start, print the kubeconfig path, stop on Ctrl-C
//
// As a module: const plane = await startControlPlane(); ...; await plane.stop();
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const running = new Set();
const tempDirs = new Set();

function log(message) {
  process.stderr.write(`[control-plane] ${message}\n`);
}

/** Builds (or finds in ~/.cache/ktriage) kube-apiserver, etcd and kwok; returns their folder. Throws when Go is missing. */
export function buildBinaries() {
  const started = Date.now();
  let output;
  try {
    output = execFileSync("bash", [join(here, "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  } catch (error) {
    throw new Error(`building the test control plane failed (exit ${error.status}); see the log above. Go must be installed (PATH or /usr/local/go/bin).`);
  }
  const bin = output.trim().split("\n").pop();
  if (!bin || !existsSync(join(bin, "kube-apiserver"))) throw new Error(`control-plane build printed no binary folder: ${output}`);
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 5) log(`binaries ready in ${seconds.toFixed(0)} s`);
  return bin;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startProcess(name, command, args, dir) {
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", fd, fd], cwd: dir });
  const entry = { name, child, logFile, exited: false };
  child.on("exit", () => {
    entry.exited = true;
    running.delete(entry);
  });
  running.add(entry);
  return entry;
}

async function stopProcess(entry, graceMs = 5000) {
  if (!entry || entry.exited) return;
  const exited = new Promise((resolve) => entry.child.once("exit", resolve));
  entry.child.kill("SIGTERM");
  const timer = setTimeout(() => entry.child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

async function waitFor(what, check, entry, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (entry?.exited) throw new Error(`${entry.name} exited while starting:\n${tail(entry.logFile)}`);
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s${last ? `: ${last.message}` : ""}${entry ? `\n${tail(entry.logFile)}` : ""}`);
}

function kubeconfigYaml({ server, ca, token, user = "admin", namespace }) {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: ktriage-test",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${Buffer.from(ca).toString("base64")}`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: ktriage-test",
    "  context:",
    "    cluster: ktriage-test",
    `    user: ${user}`,
    ...(namespace ? [`    namespace: ${namespace}`] : []),
    "current-context: ktriage-test",
    "",
  ].join("\n");
}

/** A pod Stage that matches no pod: kwok then leaves every pod status to the tests. */
const KWOK_CONFIG = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ktriage-pods-untouched
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: .metadata.name
      operator: DoesNotExist
  next: {}
`;

/**
 * Starts etcd, kube-apiserver and kwok. Returns { kubeconfig, server, token, dir, request(), writeKubeconfig(), stopApiServer(), startApiServer(), stop() }.
 */
export async function startControlPlane(options = {}) {
  const bin = options.bin ?? buildBinaries();
  const dir = mkdtempSync(join(options.tmp ?? tmpdir(), "ktriage-cp-"));
  if (!options.keep) tempDirs.add(dir);
  const [etcdClient, etcdPeer, apiPort, kwokPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString("hex");
  mkdirSync(join(dir, "pki"), { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "pki", "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(dir, "pki", "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin-uid,"system:masters"\n`);
  writeFileSync(join(dir, "kwok.yaml"), KWOK_CONFIG);

  const processes = {};
  let startApiServer = async () => {};
  const plane = {
    dir,
    bin,
    server: `https://127.0.0.1:${apiPort}`,
    token,
    kubeconfig: join(dir, "admin.kubeconfig"),
    kwokPort,
    ca: "",
    async stop() {
      for (const name of ["kwok", "apiserver", "etcd"]) await stopProcess(processes[name]);
      if (!options.keep) rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
    async stopApiServer() {
      await stopProcess(processes.apiserver, 2000);
    },
    async startApiServer() {
      await startApiServer();
    },
    /** Plain admin HTTPS call; returns { status, body } (body parsed when JSON). */
    request: (method, path, body, headers) => request(plane, method, path, body, headers),
    /** A kubeconfig for another identity (a ServiceAccount token), written next to the admin one. */
    writeKubeconfig(name, tokenValue, namespace) {
      const file = join(dir, `${name}.kubeconfig`);
      writeFileSync(file, kubeconfigYaml({ server: plane.server, ca: plane.ca, token: tokenValue, user: name, namespace }));
      return file;
    },
  };

  try {
    processes.etcd = startProcess("etcd", join(bin, "etcd"), [
      "--name=default",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync=true",
      "--quota-backend-bytes=4294967296",
      "--log-level=warn",
    ], dir);
    await waitFor("etcd", async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, processes.etcd);

    const apiArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "pki")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(dir, "pki", "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "pki", "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=RBAC",
      // No controller manager runs: nothing would create the default ServiceAccount pods need.
      "--disable-admission-plugins=ServiceAccount",
      "--kubelet-preferred-address-types=InternalIP",
      "--max-requests-inflight=1000",
      "--max-mutating-requests-inflight=500",
      "--v=0",
      // Extra flags from the caller, e.g. --audit-policy-file and --audit-log-path for the RBAC test.
      ...(options.apiServerArgs ?? []),
    ];
    startApiServer = async () => {
      processes.apiserver = startProcess("apiserver", join(bin, "kube-apiserver"), apiArgs, dir);
      await waitFor(
        "kube-apiserver",
        async () => {
          if (!plane.ca && existsSync(join(dir, "pki", "apiserver.crt"))) plane.ca = readFileSync(join(dir, "pki", "apiserver.crt"), "utf8");
          if (!plane.ca) return false;
          const ready = await request(plane, "GET", "/readyz");
          return ready.status === 200;
        },
        processes.apiserver,
        120_000,
      );
    };
    await startApiServer();
    writeFileSync(plane.kubeconfig, kubeconfigYaml({ server: plane.server, ca: plane.ca, token }));

    // kwok reads per-pod log files from Logs objects (kwok.x-k8s.io CRDs).
    for (const crd of kwokLogCrds()) await mustCreate(plane, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    await waitFor("kwok CRDs", async () => (await request(plane, "GET", "/apis/kwok.x-k8s.io/v1alpha1/logs")).status === 200);

    if (options.kwok !== false) {
      processes.kwok = startProcess("kwok", join(bin, "kwok"), [
        `--kubeconfig=${plane.kubeconfig}`,
        `--config=${join(dir, "kwok.yaml")}`,
        "--manage-all-nodes=true",
        "--node-ip=127.0.0.1",
        `--node-port=${kwokPort}`,
        `--server-address=127.0.0.1:${kwokPort}`,
        "--enable-crds=Logs,ClusterLogs",
      ], dir);
      await waitFor("kwok", async () => (await fetch(`http://127.0.0.1:${kwokPort}/healthz`)).ok, processes.kwok);
    }
  } catch (error) {
    await plane.stop();
    throw error;
  }
  return plane;
}

async function mustCreate(plane, path, body) {
  const response = await request(plane, "POST", path, body);
  if (response.status >= 300 && response.status !== 409) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

function kwokLogCrds() {
  const crd = (kind, plural, scope) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.kwok.x-k8s.io` },
    spec: {
      group: "kwok.x-k8s.io",
      names: { kind, listKind: `${kind}List`, plural, singular: plural === "logs" ? "logs" : plural.replace(/s$/, "") },
      scope,
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  });
  return [crd("Logs", "logs", "Namespaced"), crd("ClusterLogs", "clusterlogs", "Cluster")];
}

/** Minimal HTTPS client for setting up fixtures as cluster admin. */
export async function request(plane, method, path, body, headers = {}) {
  const { default: https } = await import("node:https");
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, plane.server),
      {
        method,
        ca: plane.ca,
        headers: {
          Authorization: `Bearer ${plane.token}`,
          Accept: "application/json",
          ...(payload ? { "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json" } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain text (logs, healthz)
          }
          resolve({ status: res.statusCode, body: parsed, text });
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// Never leave processes (or their temp folders) behind, even when a run is interrupted.
function killAll() {
  for (const entry of running) {
    try {
      entry.child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const command = process.argv[2] ?? "start";
  if (command === "build") {
    console.log(buildBinaries());
  } else if (command === "start") {
    const plane = await startControlPlane();
    console.log(`export KUBECONFIG=${plane.kubeconfig}`);
    log(`running in ${plane.dir}; Ctrl-C stops it`);
    await new Promise(() => undefined);
  } else {
    console.error("usage: cluster.mjs build|start");
    process.exit(2);
  }
}
