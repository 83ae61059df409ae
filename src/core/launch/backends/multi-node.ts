// What both engines need to span nodes: the node count, this node's rank within the server, and the
// leader's address (its rendezvous port is the dist port of the leader's block).
import { fail, ok, type Result } from "../../result.ts";
import type { PlannedServer, ServerPlacement } from "../../types.ts";
import type { LaunchContext } from "../launch-types.ts";

export interface Span {
  nodes: number;
  rank: number;
  leader: string;
  leaderPort: number;
}

/** Stands in for a member's leader until the leader publishes its address (the launch is rebuilt then, never run before). */
export const LEADER_NOT_PUBLISHED = "leader-not-yet-published.invalid";

/**
 * The address of a multi-node server's leader: what it published in the rendezvous, else the one named for
 * every server (--leader-addr, LWS), else its own first node's (server.node), not the job's first node; on
 * that node itself, its own advertised address.
 */
export function leaderAddressOf(server: PlannedServer, context: LaunchContext): string | undefined {
  const ownNode = context.nodeRank === server.node ? context.advertiseHost : undefined;
  return context.publishedLeader?.address ?? context.leaderAddress ?? context.nodeAddresses?.[server.node] ?? ownNode;
}

/** The server's leader is its own first node (server.node), not the job's: server 1 of d2t16 leads on node 2. */
export function spanOf(engine: string, server: PlannedServer, placement: ServerPlacement, context: LaunchContext): Result<Span> {
  const nodes = server.nodes!;
  const leader = leaderAddressOf(server, context) ?? (context.leaderFromRendezvous ? LEADER_NOT_PUBLISHED : undefined);
  if (!leader) {
    return fail({ code: "launch.no-leader", message: `${engine} server ${server.index} spans nodes ${nodes.join(",")}; berth needs its leader's address (node ${server.node}): pass --rendezvous (the leader publishes it there) or --leader-addr, or set LWS_LEADER_ADDRESS or SLURM_JOB_NODELIST` });
  }
  return ok({ nodes: nodes.length, rank: nodes.indexOf(placement.node), leader, leaderPort: context.publishedLeader?.dist ?? server.ports.dist });
}
