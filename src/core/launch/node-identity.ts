// Which node of the job this is, from flags or the scheduler's variables; every node computes the same plan
// and runs its own slice of it, so getting this right is what keeps nodes from colliding.

export interface NodeIdentity {
  rank: number;
  count: number;
  /** Where rank and count came from, for the user to check. */
  source: string;
}

type Env = Record<string, string | undefined>;

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

/** Reads one variable as a whole number; a set variable that is not one is an error naming it. */
function fromVariable(env: Env, name: string | undefined): { ok: true; found: Found } | { ok: false; message: string } {
  const text = name === undefined ? undefined : env[name];
  if (text === undefined) return { ok: true, found: {} };
  const value = wholeNumber(text);
  if (value === undefined) return { ok: false, message: `bad value ${JSON.stringify(text)} for ${name}; expected a whole number` };
  return { ok: true, found: { value, from: name } };
}

function describeSources(rank: Found, count: Found): string {
  const names = [...new Set([rank.from, count.from].filter((name): name is string => name !== undefined))];
  return names.length === 0 ? "default (a single node)" : names.join("/");
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
      const read = fromVariable(env, candidate.rank);
      if (!read.ok) return read;
      rank = read.found;
    }
    if (count.value === undefined) {
      const read = fromVariable(env, candidate.count);
      if (!read.ok) return read;
      count = read.found;
    }
  }
  const source = describeSources(rank, count);
  const nodes = count.value ?? 1;
  if (nodes < 1) return { ok: false, message: `the node count must be at least 1 (from ${source})` };
  if (rank.value === undefined && nodes > 1) {
    return { ok: false, message: `the job has ${nodes} nodes (from ${count.from}) but nothing says which one this is; pass --node-rank R or set BERTH_NODE_RANK (or SLURM_NODEID, NODE_RANK, LWS_WORKER_INDEX)` };
  }
  const node = rank.value ?? 0;
  if (node >= nodes) return { ok: false, message: `node rank ${node} is not below the node count ${nodes} (from ${source}); pass --nodes` };
  return { ok: true, identity: { rank: node, count: nodes, source } };
}

/** The first host of a Slurm node list: "gpu[07-09,12],cpu1" → "gpu07". */
export function firstSlurmHost(nodeList: string): string | undefined {
  const match = /^([^,[\]]+)(?:\[(\d+))?/.exec(nodeList.trim());
  if (!match) return undefined;
  return match[2] === undefined ? match[1] : `${match[1]}${match[2]}`;
}

/** The multi-node leader's address: --leader-addr, else LWS_LEADER_ADDRESS, else Slurm's first host. */
export function leaderAddress(flag: string | undefined, env: Env): string | undefined {
  if (flag) return flag;
  if (env.LWS_LEADER_ADDRESS) return env.LWS_LEADER_ADDRESS;
  return env.SLURM_JOB_NODELIST ? firstSlurmHost(env.SLURM_JOB_NODELIST) : undefined;
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
