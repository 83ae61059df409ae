// Healthy means our server serves: a stranger answering on a server's port (here, a process that listens
// there after berth's holds went and before the server bound) never makes it healthy; the start fails at
// once naming the stranger, or, under --restart on-failure, the server moves to a free block.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

/** A server that never listens: it writes the port berth gave it, then sleeps. */
function silentServer(directory: string): string[] {
  return ["sh", "-c", `echo $BERTH_PORT > ${directory}/port-$BERTH_SERVER-$$; exec sleep 60`];
}

/**
 * A process that serves the port as soon as it can: berth may still hold it for a moment when the server's
 * file appears (on a loaded machine, long enough for one try to fail), so it tries until it binds.
 */
function strangerOn(port: number) {
  const script = `for (;;) { try { Bun.serve({ hostname: "127.0.0.1", port: ${port}, fetch: () => new Response("ok") }); break; } catch { Bun.sleepSync(10); } } setInterval(() => {}, 1000);`;
  return Bun.spawn([process.execPath, "-e", script], { stdout: "ignore", stderr: "ignore" });
}

async function portGiven(directory: string): Promise<number> {
  await waitFor(() => require("node:fs").readdirSync(directory).some((name: string) => name.startsWith("port-")), "the server's start");
  const name = require("node:fs").readdirSync(directory).find((file: string) => file.startsWith("port-"))!;
  return Number(readFileSync(join(directory, name), "utf8").trim());
}

describe("a stranger on a server's port", () => {
  test("never makes it healthy: the start fails at once (exit 3) with one line naming the stranger", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-stranger-"));
    const berth = startBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--port-pool", freePortWindow(100).pool, "--json", "--grace", "1s", "--", ...silentServer(directory)]);
    const stranger = strangerOn(await portGiven(directory));
    try {
      expect(await berth.result()).toExitWith(3);
      expect(berth.events.some((event) => event.event === "ready")).toBe(false);
      const failed = berth.events.find((event) => event.state === "failed");
      expect(String(failed?.detail)).toMatch(new RegExp(`^port \\d+ is served by pid ${stranger.pid} \\(bun[^)]*\\), not by s0$`));
      expect(berth.events.at(-1)).toMatchObject({ event: "exit", code: 3 });
    } finally {
      stranger.kill();
    }
  });

  test("under --restart on-failure the server moves to a free block of the pool and starts again there", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-stranger-"));
    const window = freePortWindow(100);
    const berth = startBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--port-pool", window.pool, "--json", "--grace", "1s", "--restart", "on-failure", "--", ...silentServer(directory)]);
    const port = await portGiven(directory);
    const stranger = strangerOn(port);
    try {
      const moved = await berth.waitForEvent((event) => String(event.text ?? "").startsWith("s0 moves from ports"), "the move").catch((error: Error) => {
        throw new Error(`${error.message}\nevents: ${JSON.stringify(berth.events)}\nstderr: ${berth.stderr()}\nstranger alive: ${stranger.exitCode === null}`);
      });
      expect(String(moved.text)).toMatch(new RegExp(`^s0 moves from ports ${port}-\\d+ to \\d+-\\d+$`));
      await waitFor(() => berth.events.filter((event) => event.state === "starting").length === 2, "the restart");
      expect(existsSync(directory)).toBe(true);
      berth.kill("SIGTERM");
      expect(await berth.result()).toExitWith(143);
    } finally {
      stranger.kill();
    }
  });
});
