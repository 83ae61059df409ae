// The training component's share of one node, for the trainer that runs there (`berth wait --component`):
// which of this node's GPUs it gets, how many nodes it spans and which of them this is, and the port its
// rank 0 listens on (MASTER_PORT). The port is worked out from the job alone, the same on every node of the
// component: the first 16-port block of the pool above every server's block.
import { fail, ok, type Result } from "../result.ts";
import type { Plan, PortRange } from "../types.ts";

export const TRAINER_BLOCK = 16;

export interface TrainerPlacement {
  component: string;
  /** The job's node ranks the component spans, in order; nodeRank is this node's position among them. */
  nodes: number[];
  node: number;
  nodeRank: number;
  /** This node's GPUs for it, node-local (what CUDA_VISIBLE_DEVICES gets, mapped to NVML's). */
  gpus: number[];
  /** MASTER_PORT is its first port; the rest are the trainer's to use. */
  block: PortRange;
}

/** "actor" for fsdp[actor]:d8, "fsdp" for an unnamed one. */
export function trainingComponentNames(plan: Plan): string[] {
  return [...new Set(plan.training.map((entry) => entry.name ?? entry.backend))];
}

function trainerBlock(plan: Plan, ports: { serverLast?: number; pool: PortRange; reserved: readonly PortRange[] }): PortRange | undefined {
  let first = (ports.serverLast ?? ports.pool.first - 1) + 1;
  for (;;) {
    const block = { first, last: first + TRAINER_BLOCK - 1 };
    if (block.last > ports.pool.last) return undefined;
    const clash = ports.reserved.find((range) => range.first <= block.last && range.last >= block.first);
    if (!clash) return block;
    first = clash.last + 1;
  }
}

/**
 * `node`: this node's rank in the job, where the caller knows it; a component on one node needs none.
 * `serverLast`: the last port any server of the job has (from what the nodes published).
 */
export function trainerPlacement(plan: Plan, component: string, node: number | undefined, ports: { serverLast?: number; pool: PortRange; reserved: readonly PortRange[] }): Result<TrainerPlacement> {
  const names = trainingComponentNames(plan);
  const entries = plan.training.filter((entry) => (entry.name ?? entry.backend) === component);
  if (entries.length === 0) {
    const known = names.length > 0 ? `its training components are ${names.join(", ")}` : "it has no training component";
    return fail({ code: "trainer.no-component", message: `the job's spec ${JSON.stringify(plan.spec)} has no training component '${component}'; ${known}` });
  }
  const nodes = [...new Set(entries.map((entry) => entry.node))].sort((a, b) => a - b);
  const here = node ?? (nodes.length === 1 ? nodes[0] : undefined);
  if (here === undefined) return fail({ code: "trainer.which-node", message: `'${component}' spans nodes ${nodes.join(",")}: give this node's rank (--node-rank, or SLURM_NODEID, NODE_RANK…)` });
  if (!nodes.includes(here)) return fail({ code: "trainer.not-here", message: `'${component}' has no GPUs on node ${here}; it runs on node(s) ${nodes.join(",")}` });
  const block = trainerBlock(plan, ports);
  if (!block) return fail({ code: "trainer.no-port", message: `no ${TRAINER_BLOCK}-port block for '${component}' is left in ${ports.pool.first}-${ports.pool.last} above the servers' blocks; widen --port-pool` });
  const gpus = entries.filter((entry) => entry.node === here).flatMap((entry) => entry.gpus);
  return ok({ component, nodes, node: here, nodeRank: nodes.indexOf(here), gpus, block });
}
