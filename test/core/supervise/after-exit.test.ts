// The supervisor's one decision, as a table: after a server's end, stop, restart or fail, and with what code.
import { expect, test } from "bun:test";
import { exitStatus } from "../../../src/core/exit.ts";
import { decideAfterExit, type ExitContext } from "../../../src/core/supervise/after-exit.ts";

/** A decision as the table says it: a failure by the exit status its ending gives (core/exit.ts). */
type Shown = { action: "stopped" } | { action: "restart"; delayMs: number; attempt: number } | { action: "fail"; exitCode: number; unasked?: true };

const exited = (code: number) => ({ code, signal: null });
const killed = (signal: string) => ({ code: null, signal });
const base = { stopping: false, restart: "no" as const, restartsSoFar: 0, maxRestarts: 3 };

test.each<[string, Partial<ExitContext> & Pick<ExitContext, "end">, Shown]>([
  ["a crash fails the run with its code", { end: exited(7) }, { action: "fail", exitCode: 7 }],
  ["an OOM kill (SIGKILL) fails with 137", { end: killed("SIGKILL") }, { action: "fail", exitCode: 137 }],
  ["any end while stopping is a stop", { end: exited(7), stopping: true }, { action: "stopped" }],
  ["SIGTERM while stopping is a stop", { end: killed("SIGTERM"), stopping: true }, { action: "stopped" }],
  ["on-failure restarts a crash after 1 s", { end: exited(1), restart: "on-failure" }, { action: "restart", delayMs: 1000, attempt: 1 }],
  ["the third restart waits 4 s", { end: exited(1), restart: "on-failure", restartsSoFar: 2 }, { action: "restart", delayMs: 4000, attempt: 3 }],
  ["restarts used up: fail", { end: exited(1), restart: "on-failure", restartsSoFar: 3 }, { action: "fail", exitCode: 1 }],
  ["a kill is restarted too", { end: killed("SIGSEGV"), restart: "on-failure" }, { action: "restart", delayMs: 1000, attempt: 1 }],
  ["exit 0 unasked fails the run with 1", { end: exited(0) }, { action: "fail", exitCode: 1, unasked: true }],
  ["exit 0 unasked is not restarted either", { end: exited(0), restart: "on-failure" }, { action: "fail", exitCode: 1, unasked: true }],
  ["exit 0 while stopping is a stop", { end: exited(0), stopping: true }, { action: "stopped" }],
  ["unhealthy, stopped by berth with SIGTERM: restarted under on-failure", { end: killed("SIGTERM"), unhealthy: true, restart: "on-failure" }, { action: "restart", delayMs: 1000, attempt: 1 }],
  ["unhealthy, it exited 0 on berth's SIGTERM: still restarted", { end: exited(0), unhealthy: true, restart: "on-failure" }, { action: "restart", delayMs: 1000, attempt: 1 }],
  ["unhealthy without restarts fails the run with 1", { end: exited(0), unhealthy: true }, { action: "fail", exitCode: 1 }],
  ["unhealthy with restarts used up fails with 1", { end: killed("SIGTERM"), unhealthy: true, restart: "on-failure", restartsSoFar: 3 }, { action: "fail", exitCode: 1 }],
  ["no restart while stopping, even on-failure", { end: exited(1), restart: "on-failure", stopping: true }, { action: "stopped" }],
])("%s", (_, context, expected) => {
  const decided = decideAfterExit({ ...base, ...context });
  const shown = decided.action === "fail" ? { action: "fail", exitCode: exitStatus(decided.ending), ...(decided.unasked ? { unasked: true } : {}) } : decided;
  expect(shown).toEqual(expected);
});
