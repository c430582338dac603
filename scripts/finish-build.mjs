// Runs after tsc. tsc's dist/ is the library (dist/index.js and its types); the command line
// is one bundled file, dist/cli.js, because Node 20 spends about 0.1 s resolving and compiling
// the ~300 modules of an unbundled CLI on every run. @kubernetes/client-node stays outside:
// only live mode loads it.
import { chmodSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const cli = `${root}dist/cli.js`;

await build({
  entryPoints: [`${root}src/cli.ts`],
  outfile: cli,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@kubernetes/client-node"],
  // The yaml and commander packages are CommonJS and require Node built-ins.
  banner: { js: 'import { createRequire as createRequireForBundle } from "node:module";\nconst require = createRequireForBundle(import.meta.url);' },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
});
chmodSync(cli, 0o755);
