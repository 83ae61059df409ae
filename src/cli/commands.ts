// Every command berth has, in --help order.
import type { BerthCommand } from "./command.ts";
import type { OptionTable } from "./options.ts";
import { holdPortsCommand } from "./hold-ports.ts";
import { planCommand } from "./plan.ts";
import { portsCommand } from "./ports.ts";
import { probeCommand } from "./probe.ts";
import { runCommand } from "./run.ts";
import { execStepCommand } from "./exec-step.ts";
import { demoCommand } from "./demo.ts";
import { execCommand } from "./exec.ts";
import { demoServerCommand } from "./demo-server.ts";
import { statusCommand } from "./status.ts";

// The casts erase each command's own option types; runCli treats every table alike.
export const COMMANDS: readonly BerthCommand<OptionTable>[] = [demoCommand, probeCommand, planCommand, runCommand, execCommand, portsCommand, statusCommand, holdPortsCommand, execStepCommand, demoServerCommand] as unknown as BerthCommand<OptionTable>[];
