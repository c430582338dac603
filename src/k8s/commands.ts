import type { JsonObject } from "./workloads.js";
import { asArray, isObject, objects, str } from "./pod-templates.js";

const SHELLS = /^(?:\/usr)?(?:\/bin\/)?(?:sh|bash|ash|dash|zsh)$/;

/** command + args as the container will exec them (undefined parts come from the image). */
export function argv(container: JsonObject): { command: string[]; args: string[] } {
  return { command: asArray(container.command).map(String), args: asArray(container.args).map(String) };
}

export function commandLine(container: JsonObject): string {
  const { command, args } = argv(container);
  return [...command, ...args].join(" ");
}

/** The script of `sh -c "<script>"`, wherever the `-c` sits (command or args). */
export function shellScript(container: JsonObject): { script: string; field: "command" | "args"; index: number } | undefined {
  const { command, args } = argv(container);
  const all = [...command, ...args];
  if (all.length < 3 || !SHELLS.test(all[0]!)) return undefined;
  const flagIndex = all.findIndex((part, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(part));
  if (flagIndex < 0 || flagIndex + 1 >= all.length) return undefined;
  const scriptIndex = flagIndex + 1;
  return scriptIndex < command.length
    ? { script: all[scriptIndex]!, field: "command", index: scriptIndex }
    : { script: all[scriptIndex]!, field: "args", index: scriptIndex - command.length };
}

/** Names of env vars a container sets explicitly. */
export function envNames(container: JsonObject): Set<string> {
  return new Set(objects(container.env).map((e) => str(e.name) ?? "").filter((name) => name !== ""));
}

/** The value of an env var set literally (`value:`) in the container. */
export function envValue(container: JsonObject, name: string): string | undefined {
  const entry = objects(container.env).find((e) => e.name === name);
  return entry ? str(entry.value) : undefined;
}

export function envIndex(container: JsonObject, name: string): number {
  return asArray(container.env).findIndex((e) => isObject(e) && e.name === name);
}
