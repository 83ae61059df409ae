// Healthy means our server serves: a stranger answering on a server's port (here, a process that listens
// there after berth's holds went and before the server bound) never makes it healthy; the start fails at
// once naming the stranger, or, under --restart on-failure, the server moves to a free block.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

/** A server that never listens: it writes the port berth gave it, then sleeps. */
function silentServer(directory: string): string[] {
  return ["sh", "-c", `echo $BERTH_PORT > ${directory}/port-$BERTH_SERVER-$$; exec sleep 60`];
}

/** A process that serves the port (trying for up to 5 s, then saying on stderr why it could not). */
function strangerOn(port: number) {
  const script = `const until = Date.now() + 5000; for (;;) { try { Bun.serve({ hostname: "127.0.0.1", port: ${port}, fetch: () => new Response("ok") }); break; } catch (error) { if (Date.now() > until) { console.error(String(error)); process.exit(1); } Bun.sleepSync(10); } } setInterval(() => {}, 1000);`;
  return Bun.spawn([process.execPath, "-e", script], { stdout: "ignore", stderr: "pipe" });
}

/** Who holds a port, for a failure's message: a stranger that could not bind it says why, and ss says who has it. */
async function portHolders(port: number, stranger: ReturnType<typeof strangerOn>): Promise<string> {
  const why = stranger.exitCode === null ? "stranger alive" : `stranger exited ${stranger.exitCode}: ${await new Response(stranger.stderr).text()}`;
  const ss = Bun.spawnSync(["ss", "-tanp", `sport = :${port}`]);
  return `${why}\nss: ${ss.stdout.toString()}`;
}

/** The port the server wrote: once its file holds a number (the shell creates the file before echo writes it). */
async function portGiven(directory: string): Promise<number> {
  const written = () => {
    const name = readdirSync(directory).find((file) => file.startsWith("port-"));
    const text = name === undefined ? "" : readFileSync(join(directory, name), "utf8").trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  await waitFor(() => written() !== undefined, "the server's start");
  return written()!;
}

describe("a stranger on a server's port", () => {
  test("never makes it healthy: the start fails at once (exit 3) with one line naming the stranger", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-stranger-"));
    const berth = startBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--port-pool", freePortWindow(100).pool, "--json", "--grace", "1s", "--", ...silentServer(directory)]);
    const port = await portGiven(directory);
    const stranger = strangerOn(port);
    try {
      const result = await Promise.race([berth.result(), Bun.sleep(15_000).then(() => undefined)]);
      if (!result) throw new Error(`berth did not fail within 15 s\nevents: ${JSON.stringify(berth.events)}\n${await portHolders(port, stranger)}`);
      expect(result).toExitWith(3);
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
      const moved = await berth.waitForEvent((event) => String(event.text ?? "").startsWith("s0 moves from ports"), "the move").catch(async (error: Error) => {
        throw new Error(`${error.message}\nevents: ${JSON.stringify(berth.events)}\nstderr: ${berth.stderr()}\n${await portHolders(port, stranger)}`);
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
