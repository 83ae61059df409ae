// The one decision of supervision: a server has ended; what now? Stop (berth is already stopping), restart
// it, or fail the run. Pure, so every case is in a table test (test/core/supervise/after-exit.test.ts).
import { exitCodeOf, type ChildEnd } from "../exit.ts";
import { restartDelay } from "./timing.ts";

export interface ExitContext {
  end: ChildEnd;
  /** berth was already stopping (a signal, the duration, another server's failure). */
  stopping: boolean;
  restart: "no" | "on-failure";
  restartsSoFar: number;
  maxRestarts: number;
}

export type AfterExit =
  | { action: "stopped" }
  | { action: "restart"; delayMs: number; attempt: number }
  | { action: "fail"; exitCode: number };

export function decideAfterExit(context: ExitContext): AfterExit {
  if (context.stopping) return { action: "stopped" };
  const code = exitCodeOf(context.end);
  if (context.restart === "on-failure" && code !== 0 && context.restartsSoFar < context.maxRestarts) {
    return { action: "restart", delayMs: restartDelay(context.restartsSoFar), attempt: context.restartsSoFar + 1 };
  }
  return { action: "fail", exitCode: code };
}
