// Runs after tsc, which type-checks and leaves the module tree in dist/ (benchmarks import single
// modules from it). What the package ships is bundled: Node 20 spends about 0.1 s resolving and
// compiling ~300 modules on every run, so
//   dist/cli.js      the command line (bins ktriage and kubectl-ktriage): a small launcher that runs
//                    dist/chunks/cli-<hash>.js and the chunks it loads, CommonJS, through V8's code cache
//                    (scripts/lib/cli-launcher.js): Node 20 has no compile cache for ES modules, and
//                    compiling the bundle was a third of a small lint's start-up; a command loads only the
//                    chunks of its own code (buildCli);
//   dist/ktriage.js  the library (import ... from "ktriage"), with its types in dist/ktriage.d.ts;
//   dist/chunks/access-log-worker.js  the thread that reads part of a large access log (the library reads
//                    such logs in one thread).
// @kubernetes/client-node and prom-client stay outside both: only live mode with an exec or
// auth-provider kubeconfig, and watch's metrics, load them.
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { build, transform } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@kubernetes/client-node", "prom-client"],
  // The yaml and commander packages are CommonJS and require Node built-ins.
  banner: { js: 'import { createRequire as createRequireForBundle } from "node:module";\nconst require = createRequireForBundle(import.meta.url);' },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
};

rmSync(`${root}dist/chunks`, { recursive: true, force: true });
await Promise.all([
  buildCli(),
  build({ ...common, entryPoints: [`${root}src/index.ts`], outfile: `${root}dist/ktriage.js` }),
  // The thread that reads part of a large access-log file, beside the bundle that starts it.
  build({ ...common, entryPoints: [`${root}src/envoy/access-log/access-log-worker.ts`], outfile: `${root}dist/chunks/access-log-worker.js` }),
  bundleTypes(),
]);
chmodSync(`${root}dist/cli.js`, 0o755);

/**
 * commander loads node:child_process (and with it net, dgram, streams) at start-up only to spawn
 * executable subcommands, which ktriage has none of: the bundle loads it on the first spawn instead.
 */
function lazyCommanderChildProcess() {
  return { name: "lazy-commander-child-process", setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const eager = "const childProcess = require('node:child_process');";
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(eager)) throw new Error(`${args.path} no longer loads node:child_process as expected; update the lazy-commander-child-process plugin`);
      return { contents: source.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: "js" };
    });
  } };
}

/**
 * dist/chunks/cli-<hash>.js and the chunks it loads (chunk-<hash>.js), and dist/cli.js, the launcher that
 * runs them. esbuild splits the command line at its dynamic imports: each command, rule family and
 * report format is a chunk of its own, with the code they share in further chunks, so a command reads
 * and compiles only the code it runs. The chunks are ES modules turned into CommonJS, which the
 * launcher compiles through V8's code cache (Node 20 has none for ES modules) and links itself.
 */
async function buildCli() {
  const { banner: _esmOnly, ...options } = common;
  const sourcemap = process.env.KTRIAGE_SOURCEMAP === "1";
  const result = await build({
    ...options,
    format: "esm",
    splitting: true,
    entryPoints: [`${root}src/cli.ts`],
    write: false,
    outdir: `${root}dist/chunks`,
    entryNames: "cli-[hash]",
    chunkNames: "chunk-[hash]",
    metafile: true,
    // The launcher passes each chunk's own URL (version.ts finds package.json from it; every chunk is in dist/chunks).
    define: { "import.meta.url": "__ktriageModuleUrl" },
    plugins: [lazyCommanderChildProcess()],
    // KTRIAGE_SOURCEMAP=1: a source map beside each chunk, for bench/startup-profile.mjs (not shipped by default).
    ...(sourcemap ? { sourcemap: "inline", sourcesContent: false } : {}),
  });
  mkdirSync(`${root}dist/chunks`, { recursive: true });
  // KTRIAGE_META=FILE: esbuild's metafile of the split (which sources went into which chunk), for looking into start-up.
  if (process.env.KTRIAGE_META) writeFileSync(process.env.KTRIAGE_META, JSON.stringify(result.metafile));
  const digest = createHash("sha256");
  let entry;
  for (const file of result.outputFiles.filter((output) => output.path.endsWith(".js"))) {
    const name = file.path.slice(file.path.lastIndexOf("/") + 1);
    // import() inside a vm.Script needs a callback V8 loses with the code cache: the launcher's import stands in
    // (it links chunks itself and hands other modules to Node's import()).
    const esm = file.text.replace(/^#!.*\n/, "").replace(/\bimport\((?=")/g, "__ktriageImport(");
    const converted = await transform(esm, { loader: "js", format: "cjs", target: "node20", minifyWhitespace: true, minifySyntax: true, legalComments: "none", logLevel: "warning", ...(sourcemap ? { sourcemap: "external", sourcefile: name } : {}) });
    const code = converted.code;
    if (/\bimport\.meta\b|\bimport\(/.test(code)) throw new Error(`the CLI chunk ${name} still reads import.meta or calls import()`);
    writeFileSync(`${root}dist/chunks/${name}`, code);
    if (converted.map) writeFileSync(`${root}dist/chunks/${name}.map`, converted.map);
    digest.update(name).update(code);
    if (name.startsWith("cli-")) entry = name;
  }
  const hash = digest.digest("base64url").replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toUpperCase();
  const version = JSON.parse(readFileSync(`${root}package.json`, "utf8")).version;
  const commands = [...readFileSync(`${root}src/cli/main.ts`, "utf8").matchAll(/\["([a-z]+)", \(\) => import\(/g)].map((match) => match[1]);
  const launcher = readFileSync(`${root}scripts/lib/cli-launcher.js`, "utf8")
    .replace('"__BUNDLE__"', JSON.stringify(entry))
    .replace('"__KEY__"', JSON.stringify(`ktriage${version}-${hash}`))
    .replace("__COMMANDS__", JSON.stringify(commands));
  writeFileSync(`${root}dist/cli.js`, launcher);
}

/** One declaration file for the library, rolled up from tsc's dist/index.d.ts and what it imports. */
async function bundleTypes() {
  const project = `${root}dist/.types-tsconfig.json`;
  writeFileSync(
    project,
    JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2023"], types: ["node"], typeRoots: [`${root}node_modules/@types`], strict: true, skipLibCheck: true },
      files: [`${root}dist/index.d.ts`],
    }),
  );
  const out = `${root}dist/ktriage.d.ts`;
  const bin = `${root}node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js`;
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "--silent", "--no-check", "--project", project, "-o", out, `${root}dist/index.d.ts`], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`dts-bundle-generator exited ${code}`);
  const text = readFileSync(out, "utf8").replace(/^\/\/ Generated by dts-bundle-generator.*\n\n?/, "");
  writeFileSync(out, text);
}
