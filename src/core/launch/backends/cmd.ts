// Any command: the arguments after `--` are the command, with {placeholders} filled in per server. An
// unknown {name} is refused (a typo such as {prot} would reach the server as is); {{name}} is a literal {name}.
import { fail, ok, type Issue } from "../../result.ts";
import type { BackendInput, BackendLauncher } from "../launch-types.ts";

const PLACEHOLDERS = ["port", "dist_port", "host", "gpus", "server", "local", "node", "seed", "tp", "pp"] as const;

type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

const PLACEHOLDER = /\{\{(\w+)\}\}|\{(\w+)\}/g;

function substitute(argument: string, values: PlaceholderValues): string {
  return argument.replace(PLACEHOLDER, (_, literal: string | undefined, name: string) => (literal !== undefined ? `{${literal}}` : values[name as keyof PlaceholderValues]));
}

function unknownPlaceholder(args: readonly string[]): Issue | undefined {
  for (const argument of args) {
    for (const match of argument.matchAll(PLACEHOLDER)) {
      const name = match[2];
      if (name === undefined || (PLACEHOLDERS as readonly string[]).includes(name)) continue;
      const known = PLACEHOLDERS.map((each) => `{${each}}`).join(" ");
      return { code: "launch.unknown-placeholder", message: `unknown placeholder {${name}} in ${JSON.stringify(argument)} after --; berth fills ${known} (write {{${name}}} for a literal {${name}})` };
    }
  }
  return undefined;
}

export const cmdLaunch: BackendLauncher = ({ server, placement, env, context, seed, url }: BackendInput) => {
  if (context.userArgs.length === 0) return fail({ code: "launch.no-command", message: "--backend cmd needs the server command after --, e.g. -- python serve.py --port {port}" });
  const unknown = unknownPlaceholder(context.userArgs);
  if (unknown) return fail(unknown);
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
