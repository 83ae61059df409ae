// berth in real containers (rootful podman, an image built offline from the shipped Containerfile on the
// scratch base of container/make-base.sh): PID 1 without --init, signals and exit codes through `podman`,
// orphans reaped, two containers on one node, outputs in mounted directories, and a rendezvous across
// containers. Every container uses --network host and ports found free at run time.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { runBerth } from "../support/berth-process.ts";
import { waitFor } from "../support/berth-run.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { buildImages, CONTAINER_BERTH, ENGINE_BERTH_IMAGE, podman, podmanMissing, removeContainersLeft, runContainer } from "../support/podman.ts";

const missing = podmanMissing();
if (missing) console.warn(`test/e2e/containers.test.ts skipped: ${missing}`);

const BLOCK = vllmBackend.block.width;
const DEMO_SERVER = [CONTAINER_BERTH, "__demo-server", "--port", "{port}", "--host", "{host}", "--server", "{server}", "--warmup", "0ms"];
const SIMULATED = ["--simulate", "--backend", "cmd", "--host", "127.0.0.1", "--json"];
const isReady = (event: Record<string, unknown>) => event.event === "ready";
let removeImages = async () => {};
const scratch: string[] = [];

function directory(name: string): string {
  const made = mkdtempSync(join(tmpdir(), `berth-e2e-${name}-`));
  chmodSync(made, 0o755);
  scratch.push(made);
  return made;
}

/** The fake NVML library (8 GPUs), mounted read-only, as berth's NVML. */
function fakeGpus(visible: string): string[] {
  const library = fakeNvmlLibrary();
  return ["-v", `${dirname(library)}:/opt/nvml:ro`, "-e", "BERTH_NVML_LIBRARY=/opt/nvml/libnvidia-ml.so.1", "-e", `CUDA_VISIBLE_DEVICES=${visible}`, "-e", "CUDA_DEVICE_ORDER=PCI_BUS_ID"];
}

