// What `berth --help`, `berth help [COMMAND]` and `berth COMMAND --help` say: built from the same option
// tables that parse the flags, so help can never list a flag that does not exist or miss one that does.
import type { BerthCommand, CommandSummary } from "./command.ts";
import { COMMON_OPTIONS } from "./common-options.ts";
import type { OptionDef } from "./option-kinds.ts";
import { envName, kebabCase, twinName, type OptionTable } from "./options.ts";
import type { HelpModel, HelpRow } from "./render/help.ts";
import { VERSION } from "../version.ts";

export const DESCRIPTION = "Gives each inference server on a GPU node its own GPUs and port block, reserves them host-wide, and supervises the servers.";

/** Variables every command reads, beside each option's BERTH_* twin. */
export const COMMON_ENVIRONMENT: readonly HelpRow[] = [
  { term: "BERTH_REGISTRY_DIR", text: "The host-wide registry of reservations, an absolute path every berth on the host shares (default /run/berth, else $XDG_RUNTIME_DIR/berth, else /tmp/berth-UID)" },
  { term: "BERTH_DEBUG=1", text: "Print the stack trace of an internal error" },
  { term: "NO_COLOR", text: "Set to anything: no colour, even on a terminal" },
  { term: "COLUMNS", text: "The width --help wraps to (default: the terminal's, else 80)" },
];

/** What the root help lists beside the commands in COMMANDS. */
export const BUILT_IN_COMMANDS: readonly HelpRow[] = [
  { term: "help [COMMAND]", text: "Show this help, or one command's" },
];

const ROOT_EXAMPLES = [
  "berth demo",
  "berth probe",
  "berth plan vllm:d12p1t1+d4p1t1 --nodes 2 --gpus-per-node 8",
  "berth run sglang:d4t2 -- --model-path Qwen/Qwen3-8B",
  "berth help run",
];

function valueHint(def: OptionDef<unknown>): string {
  return def.kind === "boolean" ? "" : ` ${def.valueHint ?? "VALUE"}`;
}

function optionRow(name: string, def: OptionDef<unknown>): HelpRow {
  const term = `${def.alias ? `-${def.alias}, ` : ""}--${kebabCase(name)}${valueHint(def)}`;
  const shownDefault = def.defaultHint ?? (def.default === undefined || def.kind === "boolean" || def.repeatable ? undefined : String(def.default));
  const text = [def.description, shownDefault === undefined ? "" : `(default: ${shownDefault})`, `[env ${twinName(name, def)}]`].filter(Boolean).join(" ");
  return { term, text };
}

function usageLine(name: string, command: BerthCommand<OptionTable>): string {
  const positionals = command.positionals.map((positional) => (positional.required ? positional.name.toUpperCase() : `[${positional.name.toUpperCase()}]`));
  return ["berth", name, "[OPTIONS]", ...positionals, ...(command.acceptsPassthrough ? ["[-- ARGS...]"] : [])].join(" ");
}

export function commandHelp(summary: CommandSummary, command: BerthCommand<OptionTable>): HelpModel {
  const table: OptionTable = { ...command.options, ...COMMON_OPTIONS };
  const options = Object.entries(table).map(([name, def]) => optionRow(name, def));
  options.push({ term: "-h, --help", text: "Show this help" });
  const argumentsRows = command.positionals.map((positional) => ({ term: positional.name.toUpperCase(), text: `${positional.description} [env ${envName(positional.name)}]` }));
  return {
    summary: summary.description,
    usage: usageLine(summary.name, command),
    sections: [
      { title: "arguments", rows: argumentsRows },
      { title: "options", rows: options },
      { title: "examples", lines: command.examples ?? [] },
      { title: "environment", rows: [...(command.environment ?? []), ...COMMON_ENVIRONMENT] },
      { title: "", lines: ["Every option also reads its BERTH_* variable and the --config file; flags win, then variables, then the file."], wrap: true },
    ],
  };
}

export function rootHelp(commands: readonly CommandSummary[]): HelpModel {
  const rows = commands.filter((command) => !command.hidden).map((command) => ({ term: command.name, text: command.description }));
  return {
    summary: `berth ${VERSION}: ${DESCRIPTION}`,
    usage: "berth COMMAND [OPTIONS] [-- ARGS...]",
    sections: [
      { title: "commands", rows: [...rows, ...BUILT_IN_COMMANDS] },
      { title: "options", rows: [{ term: "-h, --help", text: "Show this help" }, { term: "-v, --version", text: "Print the version and commit" }] },
      { title: "examples", lines: ROOT_EXAMPLES },
      { title: "environment", rows: COMMON_ENVIRONMENT },
      { title: "", lines: ["Exit codes: 0 success; 1 a server failed; 2 bad usage or input; 3 the environment cannot serve; 128+N stopped by signal N. Run 'berth help COMMAND' for a command's options."], wrap: true },
    ],
  };
}
