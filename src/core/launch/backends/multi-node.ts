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

export function spanOf(engine: string, server: PlannedServer, placement: ServerPlacement, context: LaunchContext): Result<Span> {
  const nodes = server.nodes!;
  if (!context.leaderAddress) {
    return fail({ code: "launch.no-leader", message: `${engine} server ${server.index} spans nodes ${nodes.join(",")}; berth needs the leader's address: pass --leader-addr, or set LWS_LEADER_ADDRESS or SLURM_JOB_NODELIST` });
  }
  return ok({ nodes: nodes.length, rank: nodes.indexOf(placement.node), leader: context.leaderAddress, leaderPort: server.ports.dist });
}
