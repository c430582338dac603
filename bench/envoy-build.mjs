// Compiles ktriage into a scratch folder for the Envoy benchmarks (Node 20 cannot run TypeScript directly).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Returns the folder holding compiled `envoy/...js` modules. */
export function compiled() {
  const out = join(root, "node_modules", ".cache", "ktriage-bench");
  const marker = join(out, "envoy", "access-log", "reader.js");
  if (!existsSync(marker) || statSync(marker).mtimeMs < newest(join(root, "src", "envoy"))) {
    mkdirSync(out, { recursive: true });
    try {
      execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json"), "--outDir", out, "--declaration", "false"], { stdio: "pipe" });
    } catch {
      // Type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal.
    }
    if (!existsSync(marker)) throw new Error("could not compile src/ for the benchmark");
  }
  return out;
}
