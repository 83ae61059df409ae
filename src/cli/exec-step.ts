// Hidden `berth __exec -- ARGS`: the step between berth and each server. It arms PR_SET_PDEATHSIG so the
// server dies with berth, then becomes the server through execve (126/127 when that fails, as in tini).
import { defineBerthCommand } from "./command.ts";
import { BerthError } from "./errors.ts";
import { ENDED } from "../core/exit.ts";
import { execCommand } from "../host/process/exec.ts";
import { armParentDeathSignal } from "../host/process/parent-death.ts";
import { EXEC_STEP } from "../core/hidden-commands.ts";
import { EXEC_PARENT_VARIABLE } from "../host/process/server-process.ts";

export const execStepCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: true,
  options: {},
  async run({ passthrough, io }) {
    const { [EXEC_PARENT_VARIABLE]: parent, ...environment } = io.env;
    if (parent !== undefined && !armParentDeathSignal(Number(parent))) return ENDED.failed; // berth is gone
    const failure = execCommand(passthrough, environment);
    throw new BerthError(failure.ending, failure.message);
  },
});
