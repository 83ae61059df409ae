// This node's record for the rendezvous, from what berth knows right now.
import type { NodeRecord, NodeState, ServerRecord } from "../../core/rendezvous/node-record.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";

export interface NodeFactsForRecord {
  rank: number;
  nodes: number;
  host: string;
  job: { spec: string; gpusPerNode: number; layout: string; serverCount: number };
}

function serverRecord(entry: SupervisedServer, host: string): ServerRecord {
  const ports = entry.placement.ports;
  return {
    index: entry.server.index,
    node: entry.placement.node,
    localIndex: entry.placement.localIndex,
    role: entry.role.role,
    state: entry.state,
    url: entry.launch.url,
    host,
    port: ports.http,
    ports: { first: ports.first, last: ports.last, dist: ports.dist },
    gpus: entry.gpus.map((gpu) => ({ index: gpu.index, uuid: gpu.uuid })),
  };
}

export function nodeRecordOf(facts: NodeFactsForRecord, servers: readonly SupervisedServer[], state: NodeState, heartbeat: number, reason?: string): NodeRecord {
  return {
    rank: facts.rank,
    nodes: facts.nodes,
    host: facts.host,
    pid: process.pid,
    spec: facts.job.spec,
    gpusPerNode: facts.job.gpusPerNode,
    layout: facts.job.layout,
    serverCount: facts.job.serverCount,
    state,
    ...(reason === undefined ? {} : { reason }),
    heartbeat,
    servers: servers.map((entry) => serverRecord(entry, facts.host)),
  };
}
