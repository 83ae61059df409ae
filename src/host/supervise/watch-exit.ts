// A server has ended: the pure decision (core/supervise/after-exit.ts) says stop, restart or fail; this
// carries it out.
import { describeEnd, ENDED, type ChildEnd } from "../../core/exit.ts";
import { decideAfterExit, mayBeTheJobsStop } from "../../core/supervise/after-exit.ts";
import { STOP_SIGNAL_RACE_MS } from "../../core/supervise/timing.ts";
import { holdPort } from "../registry/port-holds.ts";
import { beginStop } from "./stop-servers.ts";
import type { SupervisedServer } from "./supervised-server.ts";
import type { SupervisorRun } from "./supervisor-run.ts";
import { after } from "../timers.ts";
import { lastExitOf } from "../../core/observe/server-observations.ts";

/**
 * A server whose port a stranger took comes back on a free block (the old ports let go); false when no free
 * block is left.
 */
function moveToFreeBlock(run: SupervisorRun, entry: SupervisedServer): boolean {
  const moved = run.settings.relocate?.(entry);
  if (!moved) return false;
  const from = `${entry.placement.ports.first}-${entry.placement.ports.last}`;
  Object.assign(entry, { launch: moved.launch, placement: moved.placement, server: moved.server, portTaken: false, servingSockets: undefined });
  entry.reservation.ports = moved.ports;
  run.view.message(`${entry.label} moves from ports ${from} to ${moved.placement.ports.first}-${moved.placement.ports.last}`);
  return true;
}

/** Hold the ports again while waiting to restart, so nothing else takes them in between. */
function holdPortsAgain(entry: SupervisedServer): void {
  for (const held of entry.reservation.ports) {
    const hold = holdPort(held.port, { allowTimeWait: true });
    if (hold.ok) held.sockets = hold.sockets;
  }
}

function reportFailure(run: SupervisorRun, entry: SupervisedServer, detail: string): void {
  run.setState(entry, "failed", detail);
  if (entry.tail.length > 0) run.view.message(`last lines of ${entry.label}:\n${entry.tail.map((line) => `  ${line}`).join("\n")}`);
}

export function onServerEnd(run: SupervisorRun, entry: SupervisedServer, end: ChildEnd, restart: () => void): void {
  entry.end = end;
  entry.endedAt = Date.now();
  entry.lastExit = lastExitOf(end, entry.endedAt);
  // Killed by TERM/INT/HUP/QUIT (or exited 0, or 128+N, as engines that catch TERM do) while berth runs on:
  // most likely the scheduler signalled the whole job, and berth's own signal is on its way. Judge it a
  // moment later (or as soon as the stop begins), so that it is `stopped`, not `failed`.
  if (!run.stopping && !entry.unhealthy && mayBeTheJobsStop(end)) run.decideLater(entry, STOP_SIGNAL_RACE_MS, () => judgeEnd(run, entry, end, restart));
  else judgeEnd(run, entry, end, restart);
}

function judgeEnd(run: SupervisorRun, entry: SupervisedServer, end: ChildEnd, restart: () => void): void {
  const wasStarting = entry.state === "starting";
  const { settings } = run;
  const decision = decideAfterExit({ end, stopping: run.stopping, restart: settings.restart, restartsSoFar: entry.restarts, maxRestarts: settings.maxRestarts, unhealthy: entry.unhealthy });
  if (decision.action === "stopped") {
    // One that already failed (not healthy in time, unhealthy, a wrong health path) stays failed in the manifest.
    if (entry.state === "failed") run.view.message(`${entry.label} ${describeEnd(end)}`);
    else run.setState(entry, "stopped", describeEnd(end));
  } else if (decision.action === "restart") {
    entry.restarts = decision.attempt;
    if (entry.portTaken && !moveToFreeBlock(run, entry)) {
      reportFailure(run, entry, `its port is taken and no other free block is left in the pool`);
      beginStop(run, "SIGTERM", ENDED.environment, `${entry.label}: its port is taken and no other free block is left in the pool`);
      run.settleIfDone();
      return;
    }
    holdPortsAgain(entry);
    run.setState(entry, "restarting", `${describeEnd(end)}; restart ${decision.attempt} of ${settings.maxRestarts} in ${decision.delayMs / 1000}s on the same GPUs and ports`);
    after(run.running.signal, decision.delayMs, restart);
  } else {
    const why = decision.unasked ? "although nothing asked it to stop" : "";
    const detail = [describeEnd(end), wasStarting ? "during start-up" : "", why].filter(Boolean).join(" ");
    reportFailure(run, entry, detail);
    beginStop(run, "SIGTERM", decision.ending, `${entry.label} ${detail}`);
  }
  run.settleIfDone();
}
