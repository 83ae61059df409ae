// Reading a job's node records, as every node's watch and `berth wait` do: each record with the reader's
// own time of its last heartbeat change, and the records that have vanished since they were seen.
import type { Observation } from "../../core/rendezvous/job-view.ts";
import type { NodeRecord } from "../../core/rendezvous/node-record.ts";
import type { RendezvousStore } from "./store.ts";

export const NODES_PREFIX = "nodes/";

export function nodeKey(rank: number): string {
  return `${NODES_PREFIX}${rank}`;
}

export interface JobReader {
  read(): Promise<{ observations: Observation[]; gone: NodeRecord[] }>;
}

export function jobReader(store: RendezvousStore): JobReader {
  const seen = new Map<number, Observation>();
  return {
    async read() {
      const now = Date.now();
      const current = new Map<number, NodeRecord>();
      for (const value of (await store.list(NODES_PREFIX)).values()) {
        try {
          const record = JSON.parse(value) as NodeRecord;
          current.set(record.rank, record);
        } catch {
          // a value from something that is not berth: ignored
        }
      }
      const gone = [...seen.values()].filter(({ record }) => !current.has(record.rank)).map(({ record }) => record);
      for (const record of gone) seen.delete(record.rank);
      for (const [rank, record] of current) {
        const before = seen.get(rank);
        const changed = !before || before.record.heartbeat !== record.heartbeat || before.record.pid !== record.pid;
        seen.set(rank, { record, changedAt: changed ? now : before.changedAt });
      }
      return { observations: [...seen.values()].sort((a, b) => a.record.rank - b.record.rank), gone };
    },
  };
}
