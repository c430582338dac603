#!/usr/bin/env node
// The ktriage and kubectl-ktriage bins. The command line is one CommonJS bundle (BUNDLE, beside this
// file); it is compiled through V8's code cache, kept under $XDG_CACHE_HOME/ktriage (else ~/.cache/ktriage),
// one file per command, keyed by the ktriage version, the Node version and the bundle's hash. A cache
// V8 rejects is rewritten; one that cannot be read or written is skipped: the bundle then compiles as usual.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const BUNDLE = "__BUNDLE__";
const KEY = "__KEY__";
const COMMANDS = new Set(__COMMANDS__);

const url = new URL(BUNDLE, import.meta.url);
const filename = fileURLToPath(url);
const command = COMMANDS.has(process.argv[2]) ? process.argv[2] : "other";
const cacheDir = process.env.KTRIAGE_CODE_CACHE === "0" ? undefined : join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ktriage", "code-cache");
const cacheFile = cacheDir && join(cacheDir, `${KEY}-node${process.versions.node}-${process.arch}-${command}.bin`);
let cachedData;
try {
  if (cacheFile) cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet, or not readable: compile from source.
}
// The bundle is ASCII (the build checks it): read as latin1 it needs no UTF-8 decoding and gives the same text.
const script = new Script(`(function (exports, require, module, __filename, __dirname, __ktriageModuleUrl, __ktriageImport) {${readFileSync(filename, "latin1")}\n})`, {
  filename,
  ...(cachedData ? { cachedData } : {}),
});
if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
  // Written once the command has run, so the cache holds the functions it compiled on the way.
  process.once("exit", () => {
    try {
      makeFolders(cacheDir);
      const partial = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
      pruneStaleCaches(cacheDir, cacheFile);
    } catch {
      // A read-only or full cache folder: the next run compiles from source again.
    }
  });
}
/**
 * Caches of other builds (each ktriage version, bundle hash, Node version and arch is one build, with a file
 * per command) are removed once the folder holds more than KEEP_BUILDS builds: the one just written and the
 * builds written most recently are kept, so two installed versions used side by side keep theirs, while
 * upgrades and rebuilds do not pile up files. Other processes may be reading or writing the same folder:
 * a file removed under a reader stays readable to it (POSIX), a removal that loses a race is ignored, and a
 * partial file (*.tmp) is left to its writer unless it is older than TMP_GRACE_MS (a writer that died).
 */
const KEEP_BUILDS = 3;
const TMP_GRACE_MS = 10 * 60 * 1000;
function pruneStaleCaches(folder, keep) {
  const keepBuild = buildOf(keep.slice(folder.length + 1));
  const builds = new Map();
  const now = Date.now();
  for (const name of readdirSync(folder)) {
    const build = buildOf(name);
    if (build === undefined) continue;
    let mtimeMs;
    try {
      mtimeMs = statSync(join(folder, name)).mtimeMs;
    } catch {
      continue; // Removed meanwhile.
    }
    if (name.endsWith(".tmp")) {
      if (now - mtimeMs > TMP_GRACE_MS) removeQuietly(join(folder, name));
      continue;
    }
    const entry = builds.get(build) ?? { newest: 0, files: [] };
    entry.newest = Math.max(entry.newest, mtimeMs);
    entry.files.push(name);
    builds.set(build, entry);
  }
  const others = [...builds].filter(([build]) => build !== keepBuild).sort((a, b) => b[1].newest - a[1].newest);
  for (const [, { files }] of others.slice(KEEP_BUILDS - 1)) for (const name of files) removeQuietly(join(folder, name));
}
/** The build a cache file belongs to (its name without the command), or undefined for a file that is not a cache. */
function buildOf(name) {
  return /^(ktriage.+)-[a-z]+\.bin(?:\.\d+\.tmp)?$/.exec(name)?.[1];
}
function removeQuietly(file) {
  try {
    unlinkSync(file);
  } catch {
    // Gone already, or not ours to remove.
  }
}
/** mkdirSync(folder, { recursive: true }) one level at a time: Node 20's recursive form can loop forever on a folder it may not create (under /proc). */
function makeFolders(folder) {
  const parent = dirname(folder);
  if (parent !== folder && !existsSync(parent)) makeFolders(parent);
  if (!existsSync(folder)) mkdirSync(folder);
}

const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, createRequire(url), bundleModule, filename, fileURLToPath(new URL(".", url)), url.href, (specifier) => import(specifier));
