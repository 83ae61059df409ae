// Every command berth has, in --help order.
import type { BerthCommand } from "./command.ts";
import type { OptionTable } from "./options.ts";
import { holdPortsCommand } from "./hold-ports.ts";
import { planCommand } from "./plan.ts";
import { portsCommand } from "./ports.ts";
import { probeCommand } from "./probe.ts";
import { statusCommand } from "./status.ts";

// The casts erase each command's own option types; runCli treats every table alike.
export const COMMANDS: readonly BerthCommand<OptionTable>[] = [probeCommand, planCommand, portsCommand, statusCommand, holdPortsCommand] as unknown as BerthCommand<OptionTable>[];
