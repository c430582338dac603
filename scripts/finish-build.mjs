// Runs after tsc, which type-checks and leaves the module tree in dist/ (benchmarks import single
// modules from it). What the package ships is bundled: Node 20 spends about 0.1 s resolving and
// compiling ~300 modules on every run, so
//   dist/cli.js      the command line (bins ktriage and kubectl-ktriage): a small launcher that runs
//                    dist/chunks/cli-<hash>.js, the whole command line as one CommonJS bundle, through
//                    V8's code cache (scripts/lib/cli-launcher.js): Node 20 has no compile cache for ES
//                    modules, and compiling the bundle was a third of a small lint's start-up;
//   dist/ktriage.js  the library (import ... from "ktriage"), with its types in dist/ktriage.d.ts;
//   dist/chunks/access-log-worker.js  the thread that reads part of a large access log (the library reads
//                    such logs in one thread).
// @kubernetes/client-node and prom-client stay outside both: only live mode with an exec or
// auth-provider kubeconfig, and watch's metrics, load them.
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { build } from "esbuild";

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
  build({ ...common, entryPoints: [`${root}src/sources/access-log-worker.ts`], outfile: `${root}dist/chunks/access-log-worker.js` }),
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

/** The command line's version is written into its bundle: it does not read package.json on every start. */
function builtInVersion() {
  return { name: "built-in-version", setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!/^export const VERSION: string = /m.test(source) || /^export (?!const VERSION\b)/m.test(source)) throw new Error(`${args.path} no longer exports only VERSION; update the built-in-version plugin`);
      const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
      return { contents: `export const VERSION: string = ${JSON.stringify(version)};\n`, loader: "ts" };
    });
  } };
}

/** dist/chunks/cli-<hash>.js, the CommonJS bundle of src/cli.ts, and dist/cli.js, the launcher that runs it. */
async function buildCli() {
  const { banner: _esmOnly, ...options } = common;
  const result = await build({
    ...options,
    format: "cjs",
    entryPoints: [`${root}src/cli.ts`],
    write: false,
    outfile: `${root}dist/chunks/cli.js`,
    // The launcher passes the bundle's own URL (version.ts finds package.json from it).
    define: { "import.meta.url": "__ktriageModuleUrl" },
    plugins: [lazyCommanderChildProcess(), builtInVersion()],
    // KTRIAGE_SOURCEMAP=1: a source map beside the bundle, for bench/startup-profile.mjs (not shipped by default).
    ...(process.env.KTRIAGE_SOURCEMAP === "1" ? { sourcemap: "external", sourcesContent: false } : {}),
  });
  // import() inside a vm.Script needs a callback V8 loses with the code cache: the launcher's own import() stands in.
  const bundle = result.outputFiles.find((file) => file.path.endsWith(".js"));
  const code = bundle.text.replace(/^#!.*\n/, "").replace(/\bimport\((?=")/g, "__ktriageImport(");
  if (/\bimport\.meta\b|\bimport\(/.test(code)) throw new Error("the CLI bundle still reads import.meta or calls import()");
  // esbuild escapes non-ASCII characters in strings but not in regular expression literals; one such character
  // makes Node decode the whole bundle as UTF-8 and V8 hold it as a two-byte string (10 ms of every start-up).
  const nonAscii = /[^\x00-\x7f]/.exec(code);
  if (nonAscii) throw new Error(`the CLI bundle holds the non-ASCII character ${JSON.stringify(nonAscii[0])} near ${JSON.stringify(code.slice(Math.max(0, nonAscii.index - 40), nonAscii.index + 10))}: write it as \\u${nonAscii[0].charCodeAt(0).toString(16).padStart(4, "0")} in the source`);
  const hash = createHash("sha256").update(code).digest("base64url").replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toUpperCase();
  mkdirSync(`${root}dist/chunks`, { recursive: true });
  writeFileSync(`${root}dist/chunks/cli-${hash}.js`, code);
  const map = result.outputFiles.find((file) => file.path.endsWith(".map"));
  // The map is of esbuild's output: the profiler adds back the shebang line and the import() renames.
  if (map) writeFileSync(`${root}dist/chunks/cli-${hash}.js.map`, JSON.stringify({ ...JSON.parse(map.text), x_ktriage_lines_removed: bundle.text.startsWith("#!") ? 1 : 0 }));
  const version = JSON.parse(readFileSync(`${root}package.json`, "utf8")).version;
  const commands = [...readFileSync(`${root}src/cli/main.ts`, "utf8").matchAll(/\["([a-z]+)", \(\) => import\(/g)].map((match) => match[1]);
  const launcher = readFileSync(`${root}scripts/lib/cli-launcher.js`, "utf8")
    .replace('"__BUNDLE__"', JSON.stringify(`./chunks/cli-${hash}.js`))
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
