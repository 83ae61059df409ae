// The supervisor, read top to bottom as tini's main is: forward signals, reap orphans, start every server
// (each gated on health, its end decided in core, its process group guarded should berth be SIGKILLed),
// wait until all have ended, sweep the orphans, dismiss the guardian, release,
// write the final manifest, and return the exit code.
import { ENDED, type RunEnd } from "../../core/exit.ts";
import { useNormalJitPolicy } from "../process/jit-policy.ts";
import { releaseReservation } from "../registry/reservations.ts";
import { forwardSignals } from "./forward-signals.ts";
import { beginStop } from "./stop-servers.ts";
import { openServerLogs } from "./server-logs.ts";
import type { RunView, SupervisorSettings } from "./settings.ts";
import { startServer } from "./start-server.ts";
import type { SupervisedServer } from "./supervised-server.ts";
import { SupervisorRun } from "./supervisor-run.ts";
import { reapWhileRunning, sweepOrphans } from "./sweep-orphans.ts";

export type { RunView, SupervisorSettings } from "./settings.ts";
import type { CompanionStart } from "./companion.ts";

/** A manifest that cannot be written would tell its readers a stale story: say so and stop the run. */
function failOnManifestError(run: SupervisorRun, message: string): void {
  run.view.message(`${message}; stopping, since the manifest no longer says what runs`);
  beginStop(run, "SIGTERM", ENDED.environment, message);
}

/** The ending the stop decided; even the last manifest write failing makes a clean stop a failure. */
function runEnd(run: SupervisorRun): RunEnd {
  const ending = run.ending ?? ENDED.ok;
  if (run.manifest.failed && ending.kind === "ok") return { ending: ENDED.environment, reason: "the final manifest could not be written" };
  return { ending, reason: run.stopReason };
}

export async function supervise(servers: SupervisedServer[], settings: SupervisorSettings, view: RunView, starts: readonly CompanionStart[] = []): Promise<RunEnd> {
  const run = new SupervisorRun(servers, settings, view, failOnManifestError);
  const stopForwarding = forwardSignals(run);
  const early = settings.takeOverSignals?.();
  if (early) process.emit(early); // a stop that came while handlers changed hands: as if it came now
  const companions = starts.map((start) => start(run));
  for (const companion of companions) {
    run.onChange.push(() => companion.changed());
    if (companion.settled) run.readyGates.push(() => companion.settled!());
  }
  reapWhileRunning(run);
  const logs = openServerLogs(servers, settings.logDirectory, (message) => view.message(message));
  if (run.stopping) {
    // The stop came while the start-up handed its signals over: nothing starts, and the run ends at once.
    for (const entry of servers) run.setState(entry, "stopped", "the stop came before it started");
    run.settleIfDone();
  } else for (const entry of servers) startServer(run, entry, logs);
  run.manifest.startHeartbeat();
  useNormalJitPolicy(); // start-up is over; what runs from here on (output, health, signals) may run for days
  await run.allEnded;

  await sweepOrphans(run);
  await run.cgroup?.killAndRemove(); // whatever escaped the sweep (it is all in the servers' cgroup)
  await run.guardian.dismiss(); // every group has been stopped and swept
  run.lifetime.abort(); // the grace timer and the reaper
  stopForwarding();
  await logs.close();
  for (const entry of servers) {
    // A restart that the stop cancelled: the server is stopped, not about to come back.
    if (entry.state === "restarting") run.setState(entry, "stopped", "its restart was cancelled by the stop");
    releaseReservation(entry.reservation);
  }
  run.manifest.write();
  await run.manifest.finish();
  const end = runEnd(run);
  for (const companion of companions) await companion.finish(end.ending, run.signalled);
  return end;
}
