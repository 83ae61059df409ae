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

/** Flags win; then the first scheduler whose rank variable is set. Issues are one-line messages. */
export function resolveNodeIdentity(
  flags: { rank?: number; count?: number; rankSource?: string; countSource?: string },
  env: Env,
): { ok: true; identity: NodeIdentity } | { ok: false; message: string } {
  let rank = flags.rank;
  let count = flags.count;
  const rankSource = rank !== undefined ? (flags.rankSource ?? "--node-rank") : undefined;
  const countSource = count !== undefined ? (flags.countSource ?? "--nodes") : undefined;
  // "berth demo" sets both itself: say it once.
  let source = [...new Set([rankSource, countSource].filter((name): name is string => name !== undefined))].join("/");
  for (const candidate of SOURCES) {
    if (rank !== undefined && count !== undefined) break;
    const rankText = env[candidate.rank];
    if (rankText === undefined) continue;
    const candidateRank = wholeNumber(rankText);
    if (candidateRank === undefined) return { ok: false, message: `bad value ${JSON.stringify(rankText)} for ${candidate.rank}; expected a whole number` };
    const countText = candidate.count ? env[candidate.count] : undefined;
    const candidateCount = wholeNumber(countText);
    if (countText !== undefined && candidateCount === undefined) return { ok: false, message: `bad value ${JSON.stringify(countText)} for ${candidate.count}; expected a whole number` };
    if (rank === undefined) rank = candidateRank;
    if (count === undefined && candidateCount !== undefined) count = candidateCount;
    source = source ? `${source}, ${candidate.name}` : candidate.name;
  }
  rank ??= 0;
  count ??= 1;
  if (!source) source = "default (a single node)";
  if (count < 1) return { ok: false, message: `the node count must be at least 1 (from ${source})` };
  if (rank >= count) return { ok: false, message: `node rank ${rank} is not below the node count ${count} (from ${source}); pass --nodes` };
  return { ok: true, identity: { rank, count, source } };
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
