// A job cancelled by its scheduler (Slurm's scancel, a Kubernetes pod deletion): the servers and berth are
// signalled together, in no set order, and berth may even be SIGKILLed. Real processes, real signals.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePortWindow } from "../support/free-ports.ts";
import { FAKE_SERVER, isAlive, killLeftoverBerths, startBerth, waitFor, type RunningBerth } from "../support/berth-run.ts";

afterEach(killLeftoverBerths);

const COMMON = ["--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s", "--health-path", "none"];

function manifestStates(path: string): string[] {
  return JSON.parse(readFileSync(path, "utf8")).servers.map((server: { state: string }) => server.state);
}

function childrenOf(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function serverPids(berth: RunningBerth): number[] {
  return berth.events.filter((event) => event.state === "starting").map((event) => event.pid!);
}

describe("a cancelled job", () => {
  test.each(["no", "on-failure"])("servers killed by SIGTERM just before berth gets it: exit 143, every server stopped (--restart %s)", async (restart) => {
    const manifest = join(mkdtempSync(join(tmpdir(), "berth-cancel-")), "manifest.json");
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", freePortWindow(100).pool, "--restart", restart, "--manifest", manifest, ...COMMON, "--", "sleep", "1000"]);
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
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, "--manifest", manifest, ...COMMON, "--", "sleep", "1000"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    process.kill(-serverPids(berth)[0]!, "SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(manifestStates(manifest)).toEqual(["failed"]);
  });
});

describe("a SIGKILLed berth", () => {
  test("takes each server's whole process tree (the workers too), and its guardian goes with them", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-tree-"));
    // Each server starts two workers in its own process group, as an engine's workers are.
    const server = `sleep 1000 & echo $! >> ${directory}/{server}.workers; sleep 1000 & echo $! >> ${directory}/{server}.workers; wait`;
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", freePortWindow(100).pool, ...COMMON, "--", "sh", "-c", server]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const workerFiles = [0, 1].map((index) => join(directory, `${index}.workers`));
    await waitFor(() => workerFiles.every((file) => existsSync(file) && readFileSync(file, "utf8").trim().split("\n").length === 2), "the workers to start");
    const workers = workerFiles.flatMap((file) => readFileSync(file, "utf8").trim().split("\n").map(Number));
    const guardian = childrenOf(berth.pid).find((pid) => commandLine(pid).includes("berth-guardian"));
    expect(guardian).toBeNumber();
    expect(workers.every(isAlive)).toBe(true);

    berth.kill("SIGKILL");
    await berth.exited;
    await waitFor(() => workers.every((pid) => !isAlive(pid)), "the guardian to kill the workers", 10_000);
    await waitFor(() => !isAlive(guardian!), "the guardian to exit", 10_000);
  });

  test("after a normal stop the guardian is dismissed, and kills nothing", async () => {
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, ...COMMON, "--", "sleep", "1000"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const guardian = childrenOf(berth.pid).find((pid) => commandLine(pid).includes("berth-guardian"));
    expect(guardian).toBeNumber();
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(isAlive(guardian!)).toBe(false);
  });
});

describe("the step before the engine", () => {
  test.each([
    ["no-such-engine-berth", 127, "no-such-engine-berth: command not found in PATH"],
    ["/etc/hostname", 126, "/etc/hostname: cannot execute"],
  ])("%p ends the run with %d and says why (berth's own exec step, as tini does)", async (command, code, message) => {
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, ...COMMON, "--", command]);
    expect(await berth.result()).toExitWith(code);
    expect(berth.stderr() + berth.events.map((event) => String(event.text ?? "")).join("\n")).toContain(message);
  });
});

describe("signals around a stop", () => {
  test("an engine that exits 0 on SIGTERM (uvicorn does), signalled just before berth: stopped, not failed; exit 143", async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "berth-cancel-")), "manifest.json");
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", freePortWindow(100).pool, "--manifest", manifest, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const pids = serverPids(berth);
    for (const pid of pids) process.kill(-pid, "SIGTERM");
    await waitFor(() => pids.every((pid) => !isAlive(pid)), "the servers to exit 0 on SIGTERM");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(manifestStates(manifest)).toEqual(["stopped", "stopped"]);
  });

  test("a storm of SIGTERMs and SIGINTs during the stop escalates the servers to SIGKILL and never cuts berth's own cleanup short", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", freePortWindow(100).pool, ...COMMON, "--grace", "30s",
      // Ready only once the fixture answers /health: by then it ignores SIGTERM (with no health gate the first
      // SIGTERM could land before its handler exists, and the servers would die of it at once).
      "--health-path", "/health", "--rendezvous", rendezvous, "--job", "storm", "--", ...FAKE_SERVER, "--port", "{port}", "--ignore-term"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const pids = serverPids(berth);
    berth.kill("SIGTERM");
    let sent = 1;
    while (berth.events.every((event) => event.event !== "exit") && sent < 400) {
      berth.kill(sent % 5 === 0 ? "SIGINT" : "SIGTERM");
      sent++;
      await Bun.sleep(10);
    }
    expect(await berth.result()).toExitWith(143); // the first signal decides
    expect(berth.events.at(-1)).toMatchObject({ event: "exit", code: 143 });
    // Not after the 30 s grace. Which signal is first "again" depends on what was pending together: the kernel
    // merges pending SIGTERMs and delivers a pending SIGINT first, so on a loaded machine it may be either.
    const messages = berth.events.map((event) => String(event.text ?? event.event));
    expect(messages).toContainEqual(expect.stringMatching(/^SIG(TERM|INT) again: killing every server now$/));
    expect(pids.every((pid) => !isAlive(pid))).toBe(true);
    // The final record was written, held for the other nodes, and removed: the whole stop ran.
    expect(readdirSync(join(rendezvous, "storm")).filter((name) => name.startsWith("attempts~"))).toEqual([]);
  });
});


