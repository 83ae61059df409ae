// `berth run --dry-run`: this node's servers exactly as berth would start them (argv, the environment berth
// sets, GPUs, ports, URL), worked out with the host's real facts, and nothing started, reserved or written.
// Placement may still move at a real start: a GPU or a block another berth holds then is replaced.
import { checkLaunchRequest, type LaunchRequest } from "../../core/node/launch-request.ts";
import { succeeded, type Outcome } from "../../core/refusal.ts";
import { planNode } from "./prepare-node.ts";
import type { ServerIdentity } from "../../core/observe/server-table.ts";

export interface DryRunServer extends ServerIdentity {
  ports: { http: number; dist: number; first: number; last: number };
  url: string;
  argv: string[];
  /** Only what berth sets or changes; the rest of the environment is passed on as it is. */
  env: Record<string, string>;
}

export interface DryRun {
  node: number;
  nodes: number;
  host: string;
  simulated: boolean;
  warnings: string[];
  servers: DryRunServer[];
}

function berthsVariables(env: Record<string, string>, base: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => base[name] !== value).sort(([a], [b]) => a.localeCompare(b)));
}

export async function dryRunNode(launch: LaunchRequest): Promise<Outcome<DryRun>> {
  const checked = checkLaunchRequest(launch);
  if (!checked.ok) return checked;
  const planned = await planNode(checked.value);
  if (!planned.ok) return planned;
  const { plan, facts, gpus, warnings } = planned.value;
  return succeeded({
    node: checked.value.identity.rank,
    nodes: checked.value.identity.count,
    host: facts.advertiseHost,
    simulated: gpus.simulated,
    warnings: [...plan.warnings, ...warnings],
    servers: plan.servers.map((entry) => ({
      index: entry.server.index,
      node: entry.placement.node,
      localIndex: entry.placement.localIndex,
      name: entry.server.name ?? null,
      backend: entry.backend,
      role: entry.role.role,
      gpus: entry.gpus.map((gpu) => ({ index: gpu.index, uuid: gpu.uuid })),
      ports: { http: entry.placement.ports.http, dist: entry.placement.ports.dist, first: entry.placement.ports.first, last: entry.placement.ports.last },
      url: entry.launch.url,
      argv: entry.launch.argv,
      env: berthsVariables(entry.launch.env, launch.env),
    })),
  });
}
