// Whether a node of the job is alive, judged on evidence this reader has itself seen, never on what a
// record says of itself (as torch elastic's rendezvous and etcd leases do): its heartbeat moving between two
// of this reader's reads, or its writer checked alive here (same boot and pid namespace). A node seen alive
// that then stays silent past STALE_MS has vanished; one never seen alive is a leftover (stale), which a
// reader waits past rather than reports. Time the store was unreachable counts for no node: an unreachable
// store is not a vanished node.
import { isFinal, type NodeRecord } from "./node-record.ts";

/** What the host could check of a record's writer: on this boot and in this pid namespace, whether it runs. */
export type WriterCheck = { kind: "alive" } | { kind: "dead"; why: string } | { kind: "unknown" };

export interface NodeSighting {
  record: NodeRecord;
  /** The store's version of the record (a generation, an etcd revision). */
  version: string;
  check: WriterCheck;
}

export interface NodeWatch {
  record: NodeRecord;
  version: string;
  /** This reader's clock when the record last changed (its writer or heartbeat), or was first seen. */
  sameSince: number;
  /** This reader's clock when it last had evidence of life; undefined while it has none. */
  aliveAt?: number;
  /** Ever seen alive: a node seen alive that goes silent has vanished; one never seen is a leftover. */
  seenAlive: boolean;
  /** Its writer is dead by a check made here. */
  deadBecause?: string;
  /** Its record is no longer in the store. */
  gone: boolean;
}

export interface JobWatch {
  nodes: Map<number, NodeWatch>;
  /** Successful reads so far: a record that first shows up after the first was written while this reader watched. */
  reads: number;
  /** This reader's clock when the store last came back (or was first read): silence before it proves nothing. */
  storeSince: number;
  /** Since when the store has failed (a read or a write); undefined while it works. */
  troubleSince?: number;
}

export function newJobWatch(now: number): JobWatch {
  return { nodes: new Map(), storeSince: now, reads: 0 };
}

function sameWrite(a: NodeRecord, b: NodeRecord): boolean {
  return a.heartbeat === b.heartbeat && a.writer.pid === b.writer.pid && a.writer.bootId === b.writer.bootId && a.writer.startTicks === b.writer.startTicks && a.state === b.state;
}

/**
 * `watching`: this reader has read the store before. A record (or a writer) it had not seen then was written
 * since, by a writer alive at that time: evidence of life, even if the writer has died by now (a node that
 * dies between two reads has vanished, it is no leftover).
 */
function watchOf(previous: NodeWatch | undefined, sighting: NodeSighting, now: number, watching: boolean): NodeWatch {
  const { record, version, check } = sighting;
  const moved = previous !== undefined && !previous.gone && !sameWrite(previous.record, record);
  const sameWriter = previous !== undefined && previous.record.writer.pid === record.writer.pid && previous.record.writer.bootId === record.writer.bootId && previous.record.writer.startTicks === record.writer.startTicks;
  const base = previous && sameWriter ? previous : undefined;
  const writtenWhileWatching = watching && (previous === undefined || previous.gone || !sameWriter);
  const alive = check.kind === "alive" || moved || (writtenWhileWatching && check.kind !== "dead");
  return {
    record,
    version,
    sameSince: !previous || moved || !sameWriter ? now : previous.sameSince,
    aliveAt: alive ? now : base?.aliveAt,
    seenAlive: alive || writtenWhileWatching || (base?.seenAlive ?? false),
    deadBecause: check.kind === "dead" ? check.why : undefined,
    gone: false,
  };
}

/** One successful read of the attempt's records: what moved, what is new, what has gone. */
export function observeRead(watch: JobWatch, sightings: readonly NodeSighting[], now: number): JobWatch {
  const nodes = new Map<number, NodeWatch>();
  for (const sighting of sightings) nodes.set(sighting.record.rank, watchOf(watch.nodes.get(sighting.record.rank), sighting, now, watch.reads > 0));
  for (const [rank, previous] of watch.nodes) if (!nodes.has(rank)) nodes.set(rank, { ...previous, gone: true });
  return { ...watch, nodes, reads: watch.reads + 1 };
}

/** A read or write failed: from now until the store works again, silence counts against nobody. */
export function observeTrouble(watch: JobWatch, now: number): JobWatch {
  return watch.troubleSince === undefined ? { ...watch, troubleSince: now } : watch;
}

/**
 * The store works again, for what this reader needs of it: a read for `berth wait`, a write for a node (a
 * store remounted read-only still reads, but no node can heartbeat through it). Silence counts from now.
 */
export function observeWorking(watch: JobWatch, now: number): JobWatch {
  return watch.troubleSince === undefined ? watch : { ...watch, storeSince: now, troubleSince: undefined };
}

export type NodeJudgement =
  | { kind: "alive" }
  /** Not yet judged: no evidence either way (a reader needs a heartbeat, up to HEARTBEAT_MS). */
  | { kind: "judging" }
  /** Its final record: stopped or failed. */
  | { kind: "final" }
  /** Seen alive, now silent or dead: the job has lost it. */
  | { kind: "vanished"; why: string }
  /** Never seen alive here: a leftover of a run that is over, waited past until a live node takes its place. */
  | { kind: "stale"; why: string };

function silence(watch: NodeWatch, since: number, now: number): string {
  const seconds = Math.round((now - since) / 1000);
  return watch.gone ? `its record has been gone from the rendezvous for ${seconds}s` : `no heartbeat for ${seconds}s`;
}

export function judgeNode(node: NodeWatch, job: JobWatch, now: number, staleMs: number): NodeJudgement {
  if (job.troubleSince !== undefined && !node.deadBecause) return node.aliveAt !== undefined ? { kind: "alive" } : { kind: "judging" };
  if (isFinal(node.record) && !node.gone) return { kind: "final" };
  if (node.deadBecause) return node.seenAlive ? { kind: "vanished", why: node.deadBecause } : { kind: "stale", why: node.deadBecause };
  if (node.gone && isFinal(node.record)) return { kind: "final" };
  const since = Math.max(node.aliveAt ?? node.sameSince, job.storeSince);
  if (now - since <= staleMs) return node.aliveAt !== undefined && !node.gone ? { kind: "alive" } : { kind: "judging" };
  return node.seenAlive ? { kind: "vanished", why: silence(node, since, now) } : { kind: "stale", why: silence(node, since, now) };
}
