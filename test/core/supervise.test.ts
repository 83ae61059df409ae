import { expect, test } from "bun:test";
import { onlyTimeWait, tcpStatesByPort } from "../../src/core/ports/proc-net-tcp.ts";
import { nextHealthDelay, restartDelay } from "../../src/core/supervise/timing.ts";
import { childStatus, describeEnd, signalStatus } from "../../src/core/exit.ts";
import { parseProcLocks, splitDevice, fileKey } from "../../src/core/registry/proc-locks.ts";
import { parseBootTime, parseProcStat } from "../../src/core/process/proc-stat.ts";

test("health polling starts at 25 ms and backs off to 1 s", () => {
  const delays: number[] = [];
  let delay: number | undefined;
  for (let poll = 0; poll < 12; poll++) delays.push((delay = nextHealthDelay(delay)));
  expect(delays.slice(0, 4)).toEqual([25, 38, 57, 86]);
  expect(delays.at(-1)).toBe(1000);
});

test("restarts back off from 1 s to a 30 s cap", () => {
  expect([0, 1, 2, 3, 4, 5, 9].map(restartDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test.each([
  [{ code: 0, signal: null }, 0, "exited with code 0"],
  [{ code: 7, signal: null }, 7, "exited with code 7"],
  [{ code: null, signal: "SIGTERM" }, 143, "was killed by SIGTERM"],
  [{ code: null, signal: "SIGKILL" }, 137, "was killed by SIGKILL"],
])("%p → %d", (end, code, words) => {
  expect(childStatus(end)).toBe(code);
  expect(describeEnd(end)).toBe(words);
});

test("a signal's name gives 128 + its number", () => {
  expect(["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGKILL"].map(signalStatus)).toEqual([129, 130, 131, 143, 137]);
});

test("/proc/net/tcp: states by local port, TIME_WAIT only", () => {
  const text = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:2710 0100007F:E0B4 06 00000000:00000000 03:00000AFE 00000000     0        0 0 3 0000000000000000",
    "   1: 00000000:2712 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000",
  ].join("\n");
  const states = tcpStatesByPort(text);
  expect(states.get(10000)).toEqual([6]);
  expect(onlyTimeWait(states.get(10000))).toBe(true);
  expect(onlyTimeWait(states.get(10002))).toBe(false);
  expect(onlyTimeWait(undefined)).toBe(false);
  // tcp and tcp6 read together: states of one port from both files.
  expect(tcpStatesByPort(text, text).get(10000)).toEqual([6, 6]);
});

test("/proc/locks: FLOCK write locks by device and inode", () => {
  const text = [
    "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2156332 0 EOF",
    "2: -> FLOCK  ADVISORY  WRITE 99 fe:00:7 0 EOF", // a waiter holds nothing
    "3: POSIX  ADVISORY  WRITE 5 fe:00:8 0 EOF",
    "4: FLOCK  ADVISORY  READ 6 fe:00:9 0 EOF",
    "15: FLOCK  ADVISORY  WRITE 0 103:1a:10 0 EOF", // another pid namespace's holder; a major past ff
    "16: OFDLCK ADVISORY  WRITE -1 00:2d:11 0 EOF",
  ].join("\n");
  const held = parseProcLocks(text);
  expect([...held.entries()]).toEqual([["fe:00:2156332", 4242], ["103:1a:10", 0]]);
  expect(parseProcLocks(text)).toEqual(held); // the same again: the pattern keeps no state between texts
  expect(fileKey(0x103, 0x1a, 10)).toBe("103:1a:10");
  const { major, minor } = splitDevice(65024);
  expect(fileKey(major, minor, 2156332)).toBe("fe:00:2156332");
});

test("/proc/<pid>/stat with spaces and parentheses in the command", () => {
  const stat = "1234 (my (weird) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 0 0";
  expect(parseProcStat(stat)).toEqual({ pid: 1234, command: "my (weird) cmd", state: "S", parentPid: 1, startTicks: 98765 });
  expect(parseProcStat("garbage")).toBeUndefined();
  expect(parseBootTime("cpu 1 2\nbtime 1700000000\n")).toBe(1700000000);
});
