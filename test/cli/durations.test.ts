// One meaning for 0 in every duration berth takes as a limit: no limit (--startup-timeout, ports --ttl,
// wait --timeout, --rendezvous-grace); intervals are off at 0, and --grace 0 is SIGKILL at once. Durations
// past a year are a typo, refused with one line. A start-up that times out is restarted under
// --restart on-failure like any other failure.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_SERVER, killLeftoverBerths, startBerth } from "../support/berth-run.ts";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const COMMON = ["--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "1s"];

test("--startup-timeout 0 is no limit: a server slow to become healthy is waited for, not failed at once", async () => {
  const berth = startBerth(["run", "vllm:d1", ...COMMON, "--startup-timeout", "0", "--port-pool", freePortWindow(100).pool, "--", ...FAKE_SERVER, "--port", "{port}", "--healthy-after", "1200"]);
  await berth.waitForEvent((event) => event.event === "ready", "ready after 1.2 s");
  berth.kill("SIGTERM");
  expect(await berth.result()).toExitWith(143);
});

test("a start-up that times out is restarted under --restart on-failure, then fails the run when no restart is left", async () => {
  const berth = startBerth(["run", "vllm:d1", ...COMMON, "--startup-timeout", "400ms", "--restart", "on-failure", "--max-restarts", "1", "--port-pool", freePortWindow(100).pool, "--",
    ...FAKE_SERVER, "--port", "{port}", "--healthy-after", "60000"]);
  expect(await berth.result()).toExitWith(1);
  const states = berth.events.filter((event) => event.event === "state").map((event) => event.state);
  expect(states).toEqual(["starting", "unhealthy", "restarting", "starting", "failed"]);
  expect(String(berth.events.find((event) => event.state === "unhealthy")?.detail)).toMatch(/^not healthy after 400ms \(\/health: HTTP 503\); stopping it to restart$/);
  expect(berth.events.at(-1)).toMatchObject({ event: "exit", code: 1, reason: "s0 was not healthy after 400ms" });
});

test("ports --ttl 0 holds until the holder is stopped; a duration past a year is bad input", async () => {
  const registry = mkdtempSync(join(tmpdir(), "berth-ttl-"));
  const held = await runBerth(["ports", "-n", "1", "--ttl", "0", "--json", "--port-pool", freePortWindow(10).pool], { env: { BERTH_REGISTRY_DIR: registry } });
  expect(held).toExitWith(0);
  const { holder, expiresAt, ports } = JSON.parse(held.stdout);
  expect(expiresAt).toBeNull();
  const status = JSON.parse((await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: registry } })).stdout);
  expect(status.holders).toEqual([expect.objectContaining({ pid: holder, ports: [{ first: ports[0], last: ports[0] }] })]);
  process.kill(holder, "SIGTERM");
  const typo = await runBerth(["ports", "--ttl", "99999999999h"]);
  expect(typo).toExitWith(2);
  expect(typo.stderr).toBe('berth: bad value "99999999999h" for --ttl; expected a duration such as 500ms, 3s, 2m or 1h, at most 8760h (a bare number means seconds)\n');
});

test("--help says what 0 means for each duration", async () => {
  const help = (await runBerth(["run", "--help"], { env: { COLUMNS: "400" } })).stdout;
  // A long term puts its text on the next line: the term, then its text, whatever the wrapping.
  const says = (text: string, flag: string, words: string) => expect(text).toMatch(new RegExp(`--${flag} DURATION\\s+[^\\n]*${words.replace(/[()]/g, "\\$&")}`));
  says(help, "startup-timeout", "(0: no limit)");
  says(help, "grace", "(0: SIGKILL at once)");
  says(help, "liveness-interval", "0 turns it off");
  says(help, "rendezvous-grace", "0: no limit");
  says((await runBerth(["wait", "--help"], { env: { COLUMNS: "400" } })).stdout, "timeout", "(0: wait for ever)");
  says((await runBerth(["ports", "--help"], { env: { COLUMNS: "400" } })).stdout, "ttl", "(0: no limit");
});
