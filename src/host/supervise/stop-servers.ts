// Stopping: the signal to every server's process group, then SIGKILL once the grace is over.
import type { SupervisorRun } from "./supervisor-run.ts";
import { after } from "../timers.ts";
import { signalGroup } from "../server-process.ts";

export function killEverything(run: SupervisorRun): void {
  for (const entry of run.live()) signalGroup(entry.pid!, "SIGKILL");
}

/** The first call decides berth's exit code; later ones change nothing. */
export function beginStop(run: SupervisorRun, signal: NodeJS.Signals, exitCode: number): void {
  if (run.stopping) return;
  run.stopping = true;
  run.exitCode = exitCode;
  run.running.abort();
  for (const entry of run.live()) signalGroup(entry.pid!, signal);
  run.decideAllNow();
  after(run.lifetime.signal, run.settings.graceMs, () => {
    if (run.live().length > 0) run.view.message(`grace of ${run.settings.graceMs / 1000}s is over; sending SIGKILL`);
    killEverything(run);
  });
  run.settleIfDone();
}
