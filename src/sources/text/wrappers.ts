/**
 * What people wrap around pasted output, taken off line by line: CRLF,
 * Markdown fences, `>` quotes, shell prompts (kept as commands: they name
 * the pod, the container and whether a log is --previous) and `#` comment
 * lines (kept as notes: issue excerpts put the decisive message there).
 */

export interface PastedLine {
  /** 1-based line number in the input. */
  number: number;
  text: string;
}

export interface KubectlCommand {
  line: number;
  verb: "describe" | "get" | "logs" | "events" | "other";
  pod?: string;
  namespace?: string;
  container?: string;
  previous: boolean;
}

export interface Unwrapped {
  lines: PastedLine[];
  notes: PastedLine[];
  commands: KubectlCommand[];
}

/** Longest line read; longer lines are cut so one minified line cannot cost more than its share. */
export const MAX_LINE = 64 * 1024;
/** Lines read from one input; the rest is still loaded as log text by the caller. */
export const MAX_LINES = 200_000;

const FENCE = /^\s*(?:```|~~~)/;
const QUOTE = /^\s*>(?: |$)/;
/** `$ kubectl ...`, `user@host:~$ kubectl ...`, `[12:54:41] $ ./cluster/kubectl.sh ...`, `PS C:\> kubectl ...`. */
const PROMPT = /^\s*(?:\[[^\]]{1,40}\]\s*)?(?:[\w.@~:/\\-]{0,80}[$%#>]\s+|PS [^>]{0,80}>\s*)(?=\S)/;
const KUBECTL = /^\s*(?:sudo\s+)?(?:\S*\/)?(?:kubectl(?:\.sh)?|oc|k|microk8s(?:\.kubectl| kubectl)|k3s kubectl)\s+(.*)$/;

export function unwrapLines(text: string): Unwrapped {
  const raw = text.split("\n", MAX_LINES);
  const lines: PastedLine[] = [];
  const notes: PastedLine[] = [];
  const commands: KubectlCommand[] = [];
  for (let index = 0; index < raw.length; index++) {
    let line = raw[index]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE);
    const number = index + 1;
    while (QUOTE.test(line)) line = line.replace(QUOTE, "");
    if (FENCE.test(line)) continue;
    const prompt = PROMPT.exec(line);
    const afterPrompt = prompt ? line.slice(prompt[0].length) : line;
    const kubectl = KUBECTL.exec(afterPrompt);
    if (kubectl && (prompt || /^\s*(?:kubectl|oc)\s+(?:describe|get|logs|events)\b/.test(afterPrompt))) {
      commands.push(parseKubectl(kubectl[1]!, number));
      continue;
    }
    if (prompt && /^\s*\S*\$\s/.test(line)) continue; // another command at a prompt: its output follows, the command itself says nothing
    if (/^\s*#/.test(line)) {
      const note = line.replace(/^\s*#+\s?/, "");
      const inner = KUBECTL.exec(note);
      if (inner && /^(?:describe|get|logs|events)\b/.test(inner[1]!)) commands.push(parseKubectl(inner[1]!, number));
      else if (note.trim()) notes.push({ number, text: note });
      continue;
    }
    lines.push({ number, text: line });
  }
  return { lines, notes, commands };
}

/** The pod, namespace and container a kubectl command line names. */
export function parseKubectl(args: string, line: number): KubectlCommand {
  const words = args.trim().split(/\s+/).slice(0, 40);
  const verb = (["describe", "get", "logs", "events"] as const).find((v) => v === words[0]) ?? "other";
  const command: KubectlCommand = { line, verb, previous: false };
  const positional: string[] = [];
  for (let index = 1; index < words.length; index++) {
    const word = words[index]!;
    const value = (flag: string) => (word === flag ? words[++index] : word.startsWith(`${flag}=`) ? word.slice(flag.length + 1) : undefined);
    const ns = value("-n") ?? value("--namespace");
    if (ns !== undefined) {
      command.namespace = ns;
      continue;
    }
    const container = value("-c") ?? value("--container");
    if (container !== undefined) {
      command.container = container;
      continue;
    }
    if (word === "-p" || word === "--previous" || word === "--previous=true") {
      command.previous = true;
      continue;
    }
    if (word === "-o" || word === "--output" || word === "-l" || word === "--selector" || word === "--tail" || word === "--since" || word === "--context") {
      index++;
      continue;
    }
    if (word.startsWith("-") || word === "|" || word === ">") {
      if (word === "|" || word === ">") break;
      continue;
    }
    positional.push(word);
  }
  const podWord = /^(?:pods?|po)$/;
  const slashed = /^(?:pods?|po)\/([a-z0-9][-a-z0-9.]*)$/.exec(positional[0] ?? "");
  const named = verb === "logs" ? positional[0] : slashed ? slashed[1] : podWord.test(positional[0] ?? "") ? positional[1] : undefined;
  if (named && /^(?:(?:pods?|po)\/)?[a-z0-9][-a-z0-9.]*$/.test(named)) command.pod = named.replace(/^(?:pods?|po)\//, "");
  const names = verb === "logs" ? positional : [];
  if (verb === "logs" && !command.container && names[1] && /^[a-z0-9][-a-z0-9.]*$/.test(names[1])) command.container = names[1];
  return command;
}
