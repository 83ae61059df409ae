// Every timing policy of supervision as data or a pure function: health polling, restarts, and the limits
// of the shutdown sweep. Host code reads them from here and hard-codes none.

/** Health polls: 25 ms, then ×1.5 each time, capped at 1 s, so a fast server is seen within tens of ms. */
export function nextHealthDelay(previous: number | undefined): number {
  if (previous === undefined) return 25;
  return Math.min(1000, Math.round(previous * 1.5));
}

/**
 * A server that answers but is not ready yet (503 while it warms up) costs almost nothing to ask, and its
 * readiness is what everyone waits for: poll it at this steady pace instead of backing off.
 */
export const ANSWERING_POLL_MS = 40;

/** One health request may take this long before it counts as no answer. */
export const HEALTH_REQUEST_TIMEOUT_MS = 2000;

/** Liveness, once healthy: a check every --liveness-interval (default 10 s); this many failures in a row make it unhealthy. */
export const LIVENESS_DEFAULT_MS = 10_000;
export const LIVENESS_FAILURES_IN_A_ROW = 3;

/** A listening-socket dump this recent serves a liveness check: a round of checks reads the kernel once. */
export const SHARED_SOCKET_DUMP_MS = 1000;

/**
 * Waiting for a port to listen: a server just spawned listens within milliseconds (an instant one ~10 ms after
 * its spawn: setpriv, then the engine), so it is looked for every 5 ms in a wait's first quarter second, and
 * then every 25 ms, as an engine loading its model for minutes needs no more.
 */
export const LISTEN_LOOK = { eagerMs: 5, eagerForMs: 250, steadyMs: 25 } as const;

/** Restarts: 1 s, 2 s, 4 s … capped at 30 s. */
export function restartDelay(restartsSoFar: number): number {
  return Math.min(30_000, 1000 * 2 ** restartsSoFar);
}

/** After a server exits, how long its last output may take to arrive before the end is reported. */
export const OUTPUT_DRAIN_MS = 200;

/**
 * Slurm and Kubernetes signal a job's servers and berth together, in no set order. A server that dies of a
 * stop signal while berth is not stopping is judged only after this long, so that berth's own signal, if it
 * is on its way, makes it `stopped` (berth exits 128+N) instead of `failed` or `restarting`.
 */
export const STOP_SIGNAL_RACE_MS = 1000;

/** How often berth, as a subreaper, reaps orphans it adopted while the servers run. */
export const REAP_INTERVAL_MS = 1000;

/**
 * The sweep after the servers have stopped: orphans they left in sessions of their own get SIGTERM for at
 * most this long (or the grace, if shorter), then SIGKILL; berth gives up on any still there (stuck in D
 * state) this long after the SIGKILL, and looks again every poll.
 */
export const ORPHAN_TERM_MAX_MS = 2000;
export const ORPHAN_KILL_WAIT_MS = 2000;
export const ORPHAN_POLL_MS = 10;

export function orphanTermMs(graceMs: number): number {
  return Math.min(graceMs, ORPHAN_TERM_MAX_MS);
}

/** setTimeout's largest delay (2^31 - 1 ms, ~24.8 days); longer waits are made of several. */
export const LONGEST_TIMER_MS = 2_147_483_647;
