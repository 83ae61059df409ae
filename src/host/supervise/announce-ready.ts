// "ready" once every server is healthy, and only once the manifest on disk says so too and AReaL's entries
// exist: whoever waits for the event and then reads the manifest or asks name_resolve must never see a
// server still "starting", or none at all.
import { ENDED } from "../../core/exit.ts";
import { beginStop } from "./stop-servers.ts";
import type { SupervisorRun } from "./supervisor-run.ts";
import { after } from "../timers.ts";

function allHealthy(run: SupervisorRun): boolean {
  return !run.stopping && run.servers.every((entry) => entry.state === "healthy");
}

export function announceReadyWhenAllHealthy(run: SupervisorRun): void {
  if (!allHealthy(run)) return;
  void Promise.all([run.manifest.written(), ...run.readyGates.map((gate) => gate())]).then(() => {
    if (!allHealthy(run) || run.readyAnnounced || run.manifest.failed) return;
    run.readyAnnounced = true;
    run.view.ready(run.servers);
    // The demo's --duration counts from the first time everything is ready.
    if (run.settings.durationMs !== undefined && !run.durationArmed) {
      run.durationArmed = true;
      after(run.running.signal, run.settings.durationMs, () => beginStop(run, "SIGTERM", ENDED.ok, `--duration of ${run.settings.durationMs! / 1000}s is over`));
    }
  });
}
