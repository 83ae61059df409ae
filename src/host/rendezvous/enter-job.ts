// Entering the job's rendezvous before anything is reserved: the store opened (an unreachable one retried
// for the grace, saying so), the attempt resolved, this node's rank claimed. From here on a refusal has a
// place to be published, so the trainer's `berth wait` and the other nodes learn of it within seconds.
import type { AttemptSource } from "../../core/rendezvous/attempt.ts";
import type { RendezvousChoice } from "../../core/rendezvous/location.ts";
import { WATCH_MS } from "../../core/rendezvous/timing.ts";
import { ENDED, type Ending } from "../../core/exit.ts";
import { environmentRefusal, refused, succeeded, type Outcome, type Refusal } from "../../core/refusal.ts";
import { claimRank } from "./claim-rank.ts";
import { removeDeadAttempts, resolveAttempt } from "./current-attempt.ts";
import { jobReader } from "./job-records.ts";
import { membership, type Membership } from "./membership.ts";
import { nodeRecordOf, type NodeFactsForRecord } from "./node-record-of.ts";
import { openStore } from "./open-store.ts";
import { ownWriter } from "./record-writer.ts";
import { storeTroubleReporter } from "./store-trouble.ts";
import { StoreRefused, type RendezvousStore } from "./store.ts";

export interface RendezvousRequest extends RendezvousChoice {
  /** A failed or vanished node of the job stops this one (--fail-together). */
  failTogether: boolean;
}

export interface NodeInJob {
  membership: Membership;
  attempt: AttemptSource;
  /** Stopped by a signal before its servers started: its record goes, as after a clean stop. */
  leaveStopped(reason: string, ending: Ending): Promise<void>;
  /** The plan gives this node no server: says so for good (readers count it as done) and leaves the store. */
  publishNothingToRun(node: { gpusPerNode: number; layout: string; serverCount: number; serverNodes: number[]; host: string }): Promise<void>;
  /** Publishes why this node will not start, for the trainer and the other nodes, and leaves the store. */
  publishRefusal(refusal: Refusal): Promise<void>;
}

/** Retries `step` while the store cannot be reached, for up to the grace; a StoreRefused (or a stop) is final. */
async function withinGrace<T>(request: RendezvousRequest, where: string, progress: (text: string) => void, step: () => Promise<T>, stop?: AbortSignal): Promise<Outcome<T>> {
  const trouble = storeTroubleReporter(where, request.graceMs, progress, "berth keeps trying before it reserves anything");
  for (;;) {
    if (stop?.aborted) return refused(environmentRefusal("stopped before its servers started"));
    try {
      const value = await step();
      trouble.worked();
      return succeeded(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof StoreRefused) return refused(environmentRefusal(message));
      const verdict = trouble.failed(message);
      if (verdict) return refused(environmentRefusal(verdict));
      await Bun.sleep(WATCH_MS);
    }
  }
}

export async function enterJob(request: RendezvousRequest, node: { rank: number; nodes: number; spec: string; healthPath: string }, progress: (text: string) => void, stop?: AbortSignal): Promise<Outcome<NodeInJob>> {
  const where = request.location.kind === "directory" ? `${request.location.path}/${request.job}` : `etcd ${request.location.endpoint}`;
  const warn = (message: string) => progress(`warning: ${message}`);
  const opened = await withinGrace(request, where, progress, () => openStore(request.location, request.job, { writer: true, sharedGid: request.sharedGid, warn }), stop);
  if (!opened.ok) return opened;
  const store: RendezvousStore = opened.value;
  const attempt = await withinGrace(request, where, progress, () => resolveAttempt(store, request.attempt), stop);
  if (!attempt.ok) return leaving(store, attempt);
  const facts: NodeFactsForRecord = { job: request.job, attempt: attempt.value.attempt, rank: node.rank, nodes: node.nodes, host: ownWriter().host, spec: node.spec, gpusPerNode: 0, layout: "", serverCount: 0, healthPath: node.healthPath };
  const reader = jobReader(store, request.job, attempt.value.attempt, warn, true);
  const value = () => JSON.stringify(nodeRecordOf(facts, [], { state: "starting", heartbeat: 0 }));
  const claimed = await withinGrace(request, where, progress, () => claimRank(store, request.job, attempt.value.attempt, node.rank, value, progress, stop), stop);
  if (!claimed.ok) return leaving(store, claimed);
  if (!claimed.value.ok) return leaving(store, claimed.value);
  const member = membership(store, reader, facts, claimed.value.value);
  // Earlier attempts' records go, in the background: they never decide anything for this one.
  void removeDeadAttempts(store, attempt.value.attempt).catch(() => undefined);
  return succeeded({
    membership: member,
    attempt: attempt.value,
    async leaveStopped(reason, ending) {
      await member.write([], { state: "stopped", reason, ending });
      await member.leave(false);
    },
    async publishNothingToRun(node) {
      Object.assign(member.facts, node);
      await member.write([], { state: "stopped", reason: "the plan gives this node no server", nothingToRun: true }, true);
      await member.leave(true);
    },
    async publishRefusal(refusal) {
      await member.write([], { state: "failed", reason: refusal.message, ending: ENDED[refusal.kind], followed: refusal.followed }, true);
      await member.leave(true);
    },
  });
}

async function leaving<T>(store: RendezvousStore, outcome: Outcome<unknown> & { ok: false }): Promise<Outcome<T>> {
  await store.close().catch(() => undefined);
  return outcome;
}
