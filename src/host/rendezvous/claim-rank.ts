// One owner per rank: a node claims its rank's key with a compare-and-set before it reserves anything. A
// rank whose record is final, invalid, or written by a berth that is gone (checked here, or silent for
// STALE_MS while berth watches) is taken over; a rank whose owner lives is refused (exit 3), naming it.
import { nodeKey } from "../../core/rendezvous/attempt.ts";
import { describeWriter, isFinal, parseNodeRecord, type NodeRecord } from "../../core/rendezvous/node-record.ts";
import { STALE_MS, WATCH_MS } from "../../core/rendezvous/timing.ts";
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { checkWriterHere } from "./record-writer.ts";
import type { RendezvousStore, StoredValue } from "./store.ts";

export interface ClaimedRank {
  key: string;
  /** The version this node's record is at: every later write compares against it. */
  version: string;
}

type Holder = { kind: "replace"; version: string } | { kind: "live"; record: NodeRecord } | { kind: "watch"; record: NodeRecord; version: string; value: string };

function judgeHolder(current: StoredValue): Holder {
  const parsed = parseNodeRecord(current.value);
  if (!parsed.ok || isFinal(parsed.record)) return { kind: "replace", version: current.version };
  const check = checkWriterHere(parsed.record.writer);
  if (check.kind === "dead") return { kind: "replace", version: current.version };
  if (check.kind === "alive") return { kind: "live", record: parsed.record };
  return { kind: "watch", record: parsed.record, version: current.version, value: current.value };
}

function heldMessage(record: NodeRecord, job: string): string {
  return `rank ${record.rank} of job ${job} (attempt ${record.attempt}) is held by ${describeWriter(record.writer)}, alive since its record of ${new Date(record.writtenAt).toISOString()}; two berths cannot run one rank: stop that one first, or give this one its own --node-rank`;
}

/**
 * A holder berth cannot check from here: alive if its record moves within STALE_MS, else gone. Resolves to
 * the version to replace, or "live", or "vanished" when the key went away meanwhile.
 */
async function watchHolder(store: RendezvousStore, key: string, first: { record: NodeRecord; version: string; value: string }, progress: (text: string) => void, stop?: AbortSignal): Promise<{ kind: "replace"; version: string } | { kind: "live" } | { kind: "vanished" }> {
  progress(`rank ${first.record.rank} is held by ${describeWriter(first.record.writer)}; watching its heartbeat (up to ${STALE_MS / 1000}s) before taking the rank over`);
  const until = Date.now() + STALE_MS;
  while (Date.now() < until && !stop?.aborted) {
    await Bun.sleep(WATCH_MS);
    const now = await store.get(key);
    if (!now) return { kind: "vanished" };
    if (now.version !== first.version || now.value !== first.value) return { kind: "live" }; // it moved, or another berth took it

  }
  return { kind: "replace", version: first.version };
}

export async function claimRank(store: RendezvousStore, job: string, attempt: string, rank: number, value: () => string, progress: (text: string) => void, stop?: AbortSignal): Promise<Outcome<ClaimedRank>> {
  const key = nodeKey(attempt, rank);
  let replacing: string | undefined;
  for (let round = 0; round < 32; round++) {
    const claimed = await store.claim(key, value(), replacing);
    if (claimed.ok) return succeeded({ key, version: claimed.version });
    replacing = undefined;
    if (!claimed.current) continue; // it went away meanwhile: claim it as new
    const holder = judgeHolder(claimed.current);
    if (holder.kind === "live") return refused(environmentRefusal(heldMessage(holder.record, job)));
    if (holder.kind === "replace") {
      replacing = holder.version;
      continue;
    }
    const watched = await watchHolder(store, key, holder, progress, stop);
    if (stop?.aborted) return refused(environmentRefusal("stopped before its servers started"));
    if (watched.kind === "live") return refused(environmentRefusal(heldMessage(holder.record, job)));
    if (watched.kind === "replace") replacing = watched.version;
  }
  return refused(environmentRefusal(`rank ${rank} of job ${job} kept changing owner in ${store.where}; is another berth claiming it in a loop?`));
}
