#!/usr/bin/env node
// The ktriage and kubectl-ktriage bins. The command line is CommonJS chunks in chunks/ beside this file:
// BUNDLE, the entry, and the chunks it requires or imports, each loaded when first asked for. They are
// compiled through V8's code cache, kept under $XDG_CACHE_HOME/ktriage (else ~/.cache/ktriage), one file per
// command holding the cache of each chunk the command loaded, keyed by the ktriage version, the Node version
// and the chunks' hash. A cache V8 rejects is rewritten; one that cannot be read or written is skipped: the
// chunks then compile as usual.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";

const BUNDLE = "__BUNDLE__";
const KEY = "__KEY__";
const COMMANDS = new Set(__COMMANDS__);

const chunks = fileURLToPath(new URL("./chunks/", import.meta.url));
const nodeRequire = createRequire(join(chunks, BUNDLE));
const command = COMMANDS.has(process.argv[2]) ? process.argv[2] : "other";
const cacheDir = process.env.KTRIAGE_CODE_CACHE === "0" ? undefined : join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ktriage", "code-cache");
const cacheFile = cacheDir && join(cacheDir, `${KEY}-node${process.versions.node}-${process.arch}-${command}.bin`);
/** Chunk name -> its code cache, from the command's cache file. */
let cachedData = new Map();
try {
  if (cacheFile) cachedData = unpackCaches(readFileSync(cacheFile));
} catch {
  // No cache yet, or not readable: compile from source.
}
/** Chunk name -> the module and the script it was compiled into. */
const loaded = new Map();
let cacheStale = false;

/** The exports of a chunk (a name in chunks/), compiled and run on first use. */
function loadChunk(name) {
  const known = loaded.get(name);
  if (known) return known.module.exports;
  const filename = join(chunks, name);
  const data = cachedData.get(name);
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __ktriageModuleUrl, __ktriageImport) {${readFileSync(filename, "utf8")}\n})`, {
    filename,
    ...(data ? { cachedData: data } : {}),
  });
  if (data === undefined || script.cachedDataRejected) cacheStale = true;
  const module = { exports: {} };
  loaded.set(name, { module, script });
  script.runInThisContext()(module.exports, requireInChunk, module, filename, chunks, pathToFileURL(filename).href, importInChunk);
  return module.exports;
}
function requireInChunk(specifier) {
  return specifier.startsWith("./") ? loadChunk(specifier.slice(2)) : nodeRequire(specifier);
}
function importInChunk(specifier) {
  return specifier.startsWith("./") ? Promise.resolve().then(() => loadChunk(specifier.slice(2))) : import(specifier);
}

/** A cache file: a 4-byte length, a JSON index of [name, offset, length], then each chunk's cache. */
function unpackCaches(bytes) {
  const indexLength = bytes.readUInt32LE(0);
  const index = JSON.parse(bytes.toString("utf8", 4, 4 + indexLength));
  return new Map(index.map(([name, offset, length]) => [name, bytes.subarray(4 + indexLength + offset, 4 + indexLength + offset + length)]));
}
function packCaches(caches) {
  const index = [];
  let offset = 0;
  for (const [name, data] of caches) {
    index.push([name, offset, data.length]);
    offset += data.length;
  }
  const header = Buffer.from(JSON.stringify(index));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, ...caches.values()]);
}

if (cacheFile) {
  // Written once the command has run, so the cache holds the functions it compiled on the way; the caches of
  // chunks this run did not load (another output format, say) are kept.
  process.once("exit", () => {
    if (!cacheStale) return;
    try {
      const caches = new Map(cachedData);
      for (const [name, { script }] of loaded) caches.set(name, script.createCachedData());
      makeFolders(cacheDir);
      const partial = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(partial, packCaches(caches));
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

loadChunk(BUNDLE);