describe.skipIf(missing !== undefined)("berth in a container", () => {
  beforeAll(async () => {
    removeImages = await buildImages();
  }, 300_000);
  afterEach(removeContainersLeft, 60_000);
  afterAll(async () => {
    await removeImages();
    for (const made of scratch) rmSync(made, { recursive: true, force: true });
  }, 120_000);

  test("berth is PID 1 and a server's exit code becomes podman run's", async () => {
    const run = runContainer(["run", "vllm:d1", ...SIMULATED, "--gpus-per-node", "1", "--health-path", "none", "--port-pool", freePortWindow(BLOCK).pool, "--", "sh", "-c", "echo parent=$PPID; exit 7"]);
    const result = await run.finished;
    expect({ code: result.code, output: run.output() }).toEqual({ code: 7, output: expect.stringContaining("[s0] parent=1") });
    expect(run.events.at(-1)).toMatchObject({ event: "exit", code: 7, reason: "s0 exited with code 7" });
  });

  test("podman stop ends it with 143 before podman's own SIGKILL, every server stopped", async () => {
    const run = runContainer(["run", "vllm:d2", ...SIMULATED, "--gpus-per-node", "2", "--grace", "10s", "--port-pool", freePortWindow(2 * BLOCK).pool, "--", ...DEMO_SERVER]);
    await run.waitForEvent(isReady, "ready");
    // podman would SIGKILL after 60 s (exit 137); 143 means berth stopped its servers and left by itself.
    expect(await podman(["stop", "-t", "60", run.name])).toMatchObject({ code: 0 });
    expect({ code: (await run.finished).code, output: run.output() }).toEqual({ code: 143, output: expect.any(String) });
    expect(run.events.filter((event) => event.state === "stopped").map((event) => event.server)).toEqual(expect.arrayContaining([0, 1]));
    expect(run.events.at(-1)).toMatchObject({ event: "exit", code: 143, reason: "stopped by SIGTERM" });
  });

  test("podman kill -s INT ends it with 130", async () => {
    const run = runContainer(["run", "vllm:d1", ...SIMULATED, "--gpus-per-node", "1", "--port-pool", freePortWindow(BLOCK).pool, "--", ...DEMO_SERVER]);
    await run.waitForEvent(isReady, "ready");
    expect(await podman(["kill", "-s", "INT", run.name])).toMatchObject({ code: 0 });
    expect({ code: (await run.finished).code, output: run.output() }).toEqual({ code: 130, output: expect.any(String) });
    expect(run.events.at(-1)).toMatchObject({ event: "exit", code: 130, reason: "stopped by SIGINT" });
  });

  test("an orphan re-parented to berth (PID 1) is reaped when it exits: no zombie, no --init", async () => {
    const out = directory("orphan");
    // The inner shell starts sleep in the background, writes its pid and exits: sleep is orphaned onto PID 1.
    const server = `sh -c 'sleep 2 & echo $! > /out/orphan'; exec ${DEMO_SERVER.join(" ")}`;
    const run = runContainer(["run", "vllm:d1", ...SIMULATED, "--gpus-per-node", "1", "--port-pool", freePortWindow(BLOCK).pool, "--", "sh", "-c", server], ["-v", `${out}:/out`]);
    await run.waitForEvent(isReady, "ready");
    await waitFor(() => existsSync(join(out, "orphan")) && readFileSync(join(out, "orphan"), "utf8").trim() !== "", "the orphan's pid");
    const orphan = readFileSync(join(out, "orphan"), "utf8").trim();
    const stat = async () => (await podman(["exec", run.name, "sh", "-c", `read -r line < /proc/${orphan}/stat && echo "$line"`])).stdout.trim();
    const alive = await stat();
    const fields = alive.slice(alive.lastIndexOf(")") + 2).split(" ");
    expect({ orphan: alive, parent: fields[1] }).toEqual({ orphan: alive, parent: "1" });
    // Once sleep exits it is gone from /proc: berth waited for it. Unreaped, it would stay a zombie (state Z).
    let last = alive;
    await waitFor(async () => (last = await stat()) === "", `pid ${orphan} to be reaped (last seen: ${last})`, 30_000);
    expect(await podman(["stop", "-t", "30", run.name])).toMatchObject({ code: 0 });
    expect((await run.finished).code).toBe(143);
  });

  test("two containers sharing the host's registry by bind mount get disjoint GPUs and ports; a third wanting a taken GPU is refused, naming the holder's container", async () => {
    const registry = directory("registry");
    const window = freePortWindow(4 * BLOCK);
    const shared = ["-v", `${registry}:/run/berth`];
    const args = ["run", "vllm:d2", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--port-pool", window.pool, "--", ...DEMO_SERVER];
    const first = runContainer(args, [...shared, ...fakeGpus("4,5")]);
    const firstReady = await first.waitForEvent(isReady, "the first container ready");
    const second = runContainer(args, [...shared, ...fakeGpus("6,7")]);
    const secondReady = await second.waitForEvent(isReady, "the second container ready");
    const urls = [...(firstReady.urls as string[]), ...(secondReady.urls as string[])];
    expect(new Set(urls).size).toBe(4);

    // From the host, through the same directory: two holders, both pid 1 in their containers, told apart.
    const status = await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: registry } });
    expect(status).toExitWith(0);
    const holders: { pid: number; container: string; seenAsPid?: number; gpus: string[]; ports: { first: number; last: number }[] }[] = JSON.parse(status.stdout).holders;
    expect(holders).toHaveLength(2);
    expect(holders.map((holder) => holder.pid)).toEqual([1, 1]);
    expect(new Set(holders.map((holder) => holder.container)).size).toBe(2);
    expect(holders.every((holder) => typeof holder.seenAsPid === "number" && holder.seenAsPid > 1)).toBe(true);
    const text = await runBerth(["status"], { env: { BERTH_REGISTRY_DIR: registry } });
    expect(text.stdout.match(/^pid \d+ \(pid 1 in container [0-9a-f]{12}\) {2}run vllm:d2/gm)).toHaveLength(2);
    const gpus = holders.flatMap((holder) => holder.gpus);
    expect(new Set(gpus).size).toBe(4);
    const ports = holders.flatMap((holder) => holder.ports.flatMap((range) => Array.from({ length: range.last - range.first + 1 }, (_, offset) => range.first + offset)));
    expect(new Set(ports).size).toBe(ports.length);

    const third = runContainer(["run", "vllm:d1", "--backend", "cmd", "--host", "127.0.0.1", "--port-pool", freePortWindow(BLOCK).pool, "--", ...DEMO_SERVER], [...shared, ...fakeGpus("5")]);
    const refused = await third.finished;
    expect({ code: refused.code, output: third.output() }).toEqual({ code: 3, output: expect.stringMatching(/held by pid 1 in container [0-9a-f]{12} \(another pid namespace, pid:\[\d+\]\) \(run vllm:d2/) });

    for (const container of [first, second]) expect(await podman(["stop", "-t", "30", container.name])).toMatchObject({ code: 0 });
    for (const container of [first, second]) expect((await container.finished).code).toBe(143);
  });

  test("without the shared registry, the kernel guard still moves the second container's servers off the first's ports, naming why", async () => {
    const window = freePortWindow(4 * BLOCK);
    const args = ["run", "vllm:d1", ...SIMULATED, "--gpus-per-node", "1", "--port-pool", window.pool, "--", ...DEMO_SERVER];
    const first = runContainer(args);
    const firstReady = await first.waitForEvent(isReady, "the first container ready");
    const second = runContainer(args);
    const secondReady = await second.waitForEvent(isReady, "the second container ready");
    expect(firstReady.urls).toEqual([`http://127.0.0.1:${window.first}`]);
    expect(secondReady.urls).not.toEqual(firstReady.urls);
    const moved = second.events.filter((event) => event.event === "message" || event.event === "node");
    expect({ moved, stderr: second.output() }).toEqual({ moved, stderr: expect.stringContaining(`port ${window.first} of server 0's block ${window.first}-${window.first + BLOCK - 1} is held by another berth outside this registry (its kernel guard @berth/port/${window.first}); server 0 uses`) });
    for (const container of [first, second]) expect(await podman(["stop", "-t", "30", container.name])).toMatchObject({ code: 0 });
    for (const container of [first, second]) expect((await container.finished).code).toBe(143);
  });

  test("the manifest and the server logs land in a mounted directory", async () => {
    const out = directory("outputs");
    const run = runContainer(["run", "vllm:d2", ...SIMULATED, "--gpus-per-node", "2", "--manifest", "/out/manifest.json", "--log-dir", "/out/logs", "--port-pool", freePortWindow(2 * BLOCK).pool, "--", ...DEMO_SERVER], ["-v", `${out}:/out`]);
    await run.waitForEvent(isReady, "ready");
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ schemaVersion: 1, servers: [{ state: "healthy" }, { state: "healthy" }] });
    expect(readdirSync(join(out, "logs")).sort()).toEqual(expect.arrayContaining([expect.stringContaining("0"), expect.stringContaining("1")]));
    const logs = readdirSync(join(out, "logs")).map((name) => readFileSync(join(out, "logs", name), "utf8")).join("");
    expect(logs).toContain("demo server 0 listening");
    expect(await podman(["stop", "-t", "30", run.name])).toMatchObject({ code: 0 });
    expect((await run.finished).code).toBe(143);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).servers.map((server: { state: string }) => server.state)).toEqual(["stopped", "stopped"]);
  });

  test("a rendezvous across two containers: each publishes its node, and berth wait in a third sees the whole job", async () => {
    const meeting = directory("rendezvous");
    const window = freePortWindow(2 * BLOCK);
    // Two "nodes" on one host: they share the host's registry (as containers on one node should), and each
    // sees its own fake GPU, as the scheduler would give each node its own.
    const registry = directory("registry");
    const node = (rank: number) =>
      runContainer(
        ["run", "vllm:d2", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--gpus-per-node", "1", "--nodes", "2", "--node-rank", String(rank), "--rendezvous", "/rendezvous", "--job", "containers", "--port-pool", window.pool, "--", ...DEMO_SERVER],
        ["-v", `${meeting}:/rendezvous`, "-v", `${registry}:/run/berth`, ...fakeGpus(String(4 + rank))],
      );
    const nodes = [node(0), node(1)];
    for (const container of nodes) await container.waitForEvent(isReady, "its node ready");
    const wait = runContainer(["wait", "--rendezvous", "/rendezvous", "--job", "containers", "--json", "--timeout", "60s"], ["-v", `${meeting}:/rendezvous`]);
    const waited = await wait.finished;
    const nodeOutputs = nodes.map((container) => container.output());
    expect({ code: waited.code, output: wait.output(), nodeOutputs }).toEqual({ code: 0, output: expect.any(String), nodeOutputs });
    const servers: { index: number; node: number; url: string; state: string }[] = JSON.parse(waited.stdout).servers;
    expect(servers.map(({ index, node, state }) => ({ index, node, state }))).toEqual([
      { index: 0, node: 0, state: "healthy" },
      { index: 1, node: 1, state: "healthy" },
    ]);
    for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // The job is cancelled as a whole (one podman stop for both, as scancel signals every node); a node stopped
    // alone would make the other stop too, with exit 1, under --fail-together.
    expect(await podman(["stop", "-t", "30", ...nodes.map((container) => container.name)])).toMatchObject({ code: 0 });
    for (const container of nodes) expect((await container.finished).code).toBe(143);
  });

  test("the engine-image pattern (examples/containers/vllm.Containerfile): spec and flags from BERTH_*, the engine's arguments as the command", async () => {
    const out = directory("engine");
    const settings = { BERTH_SPEC: "vllm:d2", BERTH_SIMULATE: "1", BERTH_GPUS_PER_NODE: "2", BERTH_HOST: "127.0.0.1", BERTH_JSON: "1", BERTH_PORT_POOL: freePortWindow(2 * BLOCK).pool };
    const run = runContainer(["Qwen/Qwen3-8B", "--max-model-len", "4096"], ["-v", `${out}:/out`, ...Object.entries(settings).flatMap(([name, value]) => ["-e", `${name}=${value}`])], ENGINE_BERTH_IMAGE);
    const ready = await run.waitForEvent(isReady, "both stand-in vLLM servers healthy");
    expect(ready.urls).toHaveLength(2);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.servers.map((server: { backend: string; state: string }) => [server.backend, server.state])).toEqual([["vllm", "healthy"], ["vllm", "healthy"]]);
    expect(readdirSync(join(out, "logs")).length).toBe(2);
    expect(await podman(["stop", "-t", "60", run.name])).toMatchObject({ code: 0 });
    expect({ code: (await run.finished).code, output: run.output() }).toEqual({ code: 143, output: expect.any(String) });
  });
});
