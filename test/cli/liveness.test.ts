// Health after ready: a server that answers 503 for good once healthy is noticed, and a health path that
// answers 404 is reported at once. Real fixture servers over real HTTP.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const COMMON = ["--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s"];

function manifestServers(path: string): { state: string; restarts: number }[] {
  return JSON.parse(readFileSync(path, "utf8")).servers;
}

describe("liveness", () => {
  test("a server that answers 503 for good after ready becomes unhealthy and fails the run (exit 1)", async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "berth-live-")), "manifest.json");
    const berth = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--liveness-interval", "50ms", "--manifest", manifest, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--unhealthy-after", "300"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    expect(await berth.result()).toExitWith(1);
    const failed = berth.events.find((event) => event.state === "failed");
    expect(failed?.detail).toMatch(/^unhealthy: 3 liveness checks in a row failed \(http:\/\/127\.0\.0\.1:\d+\/health: HTTP 503\)$/);
    expect(manifestServers(manifest).map((server) => server.state)).toEqual(["failed"]);
  });

  test("under --restart on-failure an unhealthy server is stopped and restarted, and ready comes again", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-live-"));
    const manifest = join(directory, "manifest.json");
    const berth = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--liveness-interval", "50ms", "--restart", "on-failure", "--max-restarts", "1", "--manifest", manifest, ...COMMON,
      "--", ...FAKE_SERVER, "--port", "{port}", "--unhealthy-after", "300", "--unhealthy-first-run", join(directory, "wedged-once")]);
    await waitFor(() => berth.events.filter((event) => event.event === "ready").length === 2, "ready again after the restart");
    const states = berth.events.filter((event) => event.event === "state" || event.state !== undefined).map((event) => event.state);
    expect(states).toEqual(["starting", "healthy", "unhealthy", "restarting", "starting", "healthy"]);
    expect(manifestServers(manifest).map((server) => [server.state, server.restarts])).toEqual([["healthy", 1]]);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });

  test("--liveness-interval 0 turns the checks off", async () => {
    // Two runs whose servers both wedge 100 ms in: the one checking every 50 ms is the clock that says
    // enough time has passed for checks to have failed; the one with 0 must still be running, healthy.
    const wedged = ["--", ...FAKE_SERVER, "--port", "{port}", "--unhealthy-after", "100"];
    const unchecked = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--liveness-interval", "0", ...COMMON, ...wedged]);
    await unchecked.waitForEvent((event) => event.event === "ready", "ready");
    // Its own registry: both run on the same simulated GPU 0.
    const control = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--liveness-interval", "50ms", ...COMMON, ...wedged], { env: { BERTH_REGISTRY_DIR: mkdtempSync(join(tmpdir(), "berth-registry-")) } });
    expect(await control.result()).toExitWith(1);
    expect(unchecked.events.some((event) => event.state === "unhealthy" || event.state === "failed")).toBe(false);
    const url = unchecked.events.find((event) => event.event === "ready")!.urls![0]!;
    expect((await fetch(`${url}/health`)).status).toBe(503); // wedged, and berth was not asked to notice
    unchecked.kill("SIGTERM");
    expect(await unchecked.result()).toExitWith(143);
  });
});

describe("a wrong health path", () => {
  test("a 404 from the health path is reported at once (exit 2), not polled for the start-up timeout", async () => {
    const run = await runBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--health-path", "/healthz", "--startup-timeout", "10m", ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"]);
    expect(run).toExitWith(2);
    expect(run.stdout).toContain("GET /healthz answered HTTP 404: this server has no such health path; pass --health-path with its health endpoint (e.g. /health), or none");
  });
});
