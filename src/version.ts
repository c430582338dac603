import { readFileSync } from "node:fs";

/** The package version, read once from the package.json above this file (dist/, dist/chunks/ or src/). */
export const VERSION: string = (() => {
  for (const path of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "ktriage") return pkg.version ?? "0.0.0";
    } catch {
      // Not there: the next place up.
    }
  }
  return "0.0.0";
})();
