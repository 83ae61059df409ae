// Any command: the arguments after `--` are the command, with its {placeholders} filled in (placeholders.ts).
// It takes the block of the engine the spec names, and berth owns none of its flags or variables.
import { fail, ok } from "../../result.ts";
import type { BackendInput, BackendLauncher, EngineBackend } from "../launch-types.ts";

const cmdLaunch: BackendLauncher = ({ env, url, args }: BackendInput) => {
  if (args.length === 0) return fail({ code: "launch.no-command", message: "--backend cmd needs the server command after --, e.g. -- python serve.py --port {port}" });
  return ok({ argv: args, env, url, directories: [] });
};

export const cmdBackend = {
  name: "cmd",
  summary: "the command after --",
  ownedFlags: [],
  ownedVariables: [],
  launch: cmdLaunch,
  metricsUrl: () => null, // a command berth knows nothing of
} as const satisfies EngineBackend;
