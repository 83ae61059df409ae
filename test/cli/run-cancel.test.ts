// A job cancelled by its scheduler (Slurm's scancel, a Kubernetes pod deletion): the servers and berth are
// signalled together, in no set order, and berth may even be SIGKILLed. Real processes, real signals.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePortWindow } from "../support/free-ports.ts";
import { isAlive, killLeftoverBerths, startBerth, waitFor, type RunningBerth } from "../support/berth-run.ts";

afterEach(killLeftoverBerths);

const COMMON = ["--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s", "--health-path", "none"];

function manifestStates(path: string): string[] {
  return JSON.parse(readFileSync(path, "utf8")).servers.map((server: { state: string }) => server.state);
}

function serverPids(berth: RunningBerth): number[] {
  return berth.events.filter((event) => event.state === "starting").map((event) => event.pid!);
}

describe("a cancelled job", () => {
  test.each(["no", "on-failure"])("servers killed by SIGTERM just before berth gets it: exit 143, every server stopped (--restart %s)", async (restart) => {
    const manifest = join(mkdtempSync(join(tmpdir(), "berth-cancel-")), "manifest.json");
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--restart", restart, "--manifest", manifest, ...COMMON, "--", "sleep", "1000"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const pids = serverPids(berth);
    // The scheduler's order: the servers die first (of the default action of SIGTERM), then berth hears.
    for (const pid of pids) process.kill(-pid, "SIGTERM");
    await waitFor(() => pids.every((pid) => !isAlive(pid)), "the servers to die of SIGTERM");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(manifestStates(manifest)).toEqual(["stopped", "stopped"]);
    expect(berth.events.some((event) => event.state === "failed" || event.state === "restarting")).toBe(false);
    expect(serverPids(berth)).toHaveLength(2); // nothing was restarted
  });

  test("a server killed by SIGTERM while berth is not signalled is still a failure (exit 143, failed)", async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "berth-cancel-")), "manifest.json");
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--port-pool", freePortWindow(100).pool, "--manifest", manifest, ...COMMON, "--", "sleep", "1000"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    process.kill(-serverPids(berth)[0]!, "SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(manifestStates(manifest)).toEqual(["failed"]);
  });
});
