// What each node publishes in the rendezvous, one record per node and attempt, rewritten when anything
// changes and at every heartbeat: who wrote it (host, boot, pid and start time, so a reader can check a
// writer it can see), when, which attempt of the job it belongs to, what it runs (so nodes launched
// differently are caught), and each server's state, address, real ports and GPUs. A record is a claim, not a
// fact: readers validate it (parseNodeRecord) and judge liveness on their own evidence (liveness.ts).
import * as v from "valibot";
import { fnv1a } from "../hash.ts";
import type { Plan } from "../types.ts";

export type NodeState = "starting" | "running" | "failed" | "stopped";

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));

const ServerRecordSchema = v.object({
  index: Count,
  node: Count,
  localIndex: Count,
  role: v.picklist(["single", "leader", "member"]),
  state: Text(32),
  /** Empty for members (they serve no HTTP). */
  url: v.union([v.literal(""), v.pipe(v.string(), v.maxLength(300), v.regex(/^http:\/\/[^\s/]+$/))]),
  host: Text(255),
  port: Port,
  ports: v.object({ first: Port, last: Port, dist: Port }),
  gpus: v.pipe(v.array(v.object({ index: Count, uuid: Text(100) })), v.maxLength(1024)),
});

/** Who wrote a record: enough for a reader on the same boot and pid namespace to check it is still alive. */
const WriterSchema = v.object({
  host: Text(255),
  /** /proc/sys/kernel/random/boot_id: the same host, this boot. */
  bootId: Text(64),
  pid: v.pipe(Count, v.minValue(1)),
  startTicks: Count,
  pidNamespace: v.optional(Text(64)),
  uid: Count,
});

const NodeRecordSchema = v.object({
  job: Text(128),
  attempt: Text(128),
  rank: Count,
  nodes: v.pipe(Count, v.minValue(1), v.maxValue(4096)),
  /** The address the node advertises: what members dial for a multi-node leader. */
  host: Text(255),
  spec: Text(4096),
  gpusPerNode: Count,
  /** The GPU layout of the whole plan, ports left out: port pools may differ between nodes. */
  layout: Text(16),
  /** How many servers the whole job has. */
  serverCount: Count,
  state: v.picklist(["starting", "running", "failed", "stopped"]),
  /** Why it failed, or what stopped it. */
  reason: v.optional(Text(2000)),
  /** The exit status of a node that failed. */
  exitCode: v.optional(Count),
  /** It failed only because another node did (--fail-together): not the cause to report. */
  followed: v.optional(v.boolean()),
  /** The plan puts no server on this node: it is done (stopped), and the job needs nothing more of it. */
  nothingToRun: v.optional(v.boolean()),
  /** Counts up at every write: a reader that sees it move (on its own clock) has seen the node alive. */
  heartbeat: Count,
  /** The writer's wall clock at this write, in ms: only ever a hint (clocks differ between hosts). */
  writtenAt: Count,
  writer: WriterSchema,
  /** The first health path, which a reader may ask each server itself. */
  healthPath: v.optional(v.union([v.literal(""), v.pipe(v.string(), v.maxLength(200), v.regex(/^\/\S*$/))])),
  servers: v.pipe(v.array(ServerRecordSchema), v.maxLength(65536)),
});

export type ServerRecord = v.InferOutput<typeof ServerRecordSchema>;
export type RecordWriter = v.InferOutput<typeof WriterSchema>;
export type NodeRecord = v.InferOutput<typeof NodeRecordSchema>;

/** A record read from a store, checked: the record, or why it is not one (one line). */
export function parseNodeRecord(text: string): { ok: true; record: NodeRecord } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, why: "not JSON" };
  }
  const parsed = v.safeParse(NodeRecordSchema, value);
  if (parsed.success) return { ok: true, record: parsed.output };
  const issue = parsed.issues[0];
  const path = issue.path?.map((item) => String(item.key)).join(".") ?? "the record";
  return { ok: false, why: `${path}: ${issue.message}` };
}

export function layoutDigest(plan: Plan): string {
  return fnv1a(JSON.stringify(plan.servers.map((server) => [server.index, server.backend, server.node, server.nodes ?? null, server.gpus, server.tp, server.pp])));
}

export function describeWriter(writer: RecordWriter): string {
  return `berth pid ${writer.pid} on ${writer.host}`;
}

/** Why this node cannot join a job whose other live nodes published `others`, naming both sides; undefined if it can. */
export function incompatibility(mine: NodeRecord, others: readonly NodeRecord[]): string | undefined {
  for (const other of others) {
    if (other.rank === mine.rank) continue;
    const theirs = `node ${other.rank} (${other.host}, ${describeWriter(other.writer)}) runs ${JSON.stringify(other.spec)} on ${other.nodes} node(s) × ${other.gpusPerNode} GPUs`;
    const ours = `this node ${JSON.stringify(mine.spec)} on ${mine.nodes} node(s) × ${mine.gpusPerNode} GPUs`;
    if (other.spec !== mine.spec || other.nodes !== mine.nodes || other.gpusPerNode !== mine.gpusPerNode) return `${theirs}, but ${ours}; every node of a job attempt must be launched alike`;
    if (other.layout !== mine.layout) return `${theirs} with GPU layout ${other.layout}, but this node's is ${mine.layout}; every node of a job attempt must be launched alike`;
  }
  return undefined;
}

/** A node record that says the node is done: its final word, kept for readers. */
export function isFinal(record: NodeRecord): boolean {
  return record.state === "failed" || record.state === "stopped";
}
