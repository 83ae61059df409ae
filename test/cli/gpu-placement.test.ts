// GPUs chosen like ports, on a 4-GPU fake node (the fake NVML library): GPU 1 busy, GPU 2 in MIG mode.
// Launches that share the host take the free GPUs in turn, say where they went, and the last one, with
// nothing left, is refused naming what holds each GPU; across registries too (the kernel guard).
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth } from "../support/berth-run.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const NODE = ["uuid=GPU-aaaa0000-0000-4000-8000-000000000000,numa=0", "uuid=GPU-aaaa0001-0000-4000-8000-000000000001,numa=0,procs=4242:1073741824", "uuid=GPU-aaaa0002-0000-4000-8000-000000000002,numa=1,mig=1", "uuid=GPU-aaaa0003-0000-4000-8000-000000000003,numa=1"].join(";");

function nvml(registry?: string): Record<string, string> {
  return { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), FAKE_NVML_GPUS: NODE, CUDA_DEVICE_ORDER: "PCI_BUS_ID", ...(registry ? { BERTH_REGISTRY_DIR: registry } : {}) };
}

function startRun(env: Record<string, string>, manifest: string) {
  return startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s", "--manifest", manifest, "--", ...FAKE_SERVER, "--port", "{port}"], { env });
}

const gpusIn = (manifest: string) => JSON.parse(readFileSync(manifest, "utf8")).servers[0].gpus.map((gpu: { index: number }) => gpu.index);

describe.each([
  ["one registry", false],
  ["a registry each (the kernel guard)", true],
])("1-GPU launches on a 4-GPU node, %s", (_, ownRegistries) => {
  test("the first takes GPU 0, the second moves past the busy and the MIG GPU to GPU 3, the third is refused naming each", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-gpus-"));
    const registry = (name: string) => (ownRegistries ? mkdtempSync(join(tmpdir(), `berth-gpus-${name}-`)) : undefined);
    const first = startRun(nvml(registry("a")), join(directory, "a.json"));
    await first.waitForEvent((event) => event.event === "ready", "the first launch ready");
    expect(gpusIn(join(directory, "a.json"))).toEqual([0]);
    const second = startRun(nvml(registry("b")), join(directory, "b.json"));
    await second.waitForEvent((event) => event.event === "ready", "the second launch ready");
    expect(gpusIn(join(directory, "b.json"))).toEqual([3]);
    expect(second.stderr()).toMatch(new RegExp(`berth: warning: server 0 uses GPU 3 instead of GPU 0, held by pid ${first.pid}`));
    const third = await runBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "true"], { env: nvml(registry("c")) });
    expect(third).toExitWith(3);
    const line = third.stderr.trim();
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toContain(`GPU 0 held by pid ${first.pid}`);
    expect(line).toContain("GPU 1 busy: in use by 1 process (pid 4242, 1.0 GiB)");
    expect(line).toContain("GPU 2 in MIG mode");
    expect(line).toContain(`GPU 3 held by pid ${second.pid}`);
    for (const berth of [first, second]) berth.kill("SIGTERM");
    for (const berth of [first, second]) expect(await berth.result()).toExitWith(143);
  });
});

describe("berth plan", () => {
  test("keeps the deterministic layout, and says that placement may move", async () => {
    const run = await runBerth(["plan", "vllm:d2", "--gpus-per-node", "4"]);
    expect(run).toExitWith(0);
    expect(run.stdout.replace(/\s+/g, " ")).toContain("berth run moves a server whose planned GPUs or ports another launch holds (or that are busy or in MIG mode) to free ones, and says so");
  });
});
