// Reading one attempt's node records, as every node's watch and `berth wait` do: each value validated (one
// warning, naming it, for a record that is not one), each writer checked where this host can check it, and
// the reader's evidence kept across reads (core/rendezvous/liveness.ts). A failed read is trouble with the
// store, not news about any node.
import { nodesPrefix, parseNodeKey } from "../../core/rendezvous/attempt.ts";
import { newJobWatch, observeRead, observeTrouble, type JobWatch, type NodeSighting } from "../../core/rendezvous/liveness.ts";
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
}

export function jobReader(store: RendezvousStore, job: string, attempt: string, warn: (message: string) => void): JobReader {
  let watch = newJobWatch(Date.now());
  const warned = new Set<string>();
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
    return { record, version: value.version, check: checkWriterHere(record.writer) };
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
      const sightings = values.flatMap((value) => sighting(value) ?? []);
      watch = observeRead(watch, sightings, Date.now());
      return watch;
    },
    trouble() {
      watch = observeTrouble(watch, Date.now());
    },
  };
}
