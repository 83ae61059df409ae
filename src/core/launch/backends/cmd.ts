// Any command: the arguments after `--` are the command, with {placeholders} filled in per server.
import { fail, ok } from "../../result.ts";
import type { BackendInput, BackendLauncher } from "../launch-types.ts";

const PLACEHOLDERS = ["port", "dist_port", "host", "gpus", "server", "local", "node", "seed", "tp", "pp"] as const;

type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

function substitute(argument: string, values: PlaceholderValues): string {
  return argument.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as keyof PlaceholderValues] : whole));
}

export const cmdLaunch: BackendLauncher = ({ server, placement, env, context, seed, url }: BackendInput) => {
  if (context.userArgs.length === 0) return fail({ code: "launch.no-command", message: "--backend cmd needs the server command after --, e.g. -- python serve.py --port {port}" });
  const ports = placement.ports;
  const values: PlaceholderValues = {
    port: String(ports.http),
    dist_port: String(ports.dist),
    host: context.host,
    gpus: env.CUDA_VISIBLE_DEVICES!,
    server: String(server.index),
    local: String(placement.localIndex),
    node: String(placement.node),
    seed,
    tp: String(server.tp),
    pp: String(server.pp),
  };
  return ok({ argv: context.userArgs.map((argument) => substitute(argument, values)), env, url });
};
