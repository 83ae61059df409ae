// The one decision of supervision: a server has ended; what now? Stop (berth is already stopping), restart
// it, or fail the run. Pure, so every case is in a table test (test/core/supervise/after-exit.test.ts).
import { childStatus, ENDED, isStopSignal, signalStatus, STOP_SIGNALS, type ChildEnd, type Ending } from "../exit.ts";
import { restartDelay } from "./timing.ts";

export interface ExitContext {
  end: ChildEnd;
  /** berth was already stopping (a signal, the duration, another server's failure). */
  stopping: boolean;
  restart: "no" | "on-failure";
  restartsSoFar: number;
  maxRestarts: number;
  /** berth stopped it itself because it failed its liveness checks: a failure whatever its exit code. */
  unhealthy?: boolean;
}

export type AfterExit =
  | { action: "stopped" }
  | { action: "restart"; delayMs: number; attempt: number }
  /** unasked: the server exited 0 although nothing asked it to stop; a server is meant to run. */
  | { action: "fail"; ending: Ending; unasked?: true };

export function decideAfterExit(context: ExitContext): AfterExit {
  if (context.stopping) return { action: "stopped" };
  const code = childStatus(context.end);
  const failed = code !== 0 || context.unhealthy === true;
  if (context.restart === "on-failure" && failed && context.restartsSoFar < context.maxRestarts) {
    return { action: "restart", delayMs: restartDelay(context.restartsSoFar), attempt: context.restartsSoFar + 1 };
  }
  if (context.unhealthy) return { action: "fail", ending: ENDED.failed };
  // A server that ends by itself, even with 0, has failed the run: berth must not report success.
  if (code === 0) return { action: "fail", ending: ENDED.failed, unasked: true };
  return { action: "fail", ending: { kind: "server-ended", end: context.end } };
}

/**
 * An end that a stop signal to the whole job would cause (scancel signals every process of the step, the
 * servers before berth as often as not): killed by one, a clean exit (uvicorn, SGLang's HTTP server, exits
 * 0 on TERM), or 128+N from a handler. Such an end is judged only after berth's own signal had time to come.
 */
export function mayBeTheJobsStop(end: ChildEnd): boolean {
  if (isStopSignal(end.signal)) return true;
  return end.code === 0 || STOP_SIGNALS.some((signal) => end.code === signalStatus(signal));
}
