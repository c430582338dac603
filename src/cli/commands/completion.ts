import type { Argument, Command as CommanderCommand, Option } from "commander";
import { Command } from "commander";
import { UsageError, writeStdout } from "../shared.js";
import { completeValues, type ValueKind } from "./complete-values.js";

/**
 * Shell completion generated from the command tree, so every command, flag and `-o` value the
 * program has is completed. Namespaces, pods and `explain` topics come from `ktriage __complete`:
 * from the `--snapshot` folder on the command line when there is one, else one API request.
 */

type Kind = ValueKind | "file" | "dir" | "context" | `choice:${string}`;

interface FlagSpec {
  names: string[];
  /** Undefined for a flag that takes no value. */
  value?: Kind;
  description: string;
}

interface CommandSpec {
  path: string;
  description: string;
  subcommands: string[];
  flags: FlagSpec[];
  argument?: Kind;
}

/** What a flag's value is, from its name and its `<placeholder>`. */
function valueKind(option: Option): Kind | undefined {
  if (!option.required && !option.optional) return undefined;
  if (option.argChoices && option.argChoices.length > 0) return `choice:${option.argChoices.join(" ")}`;
  const placeholder = /<([^>]+)>/.exec(option.flags)?.[1] ?? "";
  if (option.long === "--namespace") return "namespace";
  if (option.long === "--context") return "context";
  if (option.long === "--pod") return "pod";
  if (/^(dir|folder)$/.test(placeholder) || option.long === "--sarif-root") return "dir";
  if (/^(file|path|files|path\.\.\.)/.test(placeholder)) return "file";
  return "none";
}

function argumentKind(command: CommanderCommand, argument: Argument): Kind | undefined {
  if (argument.argChoices && argument.argChoices.length > 0) return `choice:${argument.argChoices.join(" ")}`;
  // "clusters | listeners | routes; live (--pod) also stats | log": the words the argument takes.
  if ((argument.description.match(/ \| /g) ?? []).length >= 2) {
    const words = argument.description.split(/\s*[|;]\s*/).map((segment) => /([a-z_]+)$/.exec(segment)?.[1]).filter((word): word is string => Boolean(word));
    return `choice:${[...new Set(words)].join(" ")}`;
  }
  const name = argument.name();
  if (command.name() === "explain") return "topic";
  if (command.name() === "pod" && name === "name") return "pod";
  if (/path|file/.test(name)) return "file";
  return undefined;
}

/** Every command of the tree, depth first, with its flags (help included) and what its argument is. */
export function commandTree(program: CommanderCommand): CommandSpec[] {
  const specs: CommandSpec[] = [];
  const visit = (command: CommanderCommand, path: string) => {
    const visible = command.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden);
    const flags: FlagSpec[] = command.options
      .filter((option) => !option.hidden)
      .map((option) => ({ names: [option.short, option.long].filter((name): name is string => Boolean(name)), value: valueKind(option), description: option.description }));
    flags.push({ names: ["-h", "--help"], description: "display help" });
    const argument = command.registeredArguments[0];
    specs.push({
      path,
      description: command.description(),
      subcommands: visible.map((sub) => sub.name()),
      flags,
      ...(argument && argumentKind(command, argument) ? { argument: argumentKind(command, argument)! } : {}),
    });
    for (const sub of visible) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, "");
  return specs;
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

export function bashScript(program: CommanderCommand): string {
  const specs = commandTree(program);
  const subcommands = specs.filter((spec) => spec.subcommands.length > 0).map((spec) => `    ${quote(spec.path)}) echo ${quote(spec.subcommands.join(" "))} ;;`);
  const flags = specs.map((spec) => `    ${quote(spec.path)}) echo ${quote(spec.flags.flatMap((flag) => flag.names).join(" "))} ;;`);
  const kinds = specs.flatMap((spec) => spec.flags.filter((flag) => flag.value).map((flag) => `    ${flag.names.map((name) => quote(`${spec.path}|${name}`)).join("|")}) echo ${quote(flag.value!)} ;;`));
  const args = specs.filter((spec) => spec.argument).map((spec) => `    ${quote(spec.path)}) echo ${quote(spec.argument!)} ;;`);
  return `# bash completion for ktriage, generated from its command tree by \`ktriage completion bash\`.
#   source <(ktriage completion bash)                                  # this shell
#   ktriage completion bash > /etc/bash_completion.d/ktriage           # every shell
_ktriage_subcommands() {
  case "$1" in
${subcommands.join("\n")}
  esac
}
_ktriage_flags() {
  case "$1" in
${flags.join("\n")}
  esac
}
_ktriage_flag_kind() {
  case "$1|$2" in
${kinds.join("\n")}
  esac
}
_ktriage_argument_kind() {
  case "$1" in
${args.join("\n")}
  esac
}
_ktriage_values() {
  local kind="$1" cur="$2"
  case "$kind" in
    file) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
    dir) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null ;;
    choice:*) COMPREPLY=($(compgen -W "\${kind#choice:}" -- "$cur")) ;;
    context) COMPREPLY=($(compgen -W "$(kubectl config get-contexts -o name 2>/dev/null)" -- "$cur")) ;;
    namespace|pod|topic) COMPREPLY=($(compgen -W "$("\${_ktriage_program:-ktriage}" __complete "$kind" -- "\${_ktriage_context[@]}" 2>/dev/null)" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
_ktriage() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path="" word kind sub i
  local -a _ktriage_context=()
  local _ktriage_program="\${COMP_WORDS[0]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      kind="$(_ktriage_flag_kind "$path" "$word")"
      if [[ -n "$kind" && $((i + 1)) -lt $COMP_CWORD ]]; then
        case "$word" in -n|--namespace|--snapshot|--context|--kubeconfig) _ktriage_context+=("$word" "\${COMP_WORDS[i + 1]}") ;; esac
        ((i++))
      fi
      continue
    fi
    for sub in $(_ktriage_subcommands "$path"); do
      if [[ "$word" == "$sub" ]]; then path="\${path:+$path }$word"; break; fi
    done
  done
  ((COMP_CWORD > 1)) && prev="\${COMP_WORDS[COMP_CWORD - 1]}"
  if [[ "$prev" == -* ]]; then
    kind="$(_ktriage_flag_kind "$path" "$prev")"
    if [[ -n "$kind" ]]; then _ktriage_values "$kind" "$cur"; return 0; fi
  fi
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$(_ktriage_flags "$path")" -- "$cur")); return 0; fi
  local subcommands="$(_ktriage_subcommands "$path")"
  if [[ -n "$subcommands" ]]; then COMPREPLY=($(compgen -W "$subcommands" -- "$cur")); return 0; fi
  kind="$(_ktriage_argument_kind "$path")"
  if [[ -n "$kind" ]]; then _ktriage_values "$kind" "$cur"; else COMPREPLY=(); fi
  return 0
}
complete -F _ktriage ktriage kubectl-ktriage
`;
}

