// `npm pack` and `npm publish` call this before (strip) and after (restore) packing. The packed
// package.json has no `prepare` script: that script builds dist/ after `npm ci` in a clone, and
// in a tarball it would only make npm warn about an install script it never runs.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const manifest = `${root}package.json`;
const kept = `${root}.package.json.unpacked`;

if (process.argv[2] === "strip") {
  if (!existsSync(kept)) writeFileSync(kept, readFileSync(manifest));
  const pkg = JSON.parse(readFileSync(kept, "utf8"));
  delete pkg.scripts.prepare;
  writeFileSync(manifest, JSON.stringify(pkg, null, 2) + "\n");
} else if (process.argv[2] === "restore") {
  if (existsSync(kept)) renameSync(kept, manifest);
} else {
  throw new Error("usage: node scripts/pack-manifest.mjs strip|restore");
}
