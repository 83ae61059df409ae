// The addresses of the job's nodes, for multi-node servers' leaders: the host names Slurm (or --leader-addr,
// LWS) gives, resolved here, so every engine gets an address it can dial without a resolver of its own. A
// name that does not resolve is passed on as it is, with a warning.
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

export async function resolveJobHosts(flag: string | undefined, env: Record<string, string | undefined>, nodeCount: number, warnings: string[]): Promise<{ leader?: string; nodes?: string[] }> {
  const hosts = jobHosts(flag, env, nodeCount);
  if (hosts.leader !== undefined) return { leader: await addressOf(hosts.leader, warnings) };
  if (hosts.nodes === undefined) return {};
  return { nodes: await Promise.all(hosts.nodes.map((name) => addressOf(name, warnings))) };
}
