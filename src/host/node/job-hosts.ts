// The addresses of the job's nodes that lead this node's multi-node servers: the host names Slurm (or
// --leader-addr, LWS) gives, resolved here, so every engine gets an address it can dial without a resolver of
// its own. Only the leaders this node needs are resolved (a 512-node job list costs nothing, and a host that
// does not resolve only matters if it leads); one that does not resolve is passed on as it is, with a warning.
import { lookup } from "node:dns/promises";
import { jobHosts } from "../../core/launch/node-identity.ts";

async function addressOf(name: string, warnings: string[]): Promise<string> {
  try {
    return (await lookup(name)).address;
  } catch (error) {
    warnings.push(`cannot resolve ${name} (${(error as NodeJS.ErrnoException).code ?? error}); passing the name on to the engines`);
    return name;
  }
}

export async function resolveJobHosts(flag: string | undefined, env: Record<string, string | undefined>, job: { nodeCount: number; needed: readonly number[] }, warnings: string[]): Promise<{ leader?: string; nodes?: (string | undefined)[] }> {
  const hosts = jobHosts(flag, env, job.nodeCount);
  if (hosts.leader !== undefined) return { leader: await addressOf(hosts.leader, warnings) };
  if (hosts.nodes === undefined || job.needed.length === 0) return {};
  const nodes: (string | undefined)[] = [];
  await Promise.all(job.needed.map(async (rank) => {
    const name = hosts.nodes![rank];
    if (name !== undefined) nodes[rank] = await addressOf(name, warnings);
  }));
  return { nodes };
}
