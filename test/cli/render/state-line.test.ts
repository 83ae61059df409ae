// One wording for a server's state, in the plain view and on a terminal alike: the state, then why.
import { expect, test } from "bun:test";
import { stateLine } from "../../../src/cli/render/run-view.ts";
import { terminalLogger } from "../../../src/cli/render/terminal-logger.ts";

test.each([
  ["healthy", "after 0.2s", "s0 healthy after 0.2s (pid 12)"],
  ["stopped", "was killed by SIGTERM", "s0 stopped: killed by SIGTERM (pid 12)"],
  ["failed", "exited with code 1 during start-up", "s0 failed: exited with code 1 during start-up (pid 12)"],
  ["starting", undefined, "s0 starting (pid 12)"],
])("%s %s", (state, detail, expected) => {
  expect(stateLine("s0", state, detail, 12)).toBe(expected);
});

test("the terminal's lines are berth's own, coloured only where colour is wanted, with no other program's tags", () => {
  const lines: string[] = [];
  const io = { stderr: (text: string) => lines.push(text), stdout: () => {}, isTTY: true, env: {} as Record<string, string> };
  terminalLogger(io as never).success("all 2 server(s) healthy");
  terminalLogger({ ...io, env: { NO_COLOR: "1" } } as never).error("s0 failed: exited with code 1");
  expect(lines).toEqual(["berth: \x1b[32mall 2 server(s) healthy\x1b[0m\n", "berth: s0 failed: exited with code 1\n"]);
});