/** zsh runs the bash function through bashcompinit, so both shells complete the same way. */
export function zshScript(program: CommanderCommand): string {
  return `#compdef ktriage kubectl-ktriage
# zsh completion for ktriage, generated by \`ktriage completion zsh\`:  source <(ktriage completion zsh)
autoload -U +X compinit && { (( \${+_comps} )) || compinit; }
autoload -U +X bashcompinit && bashcompinit
${bashScript(program)}`;
}

export function fishScript(program: CommanderCommand): string {
  const specs = commandTree(program);
  const lines = ["# fish completion for ktriage, generated by `ktriage completion fish`:  ktriage completion fish | source", "complete -c ktriage -f"];
  const condition = (path: string) => {
    if (path === "") return "__fish_use_subcommand";
    const words = path.split(" ");
    const parent = specs.find((spec) => spec.path === path)!;
    const seen = words.map((word) => `__fish_seen_subcommand_from ${word}`).join("; and ");
    return parent.subcommands.length > 0 ? `${seen}; and not __fish_seen_subcommand_from ${parent.subcommands.join(" ")}` : seen;
  };
  const values = (kind: Kind | undefined): string => {
    if (!kind || kind === "none") return "";
    if (kind === "file" || kind === "dir") return " -F";
    if (kind.startsWith("choice:")) return ` -a ${quote(kind.slice("choice:".length))}`;
    if (kind === "context") return " -a '(kubectl config get-contexts -o name 2>/dev/null)'";
    return ` -a '(ktriage __complete ${kind} -- (commandline -opc) 2>/dev/null)'`;
  };
  for (const spec of specs) {
    const when = condition(spec.path);
    for (const sub of spec.subcommands) {
      const child = specs.find((candidate) => candidate.path === (spec.path ? `${spec.path} ${sub}` : sub))!;
      lines.push(`complete -c ktriage -n ${quote(when)} -a ${sub} -d ${quote(child.description.slice(0, 80))}`);
    }
    for (const flag of spec.flags) {
      const short = flag.names.find((name) => /^-[^-]$/.test(name));
      const long = flag.names.find((name) => name.startsWith("--"));
      lines.push(`complete -c ktriage -n ${quote(when)}${short ? ` -s ${short.slice(1)}` : ""}${long ? ` -l ${long.slice(2)}` : ""}${flag.value ? " -r" : ""}${values(flag.value)} -d ${quote(flag.description.slice(0, 80))}`);
    }
    if (spec.argument) lines.push(`complete -c ktriage -n ${quote(when)}${values(spec.argument)}`);
  }
  lines.push("complete -c kubectl-ktriage -w ktriage");
  return lines.join("\n") + "\n";
}

export function register(program: Command): void {
  program.addCommand(
    new Command("completion")
      .description("print a shell completion script: bash, zsh or fish")
      .argument("<shell>", "bash | zsh | fish")
      .addHelpText(
        "after",
        `
Examples:
  source <(ktriage completion bash)                        # bash, this shell
  ktriage completion bash > /etc/bash_completion.d/ktriage # bash, every shell
  source <(ktriage completion zsh)                         # zsh (~/.zshrc)
  ktriage completion fish > ~/.config/fish/completions/ktriage.fish`,
      )
      .action(async (shell: string) => {
        const scripts: Record<string, (program: CommanderCommand) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
        const script = scripts[shell];
        if (!script) throw new UsageError(`completion: unknown shell "${shell}"; ktriage completes bash, zsh and fish`);
        await writeStdout(script(program));
      }),
  );
  // The values the scripts ask for: `ktriage __complete namespace|pod|topic [--snapshot DIR] [-n NS] [--context C] [--kubeconfig F]`.
  program.addCommand(
    new Command("__complete")
      .argument("<kind>")
      .argument("[words...]")
      .allowUnknownOption()
      .helpOption(false)
      .action(async (kind: string, words: string[]) => {
        if (kind !== "namespace" && kind !== "pod" && kind !== "topic") return;
        const values = await completeValues(kind, words);
        await writeStdout(values.length > 0 ? values.join("\n") + "\n" : "");
      }),
    { hidden: true },
  );
}
