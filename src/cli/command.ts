// A berth command is plain data: its options table, its positionals and a run function returning an exit code.
import type { Io } from "./io.ts";
import type { COMMON_OPTIONS } from "./common-options.ts";
import type { OptionTable, ResolvedOptions } from "./options.ts";

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
}

/** What --help and the dispatcher know of a command without loading it. */
export interface CommandSummary {
  name: string;
  description: string;
  hidden?: boolean;
}

export interface BerthCommand<Table extends OptionTable = OptionTable> {
  options: Table;
  positionals: PositionalDef[];
  /** Whether `-- ARGS` is meaningful for this command. */
  acceptsPassthrough: boolean;
  run(context: CommandContext<Table>): Promise<number>;
}

export function defineBerthCommand<const Table extends OptionTable>(command: BerthCommand<Table>): BerthCommand<Table> {
  return command;
}
