// `berth status` shows one row per server under the berth that supervises it (GPUs, ports, state, pid,
// restarts, last exit, health), read back from the manifest each running berth keeps in the registry: a
// restart keeps the crash it came after, a forged or foreign table is never shown, and a leftover of a
// SIGKILLed berth is removed. `status --rendezvous R --job J` shows a whole job, node by node.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { startNode } from "../support/job-nodes.ts";

afterEach(killLeftoverBerths);

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `berth-${name}-`));

interface Row { index: number; state: string; pid: number; restarts: number; lastExit: { code: number | null; signal: string | null } | null; health: { ok: boolean; status: number; latencyMs: number } | null; gpus: { index: number }[]; ports: { http: number } }

async function statusJson(registry: string) {
  const status = await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: registry } });
  expect(status).toExitWith(0);
  return JSON.parse(status.stdout);
}

async function rowsOf(registry: string, pid: number): Promise<Row[]> {
  const holder = (await statusJson(registry)).holders.find((candidate: { pid: number }) => candidate.pid === pid);
  return holder?.servers ?? [];
}

describe("status, one row per server", () => {
  test("rows with GPUs, ports, state, pid and health; a restart keeps the crash it came after (status and manifest)", async () => {
    const registry = scratch("registry");
    const manifest = join(scratch("manifest"), "m.json");
    const berth = startBerth(["run", "vllm:d2", "--simulate", "--gpus-per-node", "2", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--restart", "on-failure", "--liveness-interval", "200ms",
      "--port-pool", freePortWindow(100).pool, "--manifest", manifest, "--", ...FAKE_SERVER, "--port", "{port}"], { env: { BERTH_REGISTRY_DIR: registry } });
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const rows = await rowsOf(registry, berth.pid);
    expect(rows.map(({ index, state, restarts, lastExit, gpus }) => ({ index, state, restarts, lastExit, gpus: gpus.map((gpu) => gpu.index) }))).toEqual([
      { index: 0, state: "healthy", restarts: 0, lastExit: null, gpus: [0] },
      { index: 1, state: "healthy", restarts: 0, lastExit: null, gpus: [1] },
    ]);
    expect(rows.every((row) => row.health?.ok === true && row.health.status === 200 && row.health.latencyMs >= 0)).toBe(true);

    process.kill(rows[1]!.pid, "SIGKILL");
    await waitFor(async () => (await rowsOf(registry, berth.pid))[1]?.restarts === 1 && (await rowsOf(registry, berth.pid))[1]?.state === "healthy", "s1 restarted and healthy");
    const after = (await rowsOf(registry, berth.pid))[1]!;
    expect(after).toMatchObject({ restarts: 1, lastExit: { code: null, signal: "SIGKILL" }, state: "healthy" });
    expect(after.pid).not.toBe(rows[1]!.pid);
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.supervisor).toMatchObject({ pid: berth.pid });
    expect(written.servers[1]).toMatchObject({ restarts: 1, lastExit: { signal: "SIGKILL" }, exitCode: null });

    const plain = await runBerth(["status"], { env: { BERTH_REGISTRY_DIR: registry } });
    expect(plain.stdout).toMatch(/servers \(2\):\n +server +node +gpus +port +block +state +for +pid +restarts +last exit +health\n +s0 +0 +0 +\d+ +\d+-\d+ +healthy/);
    expect(plain.stdout).toMatch(/\n +s1 +0 +1 +\d+ .* healthy .* 1 +SIGKILL, \d+s ago +200 in [\d.]+ ms, \d+s ago\n/);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  }, 30_000);

  test("the manifest's heartbeat moves while berth runs, so a stale one can be told", async () => {
    const manifest = join(scratch("manifest"), "m.json");
    const berth = startBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--port-pool", freePortWindow(100).pool, "--manifest", manifest, "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const first = JSON.parse(readFileSync(manifest, "utf8")).heartbeatAt;
    await waitFor(() => JSON.parse(readFileSync(manifest, "utf8")).heartbeatAt !== first, "a heartbeat", 15_000);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  }, 30_000);

  test("a forged table is not shown, and a leftover of a SIGKILLed berth is removed", async () => {
    const registry = scratch("registry");
    const berth = startBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--port-pool", freePortWindow(100).pool, "--", ...FAKE_SERVER, "--port", "{port}"], { env: { BERTH_REGISTRY_DIR: registry } });
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const table = readdirSync(registry).find((name) => name.startsWith("servers-"))!;
    const path = join(registry, table);
    const genuine = readFileSync(path, "utf8");
    // Another supervisor's pid in the holder's table: not this holder's servers.
    writeFileSync(path, genuine.replace(`"pid":${berth.pid}`, `"pid":${berth.pid + 1}`).replace(`"pid": ${berth.pid}`, `"pid": ${berth.pid + 1}`));
    expect((await statusJson(registry)).holders[0].servers).toBeUndefined();
    writeFileSync(path, genuine.replace('"state": "healthy"', '"state": "<script>"'));
    expect((await statusJson(registry)).holders[0].servers).toBeUndefined();

    berth.kill("SIGKILL");
    await berth.exited;
    await waitFor(async () => (await statusJson(registry)).holders.length === 0, "the holder gone");
    expect(existsSync(path)).toBe(false);
  });
});

describe("status --rendezvous R --job J", () => {
  test("a 2-node job: every node with its liveness, every server with its state and health", async () => {
    const rendezvous = scratch("rdv");
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "watched" }));
    for (const node of nodes) await node.berth.waitForEvent((event) => event.event === "ready", "ready");
    const status = await runBerth(["status", "--rendezvous", rendezvous, "--job", "watched", "--json"]);
    expect(status).toExitWith(0);
    const job = JSON.parse(status.stdout);
    expect(job).toMatchObject({ job: "watched", state: "ready", nodes: [{ rank: 0, liveness: "alive", state: "running" }, { rank: 1, liveness: "alive", state: "running" }] });
    expect(job.servers.map((server: { index: number; node: number; state: string; health: string }) => [server.index, server.node, server.state, /^200 in \d+ ms$/.test(server.health)])).toEqual([
      [0, 0, "healthy", true], [1, 0, "healthy", true], [2, 1, "healthy", true], [3, 1, "healthy", true],
    ]);
    const plain = await runBerth(["status", "--rendezvous", rendezvous, "--job", "watched"]);
    expect(plain.stdout).toMatch(/^job watched, attempt \S+: ready\n/);
    expect(plain.stdout).toMatch(/\n +1 +127\.0\.0\.1 +running +alive +2\n/);

    nodes[1]!.berth.kill("SIGKILL");
    let last = "";
    await waitFor(async () => {
      const look = await runBerth(["status", "--rendezvous", rendezvous, "--job", "watched", "--json"]);
      last = `${look.code} ${look.stdout} ${look.stderr}`;
      return look.code === 1;
    }, "the job seen failed").catch((error) => { throw new Error(`${error.message}; last look: ${last}\nnode 0: ${nodes[0]!.berth.stderr()}\n${JSON.stringify(nodes[0]!.berth.events)}`); });
    const failed = await runBerth(["status", "--rendezvous", rendezvous, "--job", "watched"]);
    expect(failed).toExitWith(1);
    // The reader that comes after never saw node 1 alive, so node 0's record (it followed) says why.
    expect(failed.stdout).toMatch(/: failed: .*node 1 \(127\.0\.0\.1\) vanished: berth pid \d+ on \S+ is gone/);
  }, 60_000);
});
