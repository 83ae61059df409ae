// {placeholders} in the arguments after `--`, filled in per server for every backend: the whole command for
// cmd, and engine arguments for vLLM and SGLang (e.g. --kv-events-config '{"endpoint":"tcp://*:{kv_events_port}"}').
// An unknown {name} is refused (a typo such as {prot} would reach the server as is); {{name}} is a literal
// {name}. JSON such as {"a":1} never matches: a placeholder is a bare word in braces.
import type { Issue } from "../result.ts";
import type { PlannedServer, ServerPlacement } from "../types.ts";

export const PLACEHOLDERS = ["port", "dist_port", "kv_events_port", "bootstrap_port", "host", "gpus", "server", "local", "node", "seed", "tp", "pp"] as const;

/** "{port} {dist_port} …": the one list help, refusals and the README show. */
export const PLACEHOLDER_LIST = PLACEHOLDERS.map((name) => `{${name}}`).join(" ");

export type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

const PLACEHOLDER = /\{\{(\w+)\}\}|\{(\w+)\}/g;

export function placeholderValues(server: PlannedServer, placement: ServerPlacement, host: string, gpus: string, seed: string): PlaceholderValues {
  const ports = placement.ports;
  return {
    port: String(ports.http),
    dist_port: String(ports.dist),
    kv_events_port: String(ports.named.kvEvents ?? ""),
    bootstrap_port: String(ports.named.bootstrap ?? ""),
    host,
    gpus,
    server: String(server.index),
    local: String(placement.localIndex),
    node: String(placement.node),
    seed,
    tp: String(server.tp),
    pp: String(server.pp),
  };
}

export function unknownPlaceholder(args: readonly string[]): Issue | undefined {
  for (const argument of args) {
    for (const match of argument.matchAll(PLACEHOLDER)) {
      const name = match[2];
      if (name === undefined || (PLACEHOLDERS as readonly string[]).includes(name)) continue;
      return { code: "launch.unknown-placeholder", message: `unknown placeholder {${name}} in ${JSON.stringify(argument)} after --; berth fills ${PLACEHOLDER_LIST} (write {{${name}}} for a literal {${name}})` };
    }
  }
  return undefined;
}

export function fillPlaceholders(args: readonly string[], values: PlaceholderValues): string[] {
  return args.map((argument) => argument.replace(PLACEHOLDER, (_, literal: string | undefined, name: string) => (literal !== undefined ? `{${literal}}` : values[name as keyof PlaceholderValues])));
}
