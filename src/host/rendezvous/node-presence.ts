// A node's presence in its job while `berth run` supervises: its record rewritten at every state change and
// every heartbeat, the other nodes read every WATCH_MS, and with --fail-together a failed or vanished node
// of the job stops this one too. At the end the final state is written, left for the others to read for a
// moment, then removed (etcd: the lease is revoked), so a later run of the same job never reads it.
import { EXIT } from "../../core/exit.ts";
import { viewJob } from "../../core/rendezvous/job-view.ts";
import type { NodeState } from "../../core/rendezvous/node-record.ts";
import { HEARTBEAT_MS, STALE_MS, WATCH_MS } from "../../core/rendezvous/timing.ts";
import { beginStop } from "../supervise/stop-servers.ts";
import type { Companion } from "../supervise/settings.ts";
import type { SupervisorRun } from "../supervise/supervisor-run.ts";
import { every } from "../timers.ts";
import { jobReader, nodeKey } from "./job-records.ts";
import { nodeRecordOf, type NodeFactsForRecord } from "./node-record-of.ts";
import type { RendezvousStore } from "./store.ts";

/** How long a final record stays for the other nodes' watches (a few of their reads) before it goes. */
const FINAL_RECORD_MS = 4 * WATCH_MS;

/** changed(): the record is rewritten (writes never overlap; the latest state wins). finish(): the final record, held briefly, then removed. */
export type Presence = Companion;

export interface PresenceOptions {
  store: RendezvousStore;
  facts: NodeFactsForRecord;
  failTogether: boolean;
}

function failureReason(run: SupervisorRun, exitCode: number): string {
  const failed = run.servers.find((entry) => entry.state === "failed");
  return failed ? `server ${failed.server.index} failed (berth exited ${exitCode})` : `berth exited ${exitCode}`;
}

export function startPresence(run: SupervisorRun, options: PresenceOptions): Presence {
  const { store, facts } = options;
  let heartbeat = 0;
  let state: NodeState = "running";
  let reason: string | undefined;
  let followed: string | undefined;
  let writing: Promise<void> = Promise.resolve();
  const timers = new AbortController();
  const write = () => {
    const record = { ...nodeRecordOf(facts, run.servers, state, ++heartbeat, reason), ...(followed && state === "failed" ? { followed: true } : {}) };
    writing = writing.then(() => store.put(nodeKey(facts.rank), JSON.stringify(record))).catch((error: Error) => run.view.message(`cannot write to the rendezvous ${store.where}: ${error.message}`));
  };
  const reader = jobReader(store);
  const watch = async () => {
    if (run.stopping || !options.failTogether) return;
    const { observations, gone } = await reader.read().catch(() => ({ observations: [], gone: [] }));
    const others = observations.filter((observation) => observation.record.rank !== facts.rank);
    const view = viewJob(others, gone, Date.now(), STALE_MS);
    if (view.kind !== "failed" || run.stopping) return;
    followed = view.reason;
    run.view.message(`the job failed elsewhere: ${view.reason}; stopping this node's servers (--fail-together)`);
    beginStop(run, "SIGTERM", EXIT.serverFailed, `the job failed elsewhere: ${view.reason}`);
  };
  write();
  every(timers.signal, HEARTBEAT_MS, write);
  every(timers.signal, WATCH_MS, () => void watch());
  return {
    changed: write,
    async finish(exitCode, stoppedBySignal) {
      timers.abort();
      state = exitCode === EXIT.ok || stoppedBySignal ? "stopped" : "failed";
      reason = state === "failed" ? (followed ? `stopped with the job: ${followed}` : failureReason(run, exitCode)) : stoppedBySignal ? `stopped by a signal (exit ${exitCode})` : "its run is over";
      write();
      await writing;
      await Bun.sleep(FINAL_RECORD_MS);
      await store.remove(nodeKey(facts.rank)).catch(() => undefined);
      await store.close();
    },
  };
}
