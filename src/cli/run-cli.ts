// The one place that turns argv into a command run and any error into one line plus why berth ends.
import { parseArguments, splitAtSeparator, wantsHelp } from "./argv.ts";
import type { CommandEntry } from "./commands.ts";
import type { PositionalDef } from "./command.ts";
import { COMMON_OPTIONS } from "./common-options.ts";
import { BerthError, UsageError } from "./errors.ts";
import type { Io } from "./io.ts";
import { checkConfigSpellings, envName, kebabCase, resolveOptions, twinName } from "./options.ts";
import type { OptionDef } from "./option-kinds.ts";
import { nearMissVariables } from "../core/variable-names.ts";
import type { HelpModel } from "./render/help.ts";
import { ENDED, type Ending } from "../core/exit.ts";
import { readConfigFile, type ConfigFile } from "../host/config-file.ts";
import { COMMIT, VERSION } from "../version.ts";

/** --help text, wrapped to $COLUMNS, the terminal's width or 80, with bold headings where colour is wanted. */
async function printHelp(model: HelpModel, io: Io): Promise<void> {
  const [{ renderHelp, helpWidth }, { wantsColour }] = await Promise.all([import("./render/help.ts"), import("./render/ansi.ts")]);
  io.stdout(renderHelp(model, helpWidth(io.env.COLUMNS, io.isTTY ? io.columns : undefined), wantsColour(io)));
}

/** `berth help [COMMAND]`: the root help, or that command's. */
async function helpCommand(args: readonly string[], io: Io, commands: readonly CommandEntry[]): Promise<Ending> {
  const { commandHelp, rootHelp } = await import("./help.ts");
  const [name, extra] = args;
  if (extra !== undefined) throw new UsageError(`'berth help' takes at most one command, got ${JSON.stringify(extra)} too`);
  if (name === undefined || name === "help") {
    await printHelp(rootHelp(commands), io);
    return ENDED.ok;
  }
  const entry = findCommand(commands, name);
  await printHelp(commandHelp(entry, await entry.load()), io);
  return ENDED.ok;
}

function findCommand(commands: readonly CommandEntry[], name: string): CommandEntry {
  const command = commands.find((candidate) => candidate.name === name);
  if (command) return command;
  const names = commands.filter((candidate) => !candidate.hidden).map((candidate) => candidate.name);
  throw new UsageError(`unknown command ${JSON.stringify(name)}; expected one of ${[...names, "help"].join(", ")} (see berth --help)`);
}

/** Every key a config file may hold: any command's option (in any spelling) or a section named after a command. */
async function knownConfigKeys(commands: readonly CommandEntry[]): Promise<Set<string>> {
  const keys = new Set<string>(["components"]);
  for (const entry of commands) {
    keys.add(entry.name);
    const command = await entry.load();
    for (const positional of command.positionals) keys.add(positional.name);
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

async function runCommand(entry: CommandEntry, rawArgs: string[], io: Io, commands: readonly CommandEntry[]): Promise<Ending> {
  const command = await entry.load();
  const name = entry.name;
  const { own, passthrough, sawSeparator } = splitAtSeparator(rawArgs);
  if (wantsHelp(own)) {
    const { commandHelp } = await import("./help.ts");
    await printHelp(commandHelp(entry, command), io);
    return ENDED.ok;
  }
  if (sawSeparator && !command.acceptsPassthrough) throw new UsageError(`'berth ${name}' takes no command after --`);
  const table = { ...command.options, ...COMMON_OPTIONS };
  const { flags, spelling, positionals } = parseArguments(own, table, name);
  const common = resolveOptions(COMMON_OPTIONS, { flags, env: io.env });
  let config: ConfigFile | undefined;
  if (common.config !== undefined) {
    const read = await readConfigFile(common.config, name);
    if (!read.ok) throw new UsageError(read.message);
    config = read.config;
    checkConfigKeys(config, await knownConfigKeys(commands));
    checkConfigSpellings(config, table);
  }
  const named = positionalValues(command.positionals, positionals, io.env, config, name);
  const origins: Record<string, string> = {};
  const options = resolveOptions(table, { flags, spelling, env: io.env, config }, origins);
  warnNearMisses(io, table, command.positionals);
  const commandLine = ["berth", name, ...rawArgs].join(" ");
  return command.run({ options, origins, positionals: named, passthrough, io, commandLine, commands, config });
}

/** Variables berth sets for servers and for itself: a nested berth sees them, and they are no slip. */
const EXPORTED = ["BERTH_SERVER", "BERTH_LOCAL_INDEX", "BERTH_NODE", "BERTH_PORT", "BERTH_DIST_PORT", "BERTH_PORTS", "BERTH_SEED", "BERTH_KV_EVENTS_PORT", "BERTH_BOOTSTRAP_PORT",
  "BERTH_TRAINER_PORTS", "BERTH_PORTS_HOLDER", "BERTH_PORTS_EXPIRE", "BERTH_REGISTRY_DIR", "BERTH_NVML_LIBRARY", "BERTH_DEBUG", "BERTH_EXEC_PARENT", "BERTH_HOLD_REQUEST"];

function warnNearMisses(io: Io, table: Record<string, OptionDef<unknown>>, positionals: readonly PositionalDef[]): void {
  if (!Object.keys(io.env).some((name) => name.startsWith("BERTH_"))) return;
  const read = new Set([...Object.entries(table).map(([name, def]) => twinName(name, def)), ...positionals.map((positional) => envName(positional.name))]);
  for (const warning of nearMissVariables(io.env, read, new Set(EXPORTED))) io.stderr(`berth: warning: ${warning}\n`);
}

/** Each positional from the command line, else its BERTH_* twin, else the config file (`spec = "vllm:d4"`). */
function positionalValues(defs: readonly PositionalDef[], given: string[], env: Record<string, string | undefined>, config: ConfigFile | undefined, name: string): Record<string, string | undefined> {
  const named: Record<string, string | undefined> = {};
  for (const positional of defs) {
    const fromConfig = config?.values[positional.name];
    if (fromConfig !== undefined && typeof fromConfig !== "string") throw new UsageError(`config file ${config!.path} key '${positional.name}' must be text, e.g. ${positional.name} = "vllm:d4"`);
    named[positional.name] = given.shift() ?? env[envName(positional.name)] ?? fromConfig;
    if (named[positional.name] === undefined && positional.required) {
      throw new UsageError(`'berth ${name}' needs ${positional.name.toUpperCase()} (or ${envName(positional.name)}, or '${positional.name}' in --config); see berth ${name} --help`);
    }
  }
  if (given.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(given[0])} for 'berth ${name}'; see berth ${name} --help`);
  return named;
}

export async function runCli(rawArgs: string[], commands: readonly CommandEntry[], io: Io): Promise<Ending> {
  try {
    const [first, ...rest] = rawArgs;
    if (first === undefined || first === "--help" || first === "-h") {
      await printHelp((await import("./help.ts")).rootHelp(commands), io);
      return first === undefined ? ENDED["bad-input"] : ENDED.ok;
    }
    if (first === "help") return await helpCommand(rest, io, commands);
    if (first === "--version" || first === "-v") {
      io.stdout(`berth ${VERSION} (${COMMIT})\n`);
      return ENDED.ok;
    }
    return await runCommand(findCommand(commands, first), rest, io, commands);
  } catch (error) {
    if (error instanceof BerthError) {
      io.stderr(`berth: ${error.message}\n`);
      return error.ending;
    }
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr(`berth: internal error: ${detail} (set BERTH_DEBUG=1 for details)\n`);
    if (io.env.BERTH_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ""}\n`);
    return ENDED.failed;
  }
}
