// Every command berth has, in --help order.
import type { BerthCommand } from "./command.ts";
import type { OptionTable } from "./options.ts";
import { planCommand } from "./plan.ts";

export const COMMANDS: readonly BerthCommand<OptionTable>[] = [planCommand as unknown as BerthCommand<OptionTable>];
