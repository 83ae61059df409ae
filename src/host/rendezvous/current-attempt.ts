// Which attempt of the job this launch belongs to. Named ones (--attempt, Slurm's job id and restart count)
// are used as they are; otherwise the store's current-attempt key decides: its attempt while any of its nodes
// lives (this launch is one more node of it), else a new attempt, set with a compare-and-set so that nodes
// starting together agree on one. Either way the key ends up naming a live attempt, for `berth wait`.
import { CURRENT_ATTEMPT_KEY, derivedAttemptName, nodesPrefix, parseCurrentAttempt, type AttemptSource } from "../../core/rendezvous/attempt.ts";
import { isFinal, parseNodeRecord, type NodeRecord } from "../../core/rendezvous/node-record.ts";
import { HEARTBEAT_MS, STALE_MS } from "../../core/rendezvous/timing.ts";
import { checkWriterHere, ownWriter } from "./record-writer.ts";
import type { RendezvousStore, StoredValue } from "./store.ts";

/** A record written this long ago by a writer berth cannot check is not worth watching for a heartbeat. */
const LONG_SILENT_MS = 60 * 60_000;

async function liveRecords(store: RendezvousStore, attempt: string): Promise<{ alive: boolean; unsure: NodeRecord[] }> {
  const records = (await store.list(nodesPrefix(attempt))).flatMap((value) => {
    const parsed = parseNodeRecord(value.value);
    return parsed.ok && !isFinal(parsed.record) ? [parsed.record] : [];
  });
  const checks = records.map((record) => ({ record, check: checkWriterHere(record.writer) }));
  const unsure = checks.filter(({ record, check }) => check.kind === "unknown" && Date.now() - record.writtenAt < LONG_SILENT_MS).map(({ record }) => record);
  return { alive: checks.some(({ check }) => check.kind === "alive"), unsure };
}

/** Whether any node of the attempt lives: checked here, or its heartbeat seen moving within a heartbeat or so. */
export async function attemptLives(store: RendezvousStore, attempt: string): Promise<boolean> {
  const first = await liveRecords(store, attempt);
  if (first.alive) return true;
  if (first.unsure.length === 0) return false;
  await Bun.sleep(HEARTBEAT_MS + 500);
  const second = await liveRecords(store, attempt);
  return second.alive || second.unsure.some((record) => first.unsure.some((before) => before.rank === record.rank && before.heartbeat !== record.heartbeat));
}

function pointerValue(attempt: string): string {
  const writer = ownWriter();
  return JSON.stringify({ attempt, createdAt: Date.now(), by: `berth pid ${writer.pid} on ${writer.host}` });
}

function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(3)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The attempt the current-attempt key names, if it is one, and when it was set (on its setter's clock). */
export async function currentAttempt(store: RendezvousStore): Promise<{ attempt?: string; createdAt?: number; stored?: StoredValue }> {
  const stored = await store.get(CURRENT_ATTEMPT_KEY);
  const parsed = stored ? parseCurrentAttempt(stored.value) : undefined;
  return { attempt: parsed?.attempt, createdAt: parsed?.createdAt, stored };
}

/**
 * An attempt to join: one of whose nodes lives, or one begun less than STALE_MS ago (its first nodes may be
 * claiming their ranks, or have failed already: a node of the same launch that starts a moment later must
 * join it and learn of that failure, not begin an attempt of its own and wait for nodes that will never come).
 */
async function joinable(store: RendezvousStore, current: { attempt?: string; createdAt?: number }): Promise<boolean> {
  if (current.attempt === undefined) return false;
  if (current.createdAt !== undefined && Math.abs(Date.now() - current.createdAt) < STALE_MS) return true;
  return attemptLives(store, current.attempt);
}

/** Points the current-attempt key at `attempt` unless it names another attempt that still lives. */
async function pointAt(store: RendezvousStore, attempt: string, current: { attempt?: string; createdAt?: number; stored?: StoredValue }): Promise<void> {
  if (current.attempt === attempt) return;
  if (await joinable(store, current)) return;
  await store.claim(CURRENT_ATTEMPT_KEY, pointerValue(attempt), current.stored?.version, { outlive: true });
}

export async function resolveAttempt(store: RendezvousStore, named: AttemptSource | undefined): Promise<AttemptSource> {
  const current = await currentAttempt(store);
  if (named) {
    await pointAt(store, named.attempt, current);
    return named;
  }
  if (await joinable(store, current)) return { attempt: current.attempt!, from: "the rendezvous's current attempt" };
  const attempt = derivedAttemptName(new Date(), randomHex());
  const set = await store.claim(CURRENT_ATTEMPT_KEY, pointerValue(attempt), current.stored?.version, { outlive: true });
  if (set.ok) return { attempt, from: "a new attempt (no node of the last one lives)" };
  // Another node of this launch set it between our read and our write: its attempt is this launch's too.
  const theirs = set.current ? parseCurrentAttempt(set.current.value)?.attempt : undefined;
  if (theirs === undefined) throw new Error(`the current attempt in ${store.where} changed under berth and cannot be read`);
  return { attempt: theirs, from: "the attempt another node of this launch began" };
}

/** Every earlier attempt's records, where none of its nodes lives: a new attempt clears them away. */
export async function removeDeadAttempts(store: RendezvousStore, keep: string): Promise<string[]> {
  const attempts = new Set((await store.list("attempts/")).map((value) => value.key.split("/")[1]!).filter((attempt) => attempt !== keep));
  const removed: string[] = [];
  for (const attempt of attempts) {
    if (await attemptLives(store, attempt)) continue;
    await store.remove(`attempts/${attempt}/`);
    removed.push(attempt);
  }
  return removed;
}
