// Shell completion scripts for bash, zsh and fish, written from the same command and option tables that
// parse the flags, so a completed flag always exists. Pure: completion.ts gathers the tables.

export interface CompletedFlag {
  long: string;
  alias?: string;
  description: string;
  takesValue: boolean;
  /** Fixed values (enum options). */
  choices?: readonly string[];
  /** The value is a path (FILE or DIR): complete file names. */
  path?: boolean;
}

export interface CompletedCommand {
  name: string;
  description: string;
  flags: readonly CompletedFlag[];
  /** Words the first positional can be (completion's shells, help's commands). */
  positionalChoices?: readonly string[];
}

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** The first sentence of a description, short enough for a completion menu. */
function brief(text: string): string {
  const first = text.split(/[;:(]/)[0]!.trim();
  return first.length > 70 ? `${first.slice(0, 67)}...` : first;
}

const singleQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function bashCase(command: CompletedCommand): string {
  const words = command.flags.flatMap((flag) => [`--${flag.long}`, ...(flag.alias ? [`-${flag.alias}`] : [])]);
  const values = command.flags.filter((flag) => flag.takesValue).map((flag) => {
    const spellings = [`--${flag.long}`, ...(flag.alias ? [`-${flag.alias}`] : [])].join("|");
    if (flag.choices) return `        ${spellings}) COMPREPLY=($(compgen -W ${singleQuoted(flag.choices.join(" "))} -- "$cur")); return ;;`;
    if (flag.path) return `        ${spellings}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`;
    return `        ${spellings}) return ;;`;
  });
  const positional = command.positionalChoices ? `      [[ $cur != -* ]] && COMPREPLY=($(compgen -W ${singleQuoted(command.positionalChoices.join(" "))} -- "$cur"))\n` : "";
  return [
    `    ${command.name})`,
    `      case "$prev" in`,
    ...values,
    `      esac`,
    positional + `      [[ $cur == -* ]] && COMPREPLY=($(compgen -W ${singleQuoted(words.join(" "))} -- "$cur"))`,
    `      ;;`,
  ].join("\n");
}

export function bashScript(commands: readonly CompletedCommand[]): string {
  return `# berth completion for bash. Load it with: source <(berth completion bash)
_berth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" i
  COMPREPLY=()
  # After --, the words belong to the server's command line: leave them to bash's default completion.
  for ((i = 1; i < COMP_CWORD; i++)); do [[ \${COMP_WORDS[i]} == -- ]] && return; done
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W ${singleQuoted(commands.map((command) => command.name).join(" "))} -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${commands.map(bashCase).join("\n")}
  esac
}
complete -o default -o bashdefault -F _berth berth
`;
}

/** _arguments wants [ ] : \\ escaped in descriptions. */
const zshEscape = (text: string) => text.replace(/([\\[\]:'])/g, (character) => (character === "'" ? "'\\''" : `\\${character}`));

function zshFlag(flag: CompletedFlag): string[] {
  const description = zshEscape(brief(flag.description));
  const action = !flag.takesValue ? "" : flag.choices ? `:${flag.long}:(${flag.choices.join(" ")})` : flag.path ? `:${flag.long}:_files` : `:${flag.long}: `;
  const spellings = [`--${flag.long}`, ...(flag.alias ? [`-${flag.alias}`] : [])];
  return spellings.map((spelling) => `'${spelling}[${description}]${action}'`);
}

function zshCase(command: CompletedCommand): string {
  const specs = command.flags.flatMap(zshFlag);
  if (command.positionalChoices) specs.push(`'1:${command.name}:(${command.positionalChoices.join(" ")})'`);
  specs.push(`'*::argument:_default'`);
  return `    ${command.name}) _arguments -s ${specs.join(" \\\n      ")} ;;`;
}

export function zshScript(commands: readonly CompletedCommand[]): string {
  const described = commands.map((command) => `    '${command.name}:${zshEscape(brief(command.description))}'`);
  return `#compdef berth
# berth completion for zsh. Load it with: source <(berth completion zsh), after compinit.
_berth() {
  local -a commands
  commands=(
${described.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'berth command' commands
    return
  fi
  local command=$words[2]
  shift words
  (( CURRENT-- ))
  case $command in
${commands.map(zshCase).join("\n")}
  esac
}
compdef _berth berth
`;
}

function fishFlag(command: string, flag: CompletedFlag): string {
  const parts = [`complete -c berth -n '__fish_seen_subcommand_from ${command}'`, `-l ${flag.long}`];
  if (flag.alias) parts.push(`-s ${flag.alias}`);
  if (flag.takesValue) parts.push(flag.choices ? `-x -a ${singleQuoted(flag.choices.join(" "))}` : flag.path ? "-r -F" : "-x");
  parts.push(`-d ${singleQuoted(brief(flag.description))}`);
  return parts.join(" ");
}

export function fishScript(commands: readonly CompletedCommand[]): string {
  // No file names where a command is expected; after it, flags and (for -- ARGS) file names.
  const lines = ["# berth completion for fish. Load it with: berth completion fish | source", "complete -c berth -n __fish_use_subcommand -f"];
  for (const command of commands) {
    lines.push(`complete -c berth -n __fish_use_subcommand -a ${command.name} -d ${singleQuoted(brief(command.description))}`);
    if (command.positionalChoices) lines.push(`complete -c berth -n '__fish_seen_subcommand_from ${command.name}' -f -a ${singleQuoted(command.positionalChoices.join(" "))}`);
    for (const flag of command.flags) lines.push(fishFlag(command.name, flag));
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(shell: Shell, commands: readonly CompletedCommand[]): string {
  if (shell === "bash") return bashScript(commands);
  if (shell === "zsh") return zshScript(commands);
  return fishScript(commands);
}
