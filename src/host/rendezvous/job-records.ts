// Reading one attempt's node records, as every node's watch and `berth wait` do: each value validated (one
// warning, naming it, for a record that is not one), each writer checked where this host can check it, and
// the reader's evidence kept across reads (core/rendezvous/liveness.ts). A failed read is trouble with the
// store, not news about any node.
import { nodesPrefix, parseNodeKey } from "../../core/rendezvous/attempt.ts";
import { newJobWatch, observeRead, observeTrouble, observeWorking, type JobWatch, type NodeSighting, type WriterCheck } from "../../core/rendezvous/liveness.ts";
import { parseNodeRecord } from "../../core/rendezvous/node-record.ts";
import { checkWriterHere } from "./record-writer.ts";
import type { RendezvousStore, StoredValue } from "./store.ts";

export interface JobReader {
  readonly attempt: string;
  readonly watch: JobWatch;
  /** One read of the attempt's records; throws what the store threw (the watch then counts it as trouble). */
  read(): Promise<JobWatch>;
  /** A write of this node's failed: the store is in trouble, and silence proves nothing until it works. */
  trouble(): void;
  /** A write of this node's went through: the store works again (a writer's reads alone do not say so). */
  working(): void;
}

/** `writer`: this reader's node also writes, and only its writes say the store works; else a read does. */
export function jobReader(store: RendezvousStore, job: string, attempt: string, warn: (message: string) => void, writer = false): JobReader {
  let watch = newJobWatch(Date.now());
  const warned = new Set<string>();
  const checks = new Map<string, WriterCheck>();
  const warnOnce = (value: StoredValue, why: string) => {
    const name = `${value.key}@${value.version}`;
    if (warned.has(name)) return;
    warned.add(name);
    warn(`ignoring the rendezvous record ${value.key} in ${store.where}: ${why}`);
  };
  const sighting = (value: StoredValue): NodeSighting | undefined => {
    const place = parseNodeKey(value.key);
    if (!place) return undefined;
    const parsed = parseNodeRecord(value.value);
    if (!parsed.ok) return void warnOnce(value, parsed.why);
    const { record } = parsed;
    if (record.rank !== place.rank || record.attempt !== place.attempt || record.job !== job) {
      return void warnOnce(value, `it says job ${record.job}, attempt ${record.attempt}, rank ${record.rank}, but is stored as job ${job}, attempt ${place.attempt}, rank ${place.rank}`);
    }
    const writerKey = `${record.writer.bootId}/${record.writer.pid}/${record.writer.startTicks}`;
    let check = checks.get(writerKey);
    if (!check) checks.set(writerKey, (check = checkWriterHere(record.writer)));
    return { record, version: value.version, check };
  };
  return {
    attempt,
    get watch() {
      return watch;
    },
    async read() {
      let values: StoredValue[];
      try {
        values = await store.list(nodesPrefix(attempt));
      } catch (error) {
        watch = observeTrouble(watch, Date.now());
        throw error;
      }
      checks.clear(); // a writer is checked once per read, however many records name it
      const sightings = values.flatMap((value) => sighting(value) ?? []);
      watch = observeRead(watch, sightings, Date.now());
      if (!writer) watch = observeWorking(watch, Date.now());
      return watch;
    },
    trouble() {
      watch = observeTrouble(watch, Date.now());
    },
    working() {
      watch = observeWorking(watch, Date.now());
    },
  };
}
