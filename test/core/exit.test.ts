// The exit-status table (src/core/exit.ts), row by row: every way berth ends, and the status it gives.
import { expect, test } from "bun:test";
import { ENDED, exitStatus, type Ending } from "../../src/core/exit.ts";

test.each<[string, Ending, number]>([
  ["everything as asked", ENDED.ok, 0],
  ["a server failed (unhealthy, or exited 0 unasked)", ENDED.failed, 1],
  ["bad input", ENDED["bad-input"], 2],
  ["the environment", ENDED.environment, 3],
  ["a command that cannot be executed", ENDED["cannot-execute"], 126],
  ["a command not found", ENDED["not-found"], 127],
  ["a server that exited 7", { kind: "server-ended", end: { code: 7, signal: null } }, 7],
  ["an OOM-killed server (SIGKILL)", { kind: "server-ended", end: { code: null, signal: "SIGKILL" } }, 137],
  ["berth told to stop by SIGTERM", { kind: "signalled", signal: "SIGTERM" }, 143],
  ["berth told to stop by SIGINT", { kind: "signalled", signal: "SIGINT" }, 130],
  ["the job stopped with another node's 143", { kind: "as-node", status: 143 }, 143],
])("%s: %d", (_, ending, status) => {
  expect(exitStatus(ending)).toBe(status);
});

test("another node's published status is followed only when a process can have it (0-255), else it is a failure", () => {
  expect([143, 0, 255, 256, 70000, -1].map((status) => exitStatus({ kind: "as-node", status }))).toEqual([143, 0, 255, 1, 1, 1]);
});
