// This node's place in its job: the rank it claimed in one attempt, and the one writer of its record. Every
// write is a compare-and-set on the version the node holds, so a node whose rank another berth took over
// learns it at its next write (lost) instead of the two flipping the record between them. A record that
// vanished (an etcd lease that lapsed while etcd stalled) is claimed again. Writes never overlap.
import { describeWriter, parseNodeRecord } from "../../core/rendezvous/node-record.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import type { ClaimedRank } from "./claim-rank.ts";
import type { JobReader } from "./job-records.ts";
import { nodeRecordOf, type NodeFactsForRecord, type RecordState } from "./node-record-of.ts";
import { isOwnWriter } from "./record-writer.ts";
import { StoreRefused, type RendezvousStore } from "./store.ts";

export type WriteResult = { kind: "written" } | { kind: "lost"; message: string } | { kind: "trouble"; message: string };

export interface Membership {
  readonly store: RendezvousStore;
  readonly reader: JobReader;
  readonly facts: NodeFactsForRecord;
  /** Writes this node's record; `outlive`: it stays after berth is gone (a failure). */
  write(servers: readonly SupervisedServer[], state: Omit<RecordState, "heartbeat">, outlive?: boolean): Promise<WriteResult>;
  /** Removes this node's record (a clean end) and closes the store. */
  leave(keepRecord: boolean): Promise<void>;
}

export function membership(store: RendezvousStore, reader: JobReader, facts: NodeFactsForRecord, claimed: ClaimedRank): Membership {
  let version = claimed.version;
  let heartbeat = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const lostTo = (current: { value: string } | undefined): string => {
    const parsed = current ? parseNodeRecord(current.value) : undefined;
    const holder = parsed?.ok ? describeWriter(parsed.record.writer) : "another writer";
    return `rank ${facts.rank} of job ${facts.job} (attempt ${facts.attempt}) was taken over by ${holder} in ${store.where}`;
  };
  const writeOnce = async (text: string, outlive: boolean): Promise<WriteResult> => {
    try {
      let result = await store.update(claimed.key, text, version, { outlive });
      if (!result.ok && !result.current) result = await store.claim(claimed.key, text); // our record vanished: ours again
      if (result.ok) {
        version = result.version;
        return { kind: "written" };
      }
      const mine = result.current && parseNodeRecord(result.current.value);
      if (mine && mine.ok && isOwnWriter(mine.record.writer) && result.current) {
        version = result.current.version; // our own earlier write, seen late: write again on top of it
        return writeOnce(text, outlive);
      }
      return { kind: "lost", message: lostTo(result.current) };
    } catch (error) {
      if (error instanceof StoreRefused) return { kind: "lost", message: error.message };
      return { kind: "trouble", message: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    store,
    reader,
    facts,
    write(servers, state, outlive = false) {
      const text = JSON.stringify(nodeRecordOf(facts, servers, { ...state, heartbeat: ++heartbeat }));
      const written = queue.then(() => writeOnce(text, outlive));
      queue = written;
      return written;
    },
    async leave(keepRecord) {
      await queue;
      if (!keepRecord) await store.remove(claimed.key, version).catch(() => undefined);
      await store.close().catch(() => undefined);
    },
  };
}
