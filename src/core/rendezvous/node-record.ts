// What each node publishes in the rendezvous, one record per node and attempt, rewritten when anything
// changes and at every heartbeat: who wrote it (host, boot, pid and start time, so a reader can check a
// writer it can see), when, which attempt of the job it belongs to, what it runs (so nodes launched
// differently are caught), and each server's state, address, real ports and GPUs. A record is a claim, not a
// fact: readers validate it (parseNodeRecord) and judge liveness on their own evidence (liveness.ts).
import { fnv1a } from "../hash.ts";
import { count, fieldsProblem, flag, matches, oneOf, parseJson, text, within, type Check, type Fields } from "../record-checks.ts";
import type { Plan } from "../types.ts";

export type NodeState = "starting" | "running" | "failed" | "stopped";

/** One server of a record, as readers use it. */
export interface ServerRecord {
  index: number;
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
  /** What its writer has seen of it (status --job, wait's progress); absent in records of older berths. */
  restarts?: number;
  /** How long it had been in its state when the record was written (the writer's clock only measures it). */
  inStateMs?: number;
  /** Its last health check in words: "200 in 3 ms", "connection refused", "HTTP 503". */
  health?: string;
  /** How its previous process ended, in words: "code 1", "SIGKILL". */
  lastExit?: string;
}

/** Who wrote a record: enough for a reader on the same boot and pid namespace to check it is still alive. */
export interface RecordWriter {
  host: string;
  /** /proc/sys/kernel/random/boot_id: the same host, this boot. */
  bootId: string;
  pid: number;
  startTicks: number;
  pidNamespace?: string;
  uid: number;
}

export interface NodeRecord {
  job: string;
  attempt: string;
  rank: number;
  nodes: number;
  /** The address the node advertises: what members dial for a multi-node leader. */
  host: string;
  spec: string;
  gpusPerNode: number;
  /** The GPU layout of the whole plan, ports left out: port pools may differ between nodes ("" until planned). */
  layout: string;
  /** How many servers the whole job has. */
  serverCount: number;
  /** The nodes the plan puts servers on: the job is ready without the others (a trainer's node). */
  serverNodes?: number[];
  state: NodeState;
  /** Why it failed, or what stopped it. */
  reason?: string;
  /** The exit status of a node that ended. */
  exitCode?: number;
  /** It failed only because another node did (--fail-together): not the cause to report. */
  followed?: boolean;
  /** The plan puts no server on this node: it is done (stopped), and the job needs nothing more of it. */
  nothingToRun?: boolean;
  /** Counts up at every write: a reader that sees it move (on its own clock) has seen the node alive. */
  heartbeat: number;
  /** The writer's wall clock at this write, in ms: only ever a hint (clocks differ between hosts). */
  writtenAt: number;
  writer: RecordWriter;
  /** The first health path, which a reader may ask each server itself. */
  healthPath?: string;
  servers: ServerRecord[];
}

const URL_FORM = /^http:\/\/[^\s/]+$/;
const isCount = (value: unknown): boolean => typeof value === "number" && Number.isInteger(value) && value >= 0;
const isPort = (value: unknown): boolean => typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
const isShort = (value: unknown, max: number): boolean => typeof value === "string" && value.length <= max;

/** One server, in straight code: there are thousands of them (the tables below serve the rest). */
function serverProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "not an object";
  const server = value as Partial<Record<keyof ServerRecord, unknown>>;
  if (!isCount(server.index) || !isCount(server.node) || !isCount(server.localIndex)) return "index, node or localIndex: not a whole number";
  if (server.role !== "single" && server.role !== "leader" && server.role !== "member") return "role: not single, leader or member";
  if (!isShort(server.state, 32) || !isShort(server.host, 255)) return "state or host: not a short text";
  if (!isShort(server.url, 300) || (server.url !== "" && !URL_FORM.test(server.url as string))) return "url: not http://host:port";
  const ports = server.ports as Record<string, unknown> | null | undefined;
  if (!isPort(server.port) || typeof ports !== "object" || ports === null || !isPort(ports.first) || !isPort(ports.last) || !isPort(ports.dist)) return "port or ports: not ports";
  const gpus = server.gpus;
  if (!Array.isArray(gpus) || gpus.length > 1024) return "gpus: not a list";
  for (let index = 0; index < gpus.length; index++) {
    const gpu = gpus[index] as Record<string, unknown> | null;
    if (typeof gpu !== "object" || gpu === null || !isCount(gpu.index) || !isShort(gpu.uuid, 100)) return "gpus: not index and uuid";
  }
  return observedProblem(server);
}

function observedProblem(server: Partial<Record<keyof ServerRecord, unknown>>): string | undefined {
  if (server.restarts !== undefined && !isCount(server.restarts)) return "restarts: not a whole number";
  if (server.inStateMs !== undefined && !isCount(server.inStateMs)) return "inStateMs: not a whole number";
  if (server.health !== undefined && !isShort(server.health, 160)) return "health: not a short text";
  if (server.lastExit !== undefined && !isShort(server.lastExit, 32)) return "lastExit: not a short text";
  return undefined;
}
const WRITER_FIELDS: Fields = { host: text(255), bootId: text(64), pid: within(1, 2 ** 32), startTicks: count, uid: count };
const RECORD_FIELDS: Fields = {
  job: text(128), attempt: text(128), rank: within(0, 4095), nodes: within(1, 4096), host: text(255), spec: text(4096), gpusPerNode: count,
  layout: text(16), serverCount: count, state: oneOf("starting", "running", "failed", "stopped"), heartbeat: count, writtenAt: count,
};
const nodeList: Check = (value) => Array.isArray(value) && value.length <= 4096 && value.every(within(0, 4095));
const RECORD_OPTIONAL: Fields = { reason: text(2000), exitCode: count, followed: flag, nothingToRun: flag, healthPath: matches(200, /^\/\S*$/), serverNodes: nodeList };

function recordProblem(value: unknown): string | undefined {
  const top = fieldsProblem(value, RECORD_FIELDS, RECORD_OPTIONAL);
  if (top) return top;
  const record = value as { writer: unknown; servers: unknown };
  const writer = fieldsProblem(record.writer, WRITER_FIELDS, { pidNamespace: text(64) }, "writer.");
  if (writer) return writer;
  if (!Array.isArray(record.servers) || record.servers.length > 65536) return "servers: not a list";
  for (let position = 0; position < record.servers.length; position++) {
    const problem = serverProblem(record.servers[position]);
    if (problem) return `servers.${position}.${problem}`;
  }
  return undefined;
}

/** A record read from a store, checked: the record, or why it is not one (one line). */
export function parseNodeRecord(text: string): { ok: true; record: NodeRecord } | { ok: false; why: string } {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const problem = recordProblem(parsed.value);
  return problem ? { ok: false, why: problem } : { ok: true, record: parsed.value as NodeRecord };
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
