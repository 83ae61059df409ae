// The `berth plan --json` shape. Field names here are a contract with users' scripts; add, never rename.
import type { Plan, PlannedServer } from "../types.ts";
import { serversOnNode } from "./servers-on-node.ts";

function serverJson(server: PlannedServer) {
  const json: Record<string, unknown> = {
    index: server.index,
    backend: server.backend,
    name: server.name ?? null,
    replica: server.replica,
    node: server.node,
    localIndex: server.localIndex,
    gpus: server.gpus,
    globalGpus: server.globalGpus,
    tp: server.tp,
    pp: server.pp,
    ports: server.ports,
  };
  // Assigned, not spread: an object spread per server is a slow path in cold code (`berth plan` runs once).
  if (server.nodes) {
    json.nodes = server.nodes;
    json.placements = server.placements;
  }
  return json;
}

export function planJson(plan: Plan, options: { nodeRank?: number; warnings: string[] }) {
  const onNode = <T extends { node: number }>(items: T[]) => (options.nodeRank === undefined ? items : items.filter((item) => item.node === options.nodeRank));
  // With --node-rank, each server as this node runs it: its placement here (a member's node, local index and
  // ports, not its leader's), with its role and its leader's node.
  const servers = options.nodeRank === undefined
    ? plan.servers.map(serverJson)
    : serversOnNode(plan, options.nodeRank).map(({ server, placement }) => {
        const json = serverJson(server);
        json.node = placement.node;
        json.localIndex = placement.localIndex;
        json.ports = placement.ports;
        json.role = !server.nodes ? "single" : placement.node === server.node ? "leader" : "member";
        json.leaderNode = server.node;
        return json;
      });
  return {
    spec: plan.spec,
    nodes: plan.nodes,
    gpusPerNode: plan.gpusPerNode,
    portPool: plan.portPool,
    ...(options.nodeRank === undefined ? {} : { nodeRank: options.nodeRank }),
    servers,
    training: onNode(plan.training).map((entry) => ({ ...entry, name: entry.name ?? null })),
    unusedGpus: onNode(plan.unusedGpus),
    warnings: options.warnings,
  };
}
