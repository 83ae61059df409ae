// Liveness: health is not only a start-up gate. Once a server is healthy, berth asks its first health path
// every --liveness-interval; LIVENESS_FAILURES_IN_A_ROW failures in a row (a 503 for ever, a hung server)
// make it `unhealthy`. Then it is stopped and restarted under --restart on-failure, or it fails the run.
import { ENDED } from "../../core/exit.ts";
import { describeHealthFailure } from "../../core/supervise/health-failure.ts";
import { LIVENESS_FAILURES_IN_A_ROW } from "../../core/supervise/timing.ts";
import { askHealth } from "../net/health.ts";
import { recordHealthAnswer } from "./health-record.ts";
import { signalGroup } from "../process/server-process.ts";
import { after } from "../timers.ts";
import { beginStop } from "./stop-servers.ts";
import { servesItsOwnPort } from "./port-ownership.ts";
import type { SupervisedServer } from "./supervised-server.ts";
import type { SupervisorRun } from "./supervisor-run.ts";

function restartsLeft(run: SupervisorRun, entry: SupervisedServer): boolean {
  return run.settings.restart === "on-failure" && entry.restarts < run.settings.maxRestarts;
}

/**
 * A server that is not healthy (its liveness checks failed, or it was not healthy by --startup-timeout): under
 * --restart on-failure with restarts left it is stopped and restarted; otherwise the run fails with `reason`.
 */
export function stopUnhealthy(run: SupervisorRun, entry: SupervisedServer, detail: string, reason = `${entry.label} became unhealthy: ${detail}`): void {
  entry.unhealthy = true;
  if (!restartsLeft(run, entry)) {
    run.setState(entry, "failed", detail);
    beginStop(run, "SIGTERM", ENDED.failed, reason);
    return;
  }
  run.setState(entry, "unhealthy", `${detail}; stopping it to restart`);
  const pid = entry.pid!;
  signalGroup(pid, "SIGTERM");
  after(run.running.signal, run.settings.graceMs, () => {
    if (entry.pid === pid && entry.end === null) signalGroup(pid, "SIGKILL");
  });
}

/** Starts watching a server that has just become healthy; the watch ends with the server or the run. */
export function watchLiveness(run: SupervisorRun, entry: SupervisedServer, url: string): void {
  const interval = run.settings.livenessIntervalMs;
  if (interval === 0) return;
  const pid = entry.pid;
  let failures = 0;
  const check = async () => {
    if (run.stopping || entry.pid !== pid || entry.end !== null || entry.state !== "healthy") return;
    const answer = await askHealth(url);
    if (run.stopping || entry.pid !== pid || entry.end !== null) return;
    recordHealthAnswer(entry, answer);
    const failure = answer.failure;
    if (failure === undefined && !servesItsOwnPort(run, entry)) return;
    failures = failure === undefined ? 0 : failures + 1;
    if (failure !== undefined && failures >= LIVENESS_FAILURES_IN_A_ROW) {
      stopUnhealthy(run, entry, `unhealthy: ${failures} liveness checks in a row failed (${url}: ${describeHealthFailure(failure)})`);
      return;
    }
    after(run.running.signal, interval, () => void check());
  };
  after(run.running.signal, interval, () => void check());
}
