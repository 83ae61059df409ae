// Stopping: the signal to every server's process group, then SIGKILL once the grace is over.
import type { Ending } from "../../core/exit.ts";
import type { SupervisorRun } from "./supervisor-run.ts";
import { after } from "../timers.ts";
import { signalGroup } from "../process/server-process.ts";

export function killEverything(run: SupervisorRun): void {
  for (const entry of run.live()) signalGroup(entry.pid!, "SIGKILL");
}

/** The first call decides why berth ends and the reason its final `exit` event gives; later ones change nothing. */
export function beginStop(run: SupervisorRun, signal: NodeJS.Signals, ending: Ending, reason: string): void {
  if (run.stopping) return;
  run.stopping = true;
  run.ending = ending;
  run.stopReason = reason;
  run.running.abort();
  for (const entry of run.live()) signalGroup(entry.pid!, signal);
  run.decideAllNow();
  after(run.lifetime.signal, run.settings.graceMs, () => {
    if (run.live().length > 0) run.view.message(`grace of ${run.settings.graceMs / 1000}s is over; sending SIGKILL`);
    killEverything(run);
  });
  run.settleIfDone();
}