describe("no orphan outlives berth", () => {
  test("a grandchild a server started in a session of its own is gone within 2 s of kill -9 of berth, where the host gives berth a cgroup", async () => {
    const probe = Bun.spawnSync([...(await import("../support/berth-process.ts")).berthArgv(), "probe", "--json"], { env: { ...process.env, BERTH_NVML_LIBRARY: (await import("../support/fake-nvml.ts")).fakeNvmlLibrary() } });
    const protection = JSON.parse(probe.stdout.toString()).orphanProtection;
    if (protection.kind !== "cgroup") {
      console.warn(`skipping the cgroup check: ${protection.why}`);
      return;
    }
    const pidFile = join(mkdtempSync(join(tmpdir(), "berth-orphan-")), "grandchild");
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--orphan-forever", pidFile]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", "the grandchild's pid");
    const grandchild = Number(readFileSync(pidFile, "utf8").trim());
    expect(isAlive(grandchild)).toBe(true);
    berth.kill("SIGKILL");
    await berth.exited;
    await waitFor(() => !isAlive(grandchild), "the grandchild to die with berth's cgroup", 2000);
  });
});

describe("no leftovers", () => {
  test("a SIGKILLed run, an exec that ended and a SIGKILLed demo leave no berth-* entry in TMPDIR once the next berth has run", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "berth-leftovers-"));
    const env = { TMPDIR: scratch };
    const run = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], { env });
    await run.waitForEvent((event) => event.event === "ready", "the run ready");
    run.kill("SIGKILL");
    await run.exited;
    const { runBerth } = await import("../support/berth-process.ts");
    expect(await runBerth(["exec", "vllm:d1", "--server", "0", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "true"], { env })).toExitWith(0);
    const demo = startBerth(["demo", "--servers", "1", "--duration", "0", "--json", "--port-pool", freePortWindow(100).pool], { env });
    await demo.waitForEvent((event) => event.event === "ready", "the demo ready");
    demo.kill("SIGKILL");
    await demo.exited;
    // Each berth sweeps what the ones before it left (the exec swept the killed run's, the demo the exec's): the demo's own remain.
    expect(berthEntries(scratch)).toEqual([expect.stringMatching(/^berth-demo-\d+\.json$/), expect.stringMatching(/^berth-run-\d+$/)]);
    await runBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--health-path", "none", "--", "true"], { env }); // the next berth, whatever its end
    expect(berthEntries(scratch)).toEqual([]);
  });

  test("an exec'd server keeps its slot directory from every sweep while it runs (its lock); once it ends, the next exec of the slot takes it over", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "berth-slot-"));
    const env = { TMPDIR: scratch };
    const exec = (command: string[]) => ["exec", "vllm:d1", "--server", "0", "--gpus-per-node", "1", "--simulate", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", ...command];
    const server = startBerth(exec(["sleep", "1000"]), { env });
    await waitFor(() => existsSync(join(scratch, "berth-exec-slot-0", ".berth-owner")), "the exec'd server's slot directory", 10_000);
    const { runBerth } = await import("../support/berth-process.ts");
    // A second exec of the slot takes a directory of its own; a third berth sweeps that one, never the held slot.
    expect(await runBerth(exec(["true"]), { env })).toExitWith(0);
    expect(await runBerth(exec(["true"]), { env })).toExitWith(0);
    expect(berthEntries(scratch)).toEqual(["berth-exec-slot-0", expect.stringMatching(/^berth-run-\d+$/)]);
    server.kill("SIGKILL");
    await server.exited;
    expect(await runBerth(exec(["true"]), { env })).toExitWith(0); // takes the dead slot over, sweeps the other
    expect(berthEntries(scratch)).toEqual(["berth-exec-slot-0"]);
  });

  test("16 execs of one slot at once, each round after the last one's server ended: every exit code passes through", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "berth-slot-race-"));
    const { runBerth } = await import("../support/berth-process.ts");
    const window = freePortWindow(16 * 16);
    const failures: string[] = [];
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 16 }, async (_, index) => {
        const code = round * 16 + index;
        const pool = `${window.first + index * 16}-${window.first + index * 16 + 15}`;
        const run = await runBerth(["exec", "vllm:d1", "--server", "0", "--gpus-per-node", "1", "--simulate", "--port-pool", pool, "--backend", "cmd", "--", "sh", "-c", `exit ${code}`], {
          env: { TMPDIR: scratch, BERTH_REGISTRY_DIR: join(scratch, `registry-${index}`) },
        });
        if (run.code !== code) failures.push(`exit ${code} gave ${run.code}: ${run.stderr}`);
      }));
    }
    expect(failures).toEqual([]);
  });
});

/** What berth has left in a TMPDIR, sorted. */
function berthEntries(directory: string): string[] {
  return readdirSync(directory).filter((name) => name.startsWith("berth-")).sort();
}
