// Attempts: named by the user or by Slurm, derived otherwise; and the store keys they live under.
import { describe, expect, test } from "bun:test";
import { attemptFromEnvironment, derivedAttemptName, nodeKey, parseCurrentAttempt, parseNodeKey } from "../../../src/core/rendezvous/attempt.ts";
import { sharedGroupId } from "../../../src/core/rendezvous/shared-group.ts";

describe("attemptFromEnvironment", () => {
  test.each([
    [{ value: "try-2" }, {}, { attempt: "try-2", from: "--attempt" }],
    [{ value: "x", origin: "BERTH_ATTEMPT" }, { SLURM_JOB_ID: "7" }, { attempt: "x", from: "BERTH_ATTEMPT" }],
    [{}, { SLURM_JOB_ID: "812" }, { attempt: "slurm-812.0", from: "SLURM_JOB_ID/SLURM_RESTART_COUNT" }],
    [{}, { SLURM_JOB_ID: "812", SLURM_RESTART_COUNT: "3" }, { attempt: "slurm-812.3", from: "SLURM_JOB_ID/SLURM_RESTART_COUNT" }],
  ])("%p with %p", (flag, env, source) => {
    expect(attemptFromEnvironment(flag, env)).toEqual({ ok: true, source });
  });

  test("without a name or Slurm it is derived through the store", () => {
    expect(attemptFromEnvironment({}, { LWS_LEADER_ADDRESS: "rl-0.rl" })).toEqual({ ok: true });
  });

  test.each([
    [{ value: "a/b" }, {}, 'bad value "a/b" for --attempt'],
    [{ value: "-x" }, {}, 'bad value "-x" for --attempt'],
    [{}, { SLURM_JOB_ID: "812", SLURM_RESTART_COUNT: "x" }, 'bad value "x" for SLURM_RESTART_COUNT'],
  ])("refuses %p %p", (flag, env, message) => {
    const result = attemptFromEnvironment(flag, env);
    expect(result.ok ? "" : result.message).toContain(message);
  });

  test("derived names say when they began and cannot coincide", () => {
    expect(derivedAttemptName(new Date("2026-12-06T20:31:39.123Z"), "58539e")).toBe("20261206T203139Z-58539e");
  });
});

describe("store keys", () => {
  test("a node key names its attempt and rank, and nothing else parses as one", () => {
    expect(parseNodeKey(nodeKey("slurm-9.1", 3))).toEqual({ attempt: "slurm-9.1", rank: 3 });
    expect(parseNodeKey("current-attempt")).toBeUndefined();
    expect(parseNodeKey("attempts/a/nodes/x")).toBeUndefined();
  });

  test("the current-attempt value is validated", () => {
    expect(parseCurrentAttempt(JSON.stringify({ attempt: "a1", createdAt: 5, by: "berth pid 1 on h" }))).toEqual({ attempt: "a1", createdAt: 5, by: "berth pid 1 on h" });
    expect(parseCurrentAttempt(JSON.stringify({ attempt: "../etc", createdAt: 5, by: "x" }))).toBeUndefined();
    expect(parseCurrentAttempt("{")).toBeUndefined();
  });
});

describe("--rendezvous-group", () => {
  const groups = "root:x:0:\nnogroup:x:65534:\nml:x:1207:alice,bob\n";
  test.each([
    ["ml", { ok: true, gid: 1207 }],
    ["1300", { ok: true, gid: 1300 }],
  ])("%p", (value, expected) => {
    expect(sharedGroupId(value, "--rendezvous-group", groups)).toEqual(expected as never);
  });

  test("an unknown group is bad input naming it", () => {
    expect(sharedGroupId("nope", "BERTH_RENDEZVOUS_GROUP", groups)).toEqual({ ok: false, message: 'bad value "nope" for BERTH_RENDEZVOUS_GROUP; expected a group of this host (see getent group) or a numeric gid' });
  });
});
