// Liveness: health is not only a start-up gate. Once a server is healthy, berth asks its first health path
// every --liveness-interval; LIVENESS_FAILURES_IN_A_ROW failures in a row (a 503 for ever, a hung server)
// make it `unhealthy`. Then it is stopped and restarted under --restart on-failure, or it fails the run.
import { ENDED } from "../../core/exit.ts";
import { describeHealthFailure } from "../../core/supervise/health-failure.ts";
import { LIVENESS_FAILURES_IN_A_ROW, SHARED_SOCKET_DUMP_MS } from "../../core/supervise/timing.ts";
import { askHealth } from "../net/health.ts";
import { recordHealthAnswer } from "./health-record.ts";
import { signalGroup } from "../process/server-process.ts";
import { after, every } from "../timers.ts";
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

/** A healthy server's watch: the url it is asked at, for the pid that became healthy, and its failures in a row. */
interface Watched {
  url: string;
  pid: number | null;
  failures: number;
  /** Its last check has not answered yet (a hung server takes the request timeout): the round passes it by. */
  asking: boolean;
}

/**
 * The run's liveness rounds: one timer every --liveness-interval asks every healthy server at once, so 64
 * idle servers wake berth once per interval, not 64 times, and share one listening-socket dump (each on
 * its own timer they cost 0.5% of a core, mostly in wake-ups).
 */
const rounds = new WeakMap<SupervisorRun, Map<SupervisedServer, Watched>>();

/** One server's check; false when it is no longer watched (gone, restarted, stopped, or failed here). */
async function checkOne(run: SupervisorRun, entry: SupervisedServer, watched: Watched): Promise<boolean> {
  const current = () => !run.stopping && entry.pid === watched.pid && entry.end === null;
  if (!current() || entry.state !== "healthy") return false;
  const answer = await askHealth(watched.url);
  if (!current()) return false;
  recordHealthAnswer(entry, answer);
  const failure = answer.failure;
  if (failure === undefined && !servesItsOwnPort(run, entry, SHARED_SOCKET_DUMP_MS)) return false;
  watched.failures = failure === undefined ? 0 : watched.failures + 1;
  if (failure !== undefined && watched.failures >= LIVENESS_FAILURES_IN_A_ROW) {
    stopUnhealthy(run, entry, `unhealthy: ${watched.failures} liveness checks in a row failed (${watched.url}: ${describeHealthFailure(failure)})`);
    return false;
  }
  return true;
}

function round(run: SupervisorRun, watching: Map<SupervisedServer, Watched>): void {
  for (const [entry, watched] of watching) {
    if (watched.asking) continue;
    watched.asking = true;
    void checkOne(run, entry, watched).then((still) => {
      watched.asking = false;
      if (!still && watching.get(entry) === watched) watching.delete(entry);
    });
  }
}

/** Starts watching a server that has just become healthy: from the next round on, until it ends or the run stops. */
export function watchLiveness(run: SupervisorRun, entry: SupervisedServer, url: string): void {
  const interval = run.settings.livenessIntervalMs;
  if (interval === 0) return;
  let watching = rounds.get(run);
  if (!watching) {
    const started = new Map<SupervisedServer, Watched>();
    rounds.set(run, (watching = started));
    every(run.running.signal, interval, () => round(run, started));
  }
  watching.set(entry, { url, pid: entry.pid, failures: 0, asking: false });
}
