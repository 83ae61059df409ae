// Every command berth has, in --help order.
import type { BerthCommand } from "./command.ts";
import type { OptionTable } from "./options.ts";
import { planCommand } from "./plan.ts";
import { probeCommand } from "./probe.ts";

// The casts erase each command's own option types; runCli treats every table alike.
export const COMMANDS: readonly BerthCommand<OptionTable>[] = [probeCommand, planCommand] as unknown as BerthCommand<OptionTable>[];
