// `berth run` with real fixture servers, real signals and real process groups.
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { FAKE_SERVER, isAlive, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";

afterEach(killLeftoverBerths);

const COMMON = ["--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s"];
/** Each launch gets its own 100 ports, found free at run time (test/support/free-ports.ts). */
function pool(): string {
  return freePortWindow(100).pool;
}

function tempDirectory(): string {
  return mkdtempSync(join(tmpdir(), "berth-run-test-"));
}

describe("berth run", () => {
  test("four fixture servers come up healthy, each with its own GPU and ports; the manifest is right; SIGTERM exits 143 leaving nothing", async () => {
    const directory = tempDirectory();
    const manifest = join(directory, "manifest.json");
    const berth = startBerth(["run", "vllm:d4", "--gpus-per-node", "4", "--simulate", "--port-pool", pool(), "--manifest", manifest, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--record", join(directory, "server-{server}.json")]);
    const ready = await berth.waitForEvent((event) => event.event === "ready", "all servers healthy");
    expect(ready.urls).toHaveLength(4);
    for (const url of ready.urls!) expect((await fetch(`${url}/v1/models`)).status).toBe(200);

    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.servers.map((server: { state: string }) => server.state)).toEqual(["healthy", "healthy", "healthy", "healthy"]);
    const records = [0, 1, 2, 3].map((index) => JSON.parse(readFileSync(join(directory, `server-${index}.json`), "utf8")));
    expect(records.map((record) => record.env.CUDA_VISIBLE_DEVICES)).toEqual(["0", "1", "2", "3"]);
    expect(records.every((record) => record.env.CUDA_DEVICE_ORDER === "PCI_BUS_ID")).toBe(true);
    expect(new Set(records.map((record) => record.env.BERTH_PORT)).size).toBe(4);
    expect(new Set(records.map((record) => record.env.TRITON_CACHE_DIR)).size).toBe(4);
    for (const [index, server] of written.servers.entries()) {
      expect(server).toMatchObject({ index, localIndex: index, node: 0, host: "127.0.0.1", state: "healthy", pid: records[index].pid, pgid: records[index].pid });
      expect(records[index].pgid).toBe(records[index].pid); // its own process group
      expect(server.url).toBe(`http://127.0.0.1:${server.ports.http}`);
      expect(String(server.ports.http)).toBe(records[index].env.BERTH_PORT);
      expect(server.gpus).toEqual([{ index, uuid: expect.stringMatching(/^GPU-/) }]);
    }

    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    for (const record of records) expect(isAlive(record.pid)).toBe(false);
    const final = JSON.parse(readFileSync(manifest, "utf8"));
    expect(final.servers.map((server: { state: string }) => server.state)).toEqual(["stopped", "stopped", "stopped", "stopped"]);
  });

  test("a server exiting with 7 makes berth exit 7 with the others stopped", async () => {
    const directory = tempDirectory();
    const berth = startBerth(["run", "vllm:d3", "--gpus-per-node", "3", "--simulate", "--port-pool", pool(), ...COMMON, "--", "sh", "-c", `echo $$ > ${directory}/{server}.pid; if [ {server} = 1 ]; then while [ ! -s ${directory}/0.pid ] || [ ! -s ${directory}/2.pid ]; do sleep 0.02; done; exit 7; fi; exec ${FAKE_SERVER.join(" ")} --port {port}`]);
    expect(await berth.result()).toExitWith(7);
    const failed = berth.events.find((event) => event.state === "failed");
    expect(failed).toMatchObject({ server: 1, detail: expect.stringContaining("exited with code 7") });
    for (const index of [0, 2]) expect(isAlive(Number(readFileSync(join(directory, `${index}.pid`), "utf8")))).toBe(false);
  });

  test("a crash during start-up is reported at once, with the tail of its log, not after the start-up timeout", async () => {
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", pool(), "--startup-timeout", "10m", ...COMMON, "--", ...FAKE_SERVER, "--crash-at-start", "3"]);
    // The test's own 30 s limit is far below the 10 minute start-up timeout: berth must not wait for it.
    expect(await berth.result()).toExitWith(3);
    expect(berth.events.some((event) => event.state === "failed" && String(event.detail).includes("during start-up"))).toBe(true);
    expect(berth.events.some((event) => event.event === "message" && String(event.text).includes("CUDA out of memory"))).toBe(true);
  });

  test("SIGKILL of berth leaves no server alive", async () => {
    const directory = tempDirectory();
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", pool(), ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--ignore-term", "--record", join(directory, "{server}.json")]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const pids = [0, 1].map((index) => JSON.parse(readFileSync(join(directory, `${index}.json`), "utf8")).pid as number);
    berth.kill("SIGKILL");
    await berth.exited;
    await waitFor(() => pids.every((pid) => !isAlive(pid)), "PR_SET_PDEATHSIG to kill the servers", 10_000);
  });

  test("orphans a server left in sessions of their own are stopped when berth stops", async () => {
    const directory = tempDirectory();
    const orphanFile = join(directory, "orphan.pid");
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), ...COMMON, "--", "sh", "-c", `${FAKE_SERVER.join(" ")} --port {port} --orphan-forever ${orphanFile} & wait`]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    await waitFor(() => existsSync(orphanFile) && readFileSync(orphanFile, "utf8").trim() !== "", "the orphan to start");
    const orphan = Number(readFileSync(orphanFile, "utf8"));
    expect(isAlive(orphan)).toBe(true);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(isAlive(orphan)).toBe(false);
  });

  test("a server that ignores SIGTERM is SIGKILLed after --grace", async () => {
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--ignore-term"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(berth.events.some((event) => event.state === "stopped" && String(event.detail).includes("SIGKILL"))).toBe(true);
  });

  test("--restart on-failure restarts only that server, on the same ports", async () => {
    const directory = tempDirectory();
    const manifest = join(directory, "manifest.json");
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", pool(), "--restart", "on-failure", "--max-restarts", "2", "--manifest", manifest, ...COMMON,
      "--", ...FAKE_SERVER, "--port", "{port}", "--fail-first-run", join(directory, "ran-{server}")]);
    await berth.waitForEvent((event) => event.event === "ready", "ready after restarts");
    const restarting = berth.events.filter((event) => event.state === "restarting");
    expect(restarting.map((event) => event.server).sort()).toEqual([0, 1]);
    expect(restarting[0]!.detail).toContain("on the same GPUs and ports");
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.servers.map((server: { restarts: number; state: string }) => [server.restarts, server.state])).toEqual([[1, "healthy"], [1, "healthy"]]);
    for (const server of written.servers) expect((await fetch(server.url + "/health")).status).toBe(200); // same port, now serving
    berth.kill("SIGINT");
    expect(await berth.result()).toExitWith(130);
  });

  test("a server that fails after ready is restarted, and ready is announced again once it is back", async () => {
    const directory = tempDirectory();
    const [ran, go] = [join(directory, "ran"), join(directory, "go")];
    // First run: serve until the test says go, then fail with 5. Second run: just serve.
    const script = `if [ ! -e ${ran} ]; then touch ${ran}; ${FAKE_SERVER.join(" ")} --port {port} & server=$!; while [ ! -e ${go} ]; do sleep 0.02; done; kill $server; wait $server; exit 5; else exec ${FAKE_SERVER.join(" ")} --port {port}; fi`;
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), "--restart", "on-failure", "--max-restarts", "1", ...COMMON, "--", "sh", "-c", script]);
    await berth.waitForEvent((event) => event.event === "ready", "the first ready");
    writeFileSync(go, "");
    await waitFor(() => berth.events.filter((event) => event.event === "ready").length === 2, "ready again after the restart");
    const order = berth.events.filter((event) => event.event === "ready" || event.state === "restarting").map((event) => event.event === "ready" ? "ready" : "restarting");
    expect(order).toEqual(["ready", "restarting", "ready"]);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });

  test("--max-restarts is a limit: a server that keeps failing ends the run with its code", async () => {
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), "--restart", "on-failure", "--max-restarts", "1", ...COMMON, "--", "sh", "-c", "exit 9"]);
    expect(await berth.result()).toExitWith(9);
    expect(berth.events.filter((event) => event.state === "restarting")).toHaveLength(1);
    expect(berth.events.filter((event) => event.state === "failed")).toHaveLength(1);
  });

  test("the per-server cache directory berth makes for a run is removed when the run ends; one named with --run-dir stays", async () => {
    const scratch = tempDirectory(); // TMPDIR for berth: where its own run directory goes
    const named = join(tempDirectory(), "kept");
    for (const runDir of [undefined, named]) {
      const record = join(scratch, `record-${runDir ? "named" : "default"}.json`);
      const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), ...(runDir ? ["--run-dir", runDir] : []), ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--record", record], { env: { TMPDIR: scratch } });
      await berth.waitForEvent((event) => event.event === "ready", "ready");
      const cache = JSON.parse(readFileSync(record, "utf8")).env.TRITON_CACHE_DIR as string;
      const root = runDir ?? join(scratch, `berth-run-${berth.pid}`);
      expect(cache.startsWith(`${root}/server-0/`)).toBe(true);
      expect(existsSync(root)).toBe(true);
      berth.kill("SIGTERM");
      expect(await berth.result()).toExitWith(143);
      expect(existsSync(root)).toBe(runDir !== undefined);
    }
  });

  test("a second run that needs a held GPU, with no free one left, fails fast with exit 3 naming the holder; refused launches leave no run directory", async () => {
    const scratch = tempDirectory(); // TMPDIR of the refused launches
    const refused = await runBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", "100-200", "--backend", "cmd", "--", "true"], { env: { TMPDIR: scratch } });
    expect(refused).toExitWith(2);
    const env = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "0,1", CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
    const first = startBerth(["run", "vllm:d2", "--port-pool", pool(), ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], { env });
    await first.waitForEvent((event) => event.event === "ready", "first run ready");
    const second = await runBerth(["run", "vllm:d2", "--port-pool", pool(), "--backend", "cmd", "--host", "127.0.0.1", "--", "true"], { env: { ...env, TMPDIR: scratch } });
    expect(second).toExitWith(3);
    expect(second.stderr).toContain(`GPU 0 held by pid ${first.pid} (run vllm:d2`);
    expect(readdirSync(scratch)).toEqual([]);
    first.kill("SIGTERM");
    expect(await first.result()).toExitWith(143);
  });

  test("a server that exits 0 after ready, unasked, fails the run: exit 1, manifest failed", async () => {
    const manifest = join(tempDirectory(), "manifest.json");
    const gate = join(tempDirectory(), "exit-now");
    const script = `${FAKE_SERVER.join(" ")} --port {port} & server=$!; while [ ! -e ${gate} ]; do sleep 0.02; done; kill $server; wait $server; exit 0`;
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), "--manifest", manifest, ...COMMON, "--", "sh", "-c", script]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    writeFileSync(gate, "");
    expect(await berth.result()).toExitWith(1);
    expect(berth.events.find((event) => event.state === "failed")?.detail).toContain("exited with code 0 although nothing asked it to stop");
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.servers.map((server: { state: string; exitCode: number }) => [server.state, server.exitCode])).toEqual([["failed", 0]]);
  });

  test("a server's exit is seen when the process exits, not when its pipes close (a forked daemon keeps stdout)", async () => {
    // Before the fix this waited out the daemon (300 s) and the test's 30 s timeout failed it.
    // `sleep 300 &` keeps the server's stdout and stderr open long after the shell has exited 3.
    const run = await runBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "none", "--grace", "2s", "--", "sh", "-c", "sleep 300 & exit 3"]);
    expect(run).toExitWith(3);
    expect(run.stderr).toContain("s0 failed: exited with code 3");
  });

  test("as PID 1 (unshare --pid --fork --mount-proc): signals work and orphans are reaped", async () => {
    const directory = tempDirectory();
    const release = join(directory, "release-orphan");
    const marker = `berth-orphan-${process.pid}`;
    // The subshell starts the orphan in a session of its own and exits at once, so the orphan's parent is
    // gone: the kernel hands it to PID 1 (berth). It waits for the test to see that, then exits.
    const orphan = `(setsid sh -c 'while [ ! -e ${release} ]; do sleep 0.02; done; exit 0' ${marker} &)`;
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--port-pool", pool(), ...COMMON, "--", "sh", "-c", `${orphan}; exec ${FAKE_SERVER.join(" ")} --port {port}`], {
      prefix: ["unshare", "--pid", "--fork", "--mount-proc"],
    });
    await berth.waitForEvent((event) => event.event === "ready", "ready as PID 1");
    // The host pid of berth (PID 1 inside) is unshare's only child.
    const hostPid = Number(readFileSync(`/proc/${berth.pid}/task/${berth.pid}/children`, "utf8").trim());
    expect(readFileSync(`/proc/${hostPid}/status`, "utf8")).toMatch(new RegExp(`^NSpid:\\s+${hostPid}\\s+1$`, "m"));
    const childrenOfBerth = () => readFileSync(`/proc/${hostPid}/task/${hostPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    const isOrphan = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker) || readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
      } catch {
        return false;
      }
    };
    let orphanPid = 0;
    await waitFor(() => (orphanPid = childrenOfBerth().find(isOrphan) ?? 0) !== 0, "the orphan to become a child of PID 1");
    writeFileSync(release, "");
    // Once it exits, PID 1 must reap it: a zombie would stay in its children for good.
    await waitFor(() => !childrenOfBerth().includes(orphanPid), `PID 1 to reap the orphan ${orphanPid}`);
    berth.kill("SIGTERM"); // to unshare: it does not forward, so signal PID 1 directly as well
    process.kill(hostPid, "SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });
});

describe("output and multi-node", () => {
  test("plain output: prefixed lines, --log-dir files, URLs and AREAL_LLM_SERVER_ADDRS", async () => {
    const directory = tempDirectory();
    const logs = join(directory, "logs");
    const berth = startBerth(["run", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--port-pool", pool(), "--backend", "cmd", "--host", "127.0.0.1", "--log-dir", logs, "--addrs-env", "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => String(event.text).startsWith("AREAL_LLM_SERVER_ADDRS="), "the addresses line");
    const lines = berth.events.map((event) => String(event.text));
    const addresses = lines.find((line) => line.startsWith("AREAL_LLM_SERVER_ADDRS="))!.split("=")[1]!.split(",");
    expect(addresses).toHaveLength(2);
    expect(addresses.every((address) => /^127\.0\.0\.1:\d+$/.test(address))).toBe(true);
    expect(lines).toContain("berth: all 2 server(s) healthy");
    expect(lines.some((line) => /^\[s1\] fixture: listening on \d+ with CUDA_VISIBLE_DEVICES=1$/.test(line))).toBe(true);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(readFileSync(join(logs, "server-0.log"), "utf8")).toContain("fixture: listening on");
    expect(berth.stderr()).toContain("berth: s0 healthy after");
  });

  test("each node runs its own slice: node 1 of 2 gets server 2 on its local GPU 0", async () => {
    const directory = tempDirectory();
    const manifest = join(directory, "manifest.json");
    const berth = startBerth(["run", "vllm:d3", "--gpus-per-node", "2", "--simulate", "--port-pool", pool(), "--manifest", manifest, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], {
      env: { SLURM_NODEID: "1", SLURM_NNODES: "2" },
    });
    const node = await berth.waitForEvent((event) => event.event === "node", "the node event");
    expect(node).toMatchObject({ rank: 1, count: 2, source: "SLURM_NODEID/SLURM_NNODES", servers: 1 });
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.node).toBe(1);
    expect(written.servers.map((server: { index: number; node: number; localIndex: number; gpus: { index: number }[] }) => [server.index, server.node, server.localIndex, server.gpus[0]!.index])).toEqual([[2, 1, 0, 0]]);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });
});

describe("with NVML (the fake library)", () => {
  test("servers get the NVML indices of berth's visible GPUs, and those GPUs are locked by UUID", async () => {
    const directory = tempDirectory();
    const manifest = join(directory, "manifest.json");
    const env = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "4,5,6,7", CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
    const berth = startBerth(["run", "vllm:d2t2", "--port-pool", pool(), "--manifest", manifest, ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--record", join(directory, "{server}.json")], { env });
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const records = [0, 1].map((index) => JSON.parse(readFileSync(join(directory, `${index}.json`), "utf8")));
    expect(records.map((record) => record.env.CUDA_VISIBLE_DEVICES)).toEqual(["4,5", "6,7"]);
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.servers[1].gpus).toEqual([
      { index: 6, uuid: "GPU-5eed0006-1006-2006-3006-000000abc006" },
      { index: 7, uuid: "GPU-5eed0007-1007-2007-3007-000000abc007" },
    ]);
    // The same GPUs, seen through another CUDA_VISIBLE_DEVICES spelling, are refused naming the holder.
    const second = await runBerth(["run", "vllm:d1t2", "--port-pool", pool(), "--backend", "cmd", "--", "true"], { env: { ...env, CUDA_VISIBLE_DEVICES: "GPU-5eed0006,GPU-5eed0007" } });
    expect(second).toExitWith(3);
    expect(second.stderr).toContain(`GPU 6 held by pid ${berth.pid} (run vllm:d2t2`);
    // probe shows them as held, too.
    const probe = await runBerth(["probe", "--json"], { env });
    const held = JSON.parse(probe.stdout).gpus.map((gpu: { index: number; heldBy: { pid: number } | null }) => [gpu.index, gpu.heldBy?.pid ?? null]);
    expect(held).toEqual([[4, berth.pid], [5, berth.pid], [6, berth.pid], [7, berth.pid]]);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });

  test("a GPU NVML refuses to describe is never a server's: with no other left, exit 3", async () => {
    const run = await runBerth(["run", "vllm:d4", "--port-pool", pool(), "--backend", "cmd", "--", "true"], {
      env: { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), FAKE_NVML_PRESET: "no-permission", CUDA_DEVICE_ORDER: "PCI_BUS_ID" },
    });
    expect(run).toExitWith(3);
    expect(run.stderr).toContain("GPU 2 unreadable (NVML_ERROR_NO_PERMISSION)");
  });
});

describe("refusals", () => {
  test.each([
    [["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "vllm", "--", "model", "--port", "9000"], "--port after -- sets --port, which berth sets itself"],
    [["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "vllm", "--", "model", "--tensor_parallel_size=2"], "--tensor_parallel_size=2 after -- sets --tensor-parallel-size"],
    [["run", "sglang:d1", "--gpus-per-node", "1", "--simulate", "--", "--model-path", "m", "--tp", "2"], "--tp after -- sets --tp"],
    [["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "cmd"], "--backend cmd needs the server command after --"],
    [["run", "vllm:d4x1", "--gpus-per-node", "1", "--simulate"], "bad spec"],
    [["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--restart", "always"], 'bad value "always" for --restart; expected one of no, on-failure'],
    [["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--max-restarts", "2", "--", "x"], "--max-restarts needs --restart on-failure"],
    [["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--engine-cmd", "\"unclosed", "--", "x"], 'bad value "\\"unclosed" for --engine-cmd'],
  ])("%p", async (args, expected) => {
    const run = await runBerth(args);
    expect(run).toExitWith(2);
    expect(run.stderr).toContain(expected);
  });

  // One rule for every command: what follows from the flags and the spec alone is 2; only what the host
  // contributes (NVML's GPU count, the kernel's default pool) makes it 3.
  test.each([
    ["plan", 2],
    ["run", 2],
    ["exec", 2],
  ] as const)("a spec larger than --gpus-per-node is bad input (2) from %s", async (command, code) => {
    const slot = command === "exec" ? ["--server", "0"] : [];
    const args = command === "plan" ? [command, "vllm:d4", "--gpus-per-node", "2"] : [command, "vllm:d4", "--gpus-per-node", "2", "--simulate", ...slot, "--backend", "cmd", "--", "true"];
    const run = await runBerth(args);
    expect(run).toExitWith(code);
    expect(run.stderr).toContain("does not fit 1 node(s) × 2 GPUs");
  });

  test.each(["plan", "run"] as const)("a spec larger than the GPUs NVML shows is the environment (3) from %s", async (command) => {
    const env = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "0,1" };
    const run = await runBerth(command === "plan" ? [command, "vllm:d4"] : [command, "vllm:d4", "--backend", "cmd", "--", "true"], { env });
    expect(run).toExitWith(3);
    expect(run.stderr).toContain("does not fit 1 node(s) × 2 GPUs");
  });

  test.each([
    ["plan", []],
    ["run", ["--simulate", "--backend", "cmd", "--host", "127.0.0.1", "--", "true"]],
  ] as const)("a --port-pool too small for the blocks is bad input (2) from %s", async (command, rest) => {
    const window = freePortWindow(100);
    const run = await runBerth([command, "vllm:d8", "--gpus-per-node", "8", "--port-pool", window.pool, ...rest]);
    expect(run).toExitWith(2);
    expect(run.stderr).toContain(`but the pool ${window.pool}, less reserved ports, holds only ${Math.floor(100 / vllmBackend.block.width)}`);
  });

  test("the node rank must be below the node count", async () => {
    const run = await runBerth(["run", "vllm:d4", "--gpus-per-node", "2", "--simulate", "--backend", "cmd", "--", "true"], { env: { SLURM_NODEID: "3", SLURM_NNODES: "2" } });
    expect(run).toExitWith(2);
    expect(run.stderr).toContain("node rank 3 is not below the node count 2 (from SLURM_NODEID/SLURM_NNODES)");
  });
});

