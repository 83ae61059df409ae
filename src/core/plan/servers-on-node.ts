// One node's slice of a plan: each server present there with its placement on that node, in local order.
import type { Plan, PlannedServer, ServerPlacement } from "../types.ts";

export interface ServerOnNode {
  server: PlannedServer;
  placement: ServerPlacement;
}

export function serversOnNode(plan: Pick<Plan, "servers">, node: number): ServerOnNode[] {
  return plan.servers
    .flatMap((server) => server.placements.filter((placement) => placement.node === node).map((placement) => ({ server, placement })))
    .sort((a, b) => a.placement.localIndex - b.placement.localIndex);
}
