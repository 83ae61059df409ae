// `berth exec`: the slot's reservation lives exactly as long as the server, which keeps berth's pid.
import { locksOf } from "../support/status-locks.ts";
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { expect, test } from "bun:test";
import { join } from "node:path";
import { berthArgv, runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";

const LIBC = join(import.meta.dir, "../../src/ffi/libc.ts");

test("LOCAL_RANK picks the slot; the server has berth's pid, its GPU, its ports, and holds the locks (simulated GPUs are never locked)", async () => {
  const script = `const { getpid } = await import("${LIBC}");
    const status = JSON.parse(Bun.spawnSync([...${JSON.stringify(berthArgv())}, "status", "--json"], { env: process.env }).stdout.toString());
    console.log(JSON.stringify({ pid: getpid(), env: { CUDA_VISIBLE_DEVICES: process.env.CUDA_VISIBLE_DEVICES, BERTH_SERVER: process.env.BERTH_SERVER, BERTH_PORT: process.env.BERTH_PORT, BERTH_PORTS: process.env.BERTH_PORTS }, held: status.holders }));`;
  const window = freePortWindow(100);
  const width = vllmBackend.block.width;
  const [first, last] = [window.first + 2 * width, window.first + 3 * width - 1]; // slot 2's block: two vLLM blocks above the first
  const nvml = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "0,1,2,4", CUDA_DEVICE_ORDER: "PCI_BUS_ID" }; // 3 is busy
  const run = await runBerth(["exec", "vllm:d4", "--backend", "cmd", "--port-pool", window.pool, "--", process.execPath, "-e", script], { env: { LOCAL_RANK: "2", ...nvml } });
  expect(run).toExitWith(0);
  expect(run.stderr).toContain(`berth: slot 2 (LOCAL_RANK) → server 2 on GPUs 2, ports ${first}-${last}`);
  const seen = JSON.parse(run.stdout);
  expect(seen.env).toEqual({ CUDA_VISIBLE_DEVICES: "2", BERTH_SERVER: "2", BERTH_PORT: String(first), BERTH_PORTS: `${first}-${last}` });
  const mine = locksOf({ holders: seen.held }).filter((entry) => entry.pid === seen.pid);
  expect(mine.filter((entry: { kind: string }) => entry.kind === "port")).toHaveLength(vllmBackend.block.width);
  expect(mine.filter((entry: { kind: string }) => entry.kind === "gpu").map((entry) => entry.id)).toEqual(["GPU-5eed0002-1002-2002-3002-000000abc002"]);
  expect(mine[0]!.role).toBe("exec vllm:d4 slot 2");
});

test("a slot that does not exist, or no slot at all, is bad input", async () => {
  const missing = await runBerth(["exec", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--server", "5", "--backend", "cmd", "--", "true"]);
  expect(missing).toExitWith(2);
  expect(missing.stderr).toContain("server slot 5 does not exist on node 0; this node has slots 0-1");
  const none = await runBerth(["exec", "vllm:d2", "--gpus-per-node", "2", "--simulate", "--backend", "cmd", "--", "true"]);
  expect(none).toExitWith(2);
  expect(none.stderr).toContain("pass --server I, or set LOCAL_RANK or SLURM_LOCALID");
});

test("srun --gpus-per-task=1: each task sees only its own GPU, takes its SLURM_LOCALID slot of the whole node's plan, and its slot's ports", async () => {
  const script = `console.log(JSON.stringify({ CUDA_VISIBLE_DEVICES: process.env.CUDA_VISIBLE_DEVICES, BERTH_SERVER: process.env.BERTH_SERVER, BERTH_PORTS: process.env.BERTH_PORTS }))`;
  const window = freePortWindow(200);
  const width = vllmBackend.block.width;
  const seen: Record<string, string>[] = [];
  // Slurm gives task 3 of 4 GPU 4 (3 is busy on this fake node, so Slurm's cgroup would give another); each task's own view.
  for (const [task, gpu] of [[0, "0"], [3, "4"]] as const) {
    const env = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: gpu, CUDA_DEVICE_ORDER: "PCI_BUS_ID", SLURM_LOCALID: String(task), SLURM_GPUS_PER_TASK: "1", SLURM_GPUS_ON_NODE: "4", BERTH_REGISTRY_DIR: require("node:fs").mkdtempSync(join(require("node:os").tmpdir(), "berth-task-")) };
    const run = await runBerth(["exec", "vllm:d4", "--backend", "cmd", "--port-pool", window.pool, "--", process.execPath, "-e", script], { env });
    expect(run).toExitWith(0);
    seen.push(JSON.parse(run.stdout));
  }
  expect(seen).toEqual([
    { CUDA_VISIBLE_DEVICES: "0", BERTH_SERVER: "0", BERTH_PORTS: `${window.first}-${window.first + width - 1}` },
    { CUDA_VISIBLE_DEVICES: "4", BERTH_SERVER: "3", BERTH_PORTS: `${window.first + 3 * width}-${window.first + 4 * width - 1}` },
  ]);
});
