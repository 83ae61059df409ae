// The one place that turns argv into a command run and any error into one line plus an exit code.
import type { CommandDef } from "citty";
import { parseArguments, splitAtSeparator, wantsHelp } from "./argv.ts";
import type { BerthCommand, CommandSummary } from "./command.ts";
import type { CommandEntry } from "./commands.ts";
import { COMMON_OPTIONS } from "./common-options.ts";
import { BerthError, UsageError } from "./errors.ts";
import type { Io } from "./io.ts";
import { cittyArgs, envName, kebabCase, resolveOptions, type OptionTable } from "./options.ts";
import { stripColour, wantsColour } from "./render/ansi.ts";
import { EXIT } from "../core/exit.ts";
import { readConfigFile, type ConfigFile } from "../host/config-file.ts";
import { COMMIT, VERSION } from "../version.ts";

const DESCRIPTION = "Gives each inference server on a GPU node its own GPUs and port block, reserves them host-wide, and supervises the servers.";

function commandUsage(summary: CommandSummary, command: BerthCommand<OptionTable>): CommandDef {
  const args = cittyArgs({ ...command.options, ...COMMON_OPTIONS });
  for (const positional of command.positionals) {
    args[positional.name] = {
      type: "positional",
      description: `${positional.description} [env ${envName(positional.name)}]`,
      required: positional.required,
    };
  }
  return { meta: { name: `berth ${summary.name}`, description: summary.description }, args };
}

function rootUsage(commands: readonly CommandSummary[]): CommandDef {
  const subCommands: Record<string, CommandDef> = {};
  for (const command of commands) subCommands[command.name] = { meta: { description: command.description, hidden: command.hidden } };
  return { meta: { name: "berth", version: VERSION, description: DESCRIPTION }, subCommands };
}

/** citty is loaded only for --help, keeping it off every other command's start-up. */
async function renderUsage(usage: CommandDef, io: Io): Promise<string> {
  const citty = await import("citty");
  const text = await citty.renderUsage(usage);
  return wantsColour(io) ? text : stripColour(text);
}

/** Every key a config file may hold: any command's option (in any spelling) or a section named after a command. */
async function knownConfigKeys(commands: readonly CommandEntry[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const entry of commands) {
    keys.add(entry.name);
    const command = await entry.load();
    for (const name of [...Object.keys(command.options), ...Object.keys(COMMON_OPTIONS)]) {
      keys.add(name).add(kebabCase(name)).add(kebabCase(name).replaceAll("-", "_"));
    }
  }
  return keys;
}

function checkConfigKeys(config: ConfigFile, known: Set<string>): void {
  const unknown = Object.keys(config.values).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new UsageError(`config file ${config.path}: unknown key '${unknown[0]}'; expected berth options such as nodes, gpus-per-node or port-pool, or a [command] table`);
}

async function runCommand(entry: CommandEntry, rawArgs: string[], io: Io, commands: readonly CommandEntry[]): Promise<number> {
  const command = await entry.load();
  const name = entry.name;
  const { own, passthrough, sawSeparator } = splitAtSeparator(rawArgs);
  if (wantsHelp(own)) {
    io.stdout(`${await renderUsage(commandUsage(entry, command), io)}\n`);
    return EXIT.ok;
  }
  if (sawSeparator && !command.acceptsPassthrough) throw new UsageError(`'berth ${name}' takes no command after --`);
  const table = { ...command.options, ...COMMON_OPTIONS };
  const { flags, spelling, positionals } = parseArguments(own, table, name);
  const named: Record<string, string | undefined> = {};
  for (const positional of command.positionals) {
    named[positional.name] = positionals.shift() ?? io.env[envName(positional.name)];
    if (named[positional.name] === undefined && positional.required) {
      throw new UsageError(`'berth ${name}' needs ${positional.name.toUpperCase()} (or ${envName(positional.name)}); see berth ${name} --help`);
    }
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} for 'berth ${name}'; see berth ${name} --help`);

  const common = resolveOptions(COMMON_OPTIONS, { flags, env: io.env });
  let config: ConfigFile | undefined;
  if (common.config !== undefined) {
    const read = await readConfigFile(common.config, name);
    if (!read.ok) throw new UsageError(read.message);
    config = read.config;
    checkConfigKeys(config, await knownConfigKeys(commands));
  }
  const origins: Record<string, string> = {};
  const options = resolveOptions(table, { flags, spelling, env: io.env, config }, origins);
  const commandLine = ["berth", name, ...rawArgs].join(" ");
  return command.run({ options, origins, positionals: named, passthrough, io, commandLine });
}

export async function runCli(rawArgs: string[], commands: readonly CommandEntry[], io: Io): Promise<number> {
  try {
    const [first, ...rest] = rawArgs;
    if (first === undefined || first === "--help" || first === "-h") {
      io.stdout(`${await renderUsage(rootUsage(commands), io)}\n`);
      return first === undefined ? EXIT.badInput : EXIT.ok;
    }
    if (first === "--version" || first === "-v") {
      io.stdout(`berth ${VERSION} (${COMMIT})\n`);
      return EXIT.ok;
    }
    const command = commands.find((candidate) => candidate.name === first);
    if (!command) {
      const names = commands.filter((candidate) => !candidate.hidden).map((candidate) => candidate.name);
      throw new UsageError(`unknown command ${JSON.stringify(first)}; expected one of ${names.join(", ")} (see berth --help)`);
    }
    return await runCommand(command, rest, io, commands);
  } catch (error) {
    if (error instanceof BerthError) {
      io.stderr(`berth: ${error.message}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr(`berth: internal error: ${detail} (set BERTH_DEBUG=1 for details)\n`);
    if (io.env.BERTH_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ""}\n`);
    return EXIT.serverFailed;
  }
}
