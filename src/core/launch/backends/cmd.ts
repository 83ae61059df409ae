// Any command: the arguments after `--` are the command, with its {placeholders} filled in (placeholders.ts).
import { fail, ok } from "../../result.ts";
import type { BackendInput, BackendLauncher } from "../launch-types.ts";

export const cmdLaunch: BackendLauncher = ({ env, url, args }: BackendInput) => {
  if (args.length === 0) return fail({ code: "launch.no-command", message: "--backend cmd needs the server command after --, e.g. -- python serve.py --port {port}" });
  return ok({ argv: args, env, url, directories: [] });
};
