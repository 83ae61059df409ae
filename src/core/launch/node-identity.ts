// Which node of the job this is, from flags or the scheduler's variables; every node computes the same plan
// and runs its own slice of it, so getting this right is what keeps nodes from colliding.

export interface NodeIdentity {
  rank: number;
  count: number;
  /** Where rank and count came from, for the user to check. */
  source: string;
}

import { expandHostlist } from "../slurm/hostlist.ts";

type Env = Record<string, string | undefined>;

/** The most nodes a job may have, from a flag or any scheduler's variable alike. */
export const MAX_NODES = 4096;

const SOURCES: { name: string; rank: string; count?: string }[] = [
  { name: "BERTH_NODE_RANK/BERTH_NNODES", rank: "BERTH_NODE_RANK", count: "BERTH_NNODES" },
  { name: "SLURM_NODEID/SLURM_NNODES", rank: "SLURM_NODEID", count: "SLURM_NNODES" },
  { name: "NODE_RANK/NNODES", rank: "NODE_RANK", count: "NNODES" },
  { name: "LWS_WORKER_INDEX/LWS_GROUP_SIZE", rank: "LWS_WORKER_INDEX", count: "LWS_GROUP_SIZE" },
  { name: "JOB_COMPLETION_INDEX", rank: "JOB_COMPLETION_INDEX" },
];

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

interface Found {
  value?: number;
  /** The flag or variable it came from. */
  from?: string;
}

/**
 * Reads one variable as a whole number within [min, max]; a set variable that is not one is an error naming
 * it (SLURM_NNODES=100000000 must not make berth plan a hundred million nodes).
 */
function fromVariable(env: Env, name: string | undefined, min: number, max: number): { ok: true; found: Found } | { ok: false; message: string } {
  const text = name === undefined ? undefined : env[name];
  if (text === undefined) return { ok: true, found: {} };
  const value = wholeNumber(text);
  if (value === undefined || value < min || value > max) return { ok: false, message: `bad value ${JSON.stringify(text)} for ${name}; expected a whole number from ${min} to ${max}` };
  return { ok: true, found: { value, from: name } };
}

function describeSources(rank: Found, count: Found): string {
  const names = [...new Set([rank.from, count.from].filter((name): name is string => name !== undefined))];
  return names.length === 0 ? "a single node by default" : names.join("/");
}

/**
 * Flags win; then, for the rank and the count separately, the first scheduler that sets it. A count alone
 * is honoured: more than one node with no rank anywhere is an error, never a silent rank 0 on every node.
 */
export function resolveNodeIdentity(
  flags: { rank?: number; count?: number; rankSource?: string; countSource?: string },
  env: Env,
): { ok: true; identity: NodeIdentity } | { ok: false; message: string } {
  let rank: Found = flags.rank === undefined ? {} : { value: flags.rank, from: flags.rankSource ?? "--node-rank" };
  let count: Found = flags.count === undefined ? {} : { value: flags.count, from: flags.countSource ?? "--nodes" };
  for (const candidate of SOURCES) {
    if (rank.value === undefined) {
      const read = fromVariable(env, candidate.rank, 0, MAX_NODES - 1);
      if (!read.ok) return read;
      rank = read.found;
    }
    if (count.value === undefined) {
      const read = fromVariable(env, candidate.count, 1, MAX_NODES);
      if (!read.ok) return read;
      count = read.found;
    }
  }
  const nodes = count.value ?? 1;
  if (rank.from === "SLURM_NODEID" && count.from !== "SLURM_NNODES") {
    const fromList = rankFromJobNodeList(env, nodes);
    if (fromList && !fromList.ok) return fromList;
    if (fromList) rank = { value: fromList.rank, from: fromList.from };
  }
  const source = describeSources(rank, count);
  if (nodes < 1) return { ok: false, message: `the node count must be at least 1 (from ${source})` };
  if (rank.value === undefined && nodes > 1) {
    return { ok: false, message: `the job has ${nodes} nodes (from ${count.from}) but nothing says which one this is; pass --node-rank R or set BERTH_NODE_RANK (or SLURM_NODEID, NODE_RANK, LWS_WORKER_INDEX)` };
  }
  const node = rank.value ?? 0;
  if (node >= nodes) return { ok: false, message: `node rank ${node} is not below the node count ${nodes} (from ${source}); pass --nodes` };
  return { ok: true, identity: { rank: node, count: nodes, source } };
}

