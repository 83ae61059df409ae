// Orphans: berth adopts them as a subreaper and reaps them while the servers run; after the servers have
// stopped, the ones still alive (in sessions of their own) get TERM, then KILL, and all are reaped.
import { ORPHAN_KILL_WAIT_MS, ORPHAN_POLL_MS, orphanTermMs, REAP_INTERVAL_MS } from "../../core/supervise/timing.ts";
import { becomeSubreaper, orphanPids, reapOrphans } from "../process/reaper.ts";
import { signalProcess } from "../process/server-process.ts";
import type { SupervisorRun } from "./supervisor-run.ts";
import { every } from "../timers.ts";

export function reapWhileRunning(run: SupervisorRun): void {
  becomeSubreaper();
  every(run.lifetime.signal, REAP_INTERVAL_MS, () => reapOrphans(run.spawned));
}

export async function sweepOrphans(run: SupervisorRun): Promise<void> {
  const termUntil = Date.now() + orphanTermMs(run.settings.graceMs);
  let signalled: NodeJS.Signals | undefined;
  for (;;) {
    reapOrphans(run.spawned);
    const { alive, zombies } = orphanPids(run.spawned);
    if (alive.length + zombies.length === 0) return;
    const signal = Date.now() < termUntil ? "SIGTERM" : "SIGKILL";
    if (signal !== signalled) {
      for (const pid of alive) signalProcess(pid, signal);
      signalled = signal;
    }
    if (signal === "SIGKILL" && Date.now() > termUntil + ORPHAN_KILL_WAIT_MS) return; // unkillable (D state): give up
    await Bun.sleep(ORPHAN_POLL_MS);
  }
}
