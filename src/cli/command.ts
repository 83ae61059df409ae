// A berth command is plain data: its options table, its positionals and a run function saying why it ended.
import type { Io } from "./io.ts";
import type { COMMON_OPTIONS } from "./common-options.ts";
import type { OptionTable, ResolvedOptions } from "./options.ts";
import type { HelpRow } from "./render/help.ts";
import type { ConfigFile } from "../host/config-file.ts";
import type { Ending } from "../core/exit.ts";

export interface PositionalDef {
  name: string;
  description: string;
  required: boolean;
}

export interface CommandContext<Table extends OptionTable> {
  options: ResolvedOptions<Table & typeof COMMON_OPTIONS>;
  /** Positional values by name; a missing required one falls back to its BERTH_* twin, else is refused. */
  positionals: Record<string, string | undefined>;
  /** Where each option that was set came from ("--nodes", "BERTH_NNODES", a config key); unset ones are absent. */
  origins: Record<string, string>;
  /** How berth was invoked, for lock records and `berth status`. */
  commandLine: string;
  /** Everything after `--`. */
  passthrough: string[];
  io: Io;
  /** Every command berth has (for completion scripts). */
  commands: readonly CommandEntry[];
  /** The --config file, when one was given (its values already resolved into options). */
  config?: ConfigFile;
}

/** What --help and the dispatcher know of a command without loading it. */
export interface CommandSummary {
  name: string;
  description: string;
  hidden?: boolean;
}

/** A command as the dispatcher lists it: its summary, and its module loaded only when it runs. */
export interface CommandEntry extends CommandSummary {
  load(): Promise<BerthCommand<OptionTable>>;
}

export interface BerthCommand<Table extends OptionTable = OptionTable> {
  options: Table;
  positionals: PositionalDef[];
  /** Whether `-- ARGS` is meaningful for this command. */
  acceptsPassthrough: boolean;
  run(context: CommandContext<Table>): Promise<Ending>;
  /** Command lines shown under EXAMPLES in --help, each short enough for an 80-column terminal. */
  examples?: readonly string[];
  /** Variables this command reads beyond its options' BERTH_* twins, shown under ENVIRONMENT. */
  environment?: readonly HelpRow[];
}

export function defineBerthCommand<const Table extends OptionTable>(command: BerthCommand<Table>): BerthCommand<Table> {
  return command;
}
