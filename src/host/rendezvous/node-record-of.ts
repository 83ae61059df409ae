// This node's record for the rendezvous, from what berth knows right now.
import { exitStatus, type Ending } from "../../core/exit.ts";
import type { NodeRecord, NodeState, ServerRecord } from "../../core/rendezvous/node-record.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { ownWriter } from "./record-writer.ts";
import { describeHealthCheck, describeLastExit } from "../../core/observe/server-observations.ts";

/** What stays the same in every record this node writes (the layout is known once the node is planned). */
export interface NodeFactsForRecord {
  job: string;
  attempt: string;
  rank: number;
  nodes: number;
  host: string;
  spec: string;
  gpusPerNode: number;
  layout: string;
  serverCount: number;
  /** The nodes the plan puts servers on (unknown until planned). */
  serverNodes?: number[];
  healthPath: string;
}

export interface RecordState {
  state: NodeState;
  heartbeat: number;
  reason?: string;
  /** How this node ends: published as the status berth exits with, so that the others can follow it. */
  ending?: Ending;
  followed?: boolean;
  nothingToRun?: boolean;
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
    restarts: entry.restarts,
    inStateMs: Math.max(0, Date.now() - entry.since),
    ...(entry.health ? { health: describeHealthCheck(entry.health) } : {}),
    ...(entry.lastExit ? { lastExit: describeLastExit(entry.lastExit) } : {}),
  };
}

export function nodeRecordOf(facts: NodeFactsForRecord, servers: readonly SupervisedServer[], state: RecordState): NodeRecord {
  return {
    job: facts.job,
    attempt: facts.attempt,
    rank: facts.rank,
    nodes: facts.nodes,
    host: facts.host,
    spec: facts.spec,
    gpusPerNode: facts.gpusPerNode,
    layout: facts.layout,
    serverCount: facts.serverCount,
    ...(facts.serverNodes ? { serverNodes: facts.serverNodes } : {}),
    state: state.state,
    ...(state.reason === undefined ? {} : { reason: state.reason.slice(0, 2000) }),
    ...(state.ending === undefined ? {} : { exitCode: exitStatus(state.ending) }),
    ...(state.followed ? { followed: true } : {}),
    ...(state.nothingToRun ? { nothingToRun: true } : {}),
    heartbeat: state.heartbeat,
    writtenAt: Date.now(),
    writer: ownWriter(),
    healthPath: facts.healthPath,
    servers: servers.map((entry) => serverRecord(entry, facts.host)),
  };
}
