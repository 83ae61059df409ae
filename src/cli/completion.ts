// `berth completion bash|zsh|fish`: a completion script built from every command's option table.
import { ENDED } from "../core/exit.ts";
import { defineBerthCommand, type CommandEntry } from "./command.ts";
import { COMMON_OPTIONS } from "./common-options.ts";
import { UsageError } from "./errors.ts";
import { kebabCase, type OptionTable } from "./options.ts";
import { completionScript, SHELLS, type CompletedCommand, type CompletedFlag, type Shell } from "./render/completion-scripts.ts";

const PATH_HINTS = new Set(["FILE", "DIR"]);

function flagsOf(table: OptionTable): CompletedFlag[] {
  return Object.entries(table).map(([name, def]) => ({
    long: kebabCase(name),
    alias: def.alias,
    description: def.description,
    takesValue: def.kind !== "boolean",
    choices: def.choices,
    path: PATH_HINTS.has(def.valueHint ?? ""),
  }));
}

const HELP_FLAG: CompletedFlag = { long: "help", alias: "h", description: "Show this help", takesValue: false };

async function completedCommands(commands: readonly CommandEntry[]): Promise<CompletedCommand[]> {
  const visible = commands.filter((entry) => !entry.hidden);
  const completed = await Promise.all(visible.map(async (entry): Promise<CompletedCommand> => {
    const command = await entry.load();
    const positionalChoices = entry.name === "completion" ? SHELLS : undefined;
    return { name: entry.name, description: entry.description, flags: [...flagsOf({ ...command.options, ...COMMON_OPTIONS }), HELP_FLAG], positionalChoices };
  }));
  completed.push({ name: "help", description: "Show the help of berth or of one command", flags: [], positionalChoices: visible.map((entry) => entry.name) });
  return completed;
}

export const completionCommand = defineBerthCommand({
  positionals: [{ name: "shell", description: "bash, zsh or fish", required: true }],
  acceptsPassthrough: false,
  options: {},
  examples: [
    "source <(berth completion bash)            # in ~/.bashrc",
    "source <(berth completion zsh)             # in ~/.zshrc, after compinit",
    "berth completion fish > ~/.config/fish/completions/berth.fish",
  ],
  async run({ positionals, io, commands }) {
    const shell = positionals.shell!;
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`bad value ${JSON.stringify(shell)} for SHELL; expected one of ${SHELLS.join(", ")}`);
    io.stdout(completionScript(shell as Shell, await completedCommands(commands)));
    return ENDED.ok;
  },
});
