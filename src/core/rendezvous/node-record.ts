// What each node publishes in the rendezvous, one record per node, rewritten when anything changes and at
// every heartbeat: who it is, what it runs (so nodes launched differently are caught), and each server's
// state, address, real ports and GPUs. One record per node keeps a node's write rate flat however many
// nodes the job has.
import { fnv1a } from "../hash.ts";
import type { Plan } from "../types.ts";

export type NodeState = "starting" | "running" | "failed" | "stopped";

export interface ServerRecord {
  index: number;
  /** The node it runs on (a multi-node server's leader publishes it with its own node). */
  node: number;
  localIndex: number;
  role: "single" | "leader" | "member";
  state: string;
  /** Empty for members (they serve no HTTP). */
  url: string;
  host: string;
  port: number;
  ports: { first: number; last: number; dist: number };
  gpus: { index: number; uuid: string }[];
}

export interface NodeRecord {
  rank: number;
  nodes: number;
  host: string;
  pid: number;
  spec: string;
  gpusPerNode: number;
  /** The GPU layout of the whole plan, ports left out: port pools may differ between nodes. */
  layout: string;
  /** How many servers the whole job has. */
  serverCount: number;
  state: NodeState;
  /** Why it failed, or what stopped it. */
  reason?: string;
  /** It failed only because another node did (--fail-together): not the cause to report. */
  followed?: boolean;
  /** Counts up at every write: a reader that sees it stand still (on its own clock) knows the node is gone. */
  heartbeat: number;
  servers: ServerRecord[];
}

export function layoutDigest(plan: Plan): string {
  return fnv1a(JSON.stringify(plan.servers.map((server) => [server.index, server.backend, server.node, server.nodes ?? null, server.gpus, server.tp, server.pp])));
}

/** Why this node cannot join a job whose other nodes published `others`, naming both sides; undefined if it can. */
export function incompatibility(mine: NodeRecord, others: readonly NodeRecord[]): string | undefined {
  for (const other of others) {
    if (other.rank === mine.rank) continue;
    const theirs = `node ${other.rank} (${other.host}) runs ${JSON.stringify(other.spec)} on ${other.nodes} node(s) × ${other.gpusPerNode} GPUs`;
    const ours = `this node ${JSON.stringify(mine.spec)} on ${mine.nodes} node(s) × ${mine.gpusPerNode} GPUs`;
    if (other.spec !== mine.spec || other.nodes !== mine.nodes || other.gpusPerNode !== mine.gpusPerNode) return `${theirs}, but ${ours}; every node of a job must be launched alike`;
    if (other.layout !== mine.layout) return `${theirs} with GPU layout ${other.layout}, but this node's is ${mine.layout}; every node of a job must be launched alike`;
  }
  return undefined;
}