/** The job's node count from the schedulers' variables alone (what `berth plan` plans for under srun). */
export function nodeCountFromEnv(env: Env): { ok: true; count?: number; from?: string } | { ok: false; message: string } {
  for (const candidate of SOURCES) {
    const read = fromVariable(env, candidate.count, 1, MAX_NODES);
    if (!read.ok) return read;
    if (read.found.value !== undefined) return { ok: true, count: read.found.value, from: read.found.from };
  }
  return { ok: true };
}

/** A Slurm batch script (no step) of a job of several nodes runs on the first node only. */
export function batchScriptWarning(env: Env, identity: NodeIdentity): string | undefined {
  if (env.SLURM_JOB_ID === undefined || env.SLURM_STEP_ID !== undefined || identity.count < 2) return undefined;
  return `this looks like the batch script of a ${identity.count}-node Slurm job (SLURM_JOB_ID set, no SLURM_STEP_ID): berth runs node ${identity.rank}'s share only; start it with srun --ntasks-per-node=1 --kill-on-bad-exit=1 so that every node runs its own`;
}

/**
 * Where each node of the job is, for multi-node servers' leaders: the hosts of this step (SLURM_STEP_NODELIST:
 * `srun -N2 -r1` runs on part of the allocation), else of the job, by node rank. --leader-addr, then
 * LWS_LEADER_ADDRESS, name one leader for every multi-node server instead.
 */
export function jobHosts(flag: string | undefined, env: Env, nodeCount = 1): { leader?: string; nodes?: string[]; source?: string } {
  if (flag) return { leader: flag, source: "--leader-addr" };
  if (env.LWS_LEADER_ADDRESS) return { leader: env.LWS_LEADER_ADDRESS, source: "LWS_LEADER_ADDRESS" };
  for (const name of ["SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST"]) {
    const list = env[name];
    const nodes = list === undefined ? undefined : expandHostlist(list);
    // A step on fewer nodes than the job's ranks (one srun per node) does not say where the others are.
    if (nodes && nodes.length >= nodeCount) return { nodes, source: name };
  }
  return {};
}

/**
 * One `srun --nodes=1 --nodelist=X` per node (AReaL's launcher) with --nodes N: every step is node 0 of 1 to
 * Slurm, so SLURM_NODEID would make every node rank 0. The node's place in the job's node list is its rank.
 */
function rankFromJobNodeList(env: Env, count: number): { ok: true; rank: number; from: string } | { ok: false; message: string } | undefined {
  const stepNodes = wholeNumber(env.SLURM_NNODES);
  if (env.SLURM_NODEID === undefined || stepNodes === undefined || stepNodes >= count) return undefined;
  const hosts = env.SLURM_JOB_NODELIST === undefined ? undefined : expandHostlist(env.SLURM_JOB_NODELIST);
  const place = hosts && env.SLURMD_NODENAME ? hosts.indexOf(env.SLURMD_NODENAME) : -1;
  if (hosts && place >= 0 && place < count) return { ok: true, rank: place, from: "SLURMD_NODENAME's place in SLURM_JOB_NODELIST" };
  return {
    ok: false,
    message: `SLURM_NNODES=${stepNodes} (this step) contradicts a job of ${count} nodes, and this node's place in SLURM_JOB_NODELIST is unknown; run one srun over every node (srun -N${count} --ntasks-per-node=1 berth run …) or pass --node-rank`,
  };
}

/** Which server slot of this node `berth exec` runs: --server, else LOCAL_RANK, else SLURM_LOCALID. */
export function serverSlot(flag: number | undefined, env: Env): { ok: true; slot: number; source: string } | { ok: false; message: string } {
  if (flag !== undefined) return { ok: true, slot: flag, source: "--server" };
  for (const name of ["LOCAL_RANK", "SLURM_LOCALID"]) {
    const text = env[name];
    if (text === undefined) continue;
    const slot = wholeNumber(text);
    if (slot === undefined) return { ok: false, message: `bad value ${JSON.stringify(text)} for ${name}; expected a whole number` };
    return { ok: true, slot, source: name };
  }
  return { ok: false, message: "berth exec needs the server slot: pass --server I, or set LOCAL_RANK or SLURM_LOCALID" };
}
