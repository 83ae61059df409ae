// A node's presence in its job while `berth run` supervises: its record rewritten on every change (changes
// that come while a write is under way are folded into the next) and at every heartbeat, the other nodes
// read every WATCH_MS, and with --fail-together a node of the job that failed, stopped or vanished stops
// this one too. A store that cannot be reached is not a failure: the servers keep running, berth says so
// every 10 s, and only after --rendezvous-grace does it give up (exit 3). At the end a clean stop's record
// is left for the other nodes' watches for a moment, then removed; a failure's record stays for readers.
import { ENDED, type Ending } from "../../core/exit.ts";
import { viewJob } from "../../core/rendezvous/job-view.ts";
import { judgeNode } from "../../core/rendezvous/liveness.ts";
import type { NodeRecord, NodeState } from "../../core/rendezvous/node-record.ts";
import { HEARTBEAT_MS, STALE_MS, WATCH_MS } from "../../core/rendezvous/timing.ts";
import { beginStop } from "../supervise/stop-servers.ts";
import type { Companion } from "../supervise/companion.ts";
import type { SupervisorRun } from "../supervise/supervisor-run.ts";
import { every } from "../timers.ts";
import type { Membership, WriteResult } from "./membership.ts";
import { storeTroubleReporter, type StoreTrouble } from "./store-trouble.ts";

/** How long a clean stop's final record stays for the other nodes' watches (a few of their reads). */
const FINAL_RECORD_MS = 4 * WATCH_MS;

export interface PresenceOptions {
  membership: Membership;
  failTogether: boolean;
  /** --rendezvous-grace: how long the store may stay unreachable before this node gives up. */
  graceMs: number;
  /** A node of the job vanished: what it published elsewhere (AReaL's entries) is withdrawn. */
  withdraw?(record: NodeRecord): void;
}

/** What the other nodes made this one do: follow a failure, or a stop (a scheduler's signal, not a failure). */
interface Following {
  reason?: string;
  stop: boolean;
}

/** Why this node failed, in words; the record carries the exit status beside it. */
function failureReason(run: SupervisorRun): string {
  const failed = run.servers.find((entry) => entry.state === "failed");
  return failed ? `server ${failed.server.index} failed` : run.stopReason || "berth failed";
}

/** Rewrites the record on demand, one write at a time, folding changes that come meanwhile into the next. */
function recordWriter(run: SupervisorRun, member: Membership, state: () => NodeState, settle: (result: WriteResult) => void) {
  let writing = false;
  let pending = false;
  let stopped = false;
  const writer = {
    lastWrite: 0,
    write(): void {
      if (writing) {
        pending = true;
        return;
      }
      writing = true;
      pending = false;
      writer.lastWrite = Date.now();
      void member.write(run.servers, { state: state() }).then((result) => {
        writing = false;
        settle(result);
        if (pending && !stopped) writer.write();
      });
    },
    /** No more writes start; resolves once the one under way (if any) is done. */
    async quiet(): Promise<void> {
      stopped = true;
      while (writing) await Bun.sleep(5);
    },
  };
  return writer;
}

/** One look at the job: withdraw what vanished nodes published, and follow a failure or a stop. */
async function watchJob(run: SupervisorRun, options: PresenceOptions, trouble: (message: string) => void, withdrawn: Set<number>, following: Following): Promise<void> {
  const { membership: member } = options;
  if (run.stopping) return;
  try {
    await member.reader.read();
  } catch (error) {
    trouble(error instanceof Error ? error.message : String(error));
    return;
  }
  const now = Date.now();
  for (const node of member.reader.watch.nodes.values()) {
    if (node.record.rank === member.facts.rank || withdrawn.has(node.record.rank)) continue;
    if (judgeNode(node, member.reader.watch, now, STALE_MS).kind !== "vanished") continue;
    withdrawn.add(node.record.rank);
    options.withdraw?.(node.record);
  }
  const view = viewJob(member.reader.watch, now, STALE_MS, member.facts.rank);
  if (view.kind !== "failed" || run.stopping || !options.failTogether) return;
  following.reason = view.reason;
  if (view.stopped) {
    // A scheduler stopping the job signals every node at about the same time: stop alike, with its status.
    following.stop = true;
    run.view.message(`${view.reason}; stopping this node's servers too (--fail-together)`);
    beginStop(run, "SIGTERM", view.stopped.exitCode === undefined ? { kind: "signalled", signal: "SIGTERM" } : { kind: "as-node", status: view.stopped.exitCode }, view.reason);
    return;
  }
  run.view.message(`the job failed elsewhere: ${view.reason}; stopping this node's servers (--fail-together)`);
  beginStop(run, "SIGTERM", ENDED.failed, `the job failed elsewhere: ${view.reason}`);
}

function finalWords(run: SupervisorRun, ending: Ending, stoppedBySignal: boolean, following: Following): { state: NodeState; reason: string } {
  if (ending.kind === "ok") return { state: "stopped", reason: "its run is over" };
  if (stoppedBySignal) return { state: "stopped", reason: ending.kind === "signalled" ? `stopped by ${ending.signal}` : "stopped by a signal" };
  if (following.stop) return { state: "stopped", reason: `stopped with the job: ${following.reason}` };
  return { state: "failed", reason: following.reason ? `stopped with the job: ${following.reason}` : failureReason(run) };
}

function troubleHandler(run: SupervisorRun, member: Membership, trouble: StoreTrouble) {
  return (message: string) => {
    member.reader.trouble();
    const verdict = trouble.failed(message);
    if (verdict && !run.stopping) beginStop(run, "SIGTERM", ENDED.environment, verdict);
  };
}

export function startPresence(run: SupervisorRun, options: PresenceOptions): Companion {
  const { membership: member } = options;
  let state: NodeState = "running";
  const following: Following = { stop: false };
  const withdrawn = new Set<number>();
  const timers = new AbortController();
  const trouble = storeTroubleReporter(member.store.where, options.graceMs, (text) => run.view.message(text));
  const onTrouble = troubleHandler(run, member, trouble);
  const writer = recordWriter(run, member, () => state, (result) => {
    if (result.kind === "written") {
      trouble.worked(); // only a write says the store works for this node: a read-only remount still reads
      member.reader.working();
    }
    else if (result.kind === "trouble") onTrouble(result.message);
    else if (!run.stopping) {
      run.view.message(`${result.message}; stopping this node's servers`);
      beginStop(run, "SIGTERM", ENDED.environment, result.message);
    }
  });
  writer.write();
  every(timers.signal, HEARTBEAT_MS, () => {
    if (Date.now() - writer.lastWrite >= HEARTBEAT_MS * 0.75) writer.write();
  });
  // A look at once, not only after WATCH_MS: a node that dies in the first moments must have been seen alive.
  const look = () => void watchJob(run, options, onTrouble, withdrawn, following);
  look();
  every(timers.signal, WATCH_MS, look);
  return {
    changed: () => writer.write(),
    async finish(ending, stoppedBySignal) {
      timers.abort();
      trouble.close();
      await writer.quiet();
      const final = finalWords(run, ending, stoppedBySignal, following);
      state = final.state;
      const failed = final.state === "failed";
      await member.write(run.servers, { ...final, ending, ...(failed ? { followed: following.reason !== undefined } : {}) }, failed);
      if (!failed) await Bun.sleep(FINAL_RECORD_MS);
      await member.leave(failed);
    },
  };
}
