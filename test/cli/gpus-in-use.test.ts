// GPUs berth must not hand out without a word: busy ones (another process computes on them), MIG ones, and
// simulated ones nobody asked for. A server planned on a busy or MIG GPU moves to a free one; only too few
// free GPUs is a refusal. The fake NVML library's default preset has GPU 3 busy (pid 4242, 42 GiB).
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";

const BUSY = "GPU 3 (GPU-5eed0003-1003-2003-3003-000000abc003) is busy: in use by 1 process (pid 4242, 42.0 GiB)";

function nvml(extra: Record<string, string> = {}): Record<string, string> {
  return { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_DEVICE_ORDER: "PCI_BUS_ID", ...extra };
}

describe("busy and MIG GPUs", () => {
  test.each(["run", "exec"])("%s moves a server planned on a busy GPU to a free one, and says so", async (command) => {
    const slot = command === "exec" ? ["--server", "0"] : ["--health-path", "none"];
    const run = await runBerth([command, "vllm:d1t2", ...slot, "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "sh", "-c", "echo gpus=$CUDA_VISIBLE_DEVICES"], { env: nvml({ CUDA_VISIBLE_DEVICES: "2,3,4" }) });
    expect(run.stdout).toContain("gpus=2,4");
    expect(run.stderr).toContain("server 0 uses GPU 4 instead of GPU 3, busy: in use by 1 process (pid 4242, 42.0 GiB)");
  });

  test.each(["run", "exec"])("%s refuses (exit 3) when too few free GPUs are left, naming what holds the others, and starts nothing", async (command) => {
    const marker = join(mkdtempSync(join(tmpdir(), "berth-busy-")), "started");
    const slot = command === "exec" ? ["--server", "0"] : ["--health-path", "none"];
    const run = await runBerth([command, "vllm:d1t2", ...slot, "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "touch", marker], { env: nvml({ CUDA_VISIBLE_DEVICES: "2,3" }) });
    expect(run).toExitWith(3);
    expect(run.stderr.trim().split("\n")).toEqual(["berth: server 0 needs 2 GPU(s), but only 1 of this node's 2 GPUs are free for it (1 usable, the rest of them this launch's other servers'): GPU 3 busy: in use by 1 process (pid 4242, 42.0 GiB); berth will not share a GPU with another launch"]);
    expect(existsSync(marker)).toBe(false);
  });

  test("--allow-busy-gpus uses it anyway, with a warning", async () => {
    const run = await runBerth(["exec", "vllm:d1t2", "--server", "0", "--allow-busy-gpus", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "sh", "-c", "echo gpus=$CUDA_VISIBLE_DEVICES"], { env: nvml({ CUDA_VISIBLE_DEVICES: "2,3" }) });
    expect(run).toExitWith(0);
    expect(run.stdout.trim()).toBe("gpus=2,3");
    expect(run.stderr).toContain(`berth: warning: ${BUSY}; a server may be put beside it (--allow-busy-gpus)`);
  });

  test("a GPU with MIG enabled is never a server's, --allow-busy-gpus or not: moved off it, refused where no other is left", async () => {
    const moved = await runBerth(["exec", "vllm:d1", "--server", "0", "--gpus-per-node", "1", "--allow-busy-gpus", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "sh", "-c", "echo gpus=$CUDA_VISIBLE_DEVICES"], { env: nvml({ FAKE_NVML_PRESET: "mig" }) });
    expect(moved.stdout).toContain("gpus=1");
    expect(moved.stderr).toContain("server 0 uses GPU 1 instead of GPU 0, in MIG mode (berth hands out whole GPUs)");
    const run = await runBerth(["run", "vllm:d1", "--allow-busy-gpus", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "true"], { env: nvml({ FAKE_NVML_PRESET: "mig", CUDA_VISIBLE_DEVICES: "0" }) });
    expect(run).toExitWith(3);
    expect(run.stderr).toContain("GPU 0 in MIG mode (berth hands out whole GPUs)");
  });

  test("plan warns about busy GPUs and still plans", async () => {
    const run = await runBerth(["plan", "vllm:d2", "--json"], { env: nvml({ CUDA_VISIBLE_DEVICES: "2,3" }) });
    expect(run).toExitWith(0);
    expect(JSON.parse(run.stdout).warnings).toContain(`${BUSY}; berth run would move a server planned there to a free GPU (or use it with --allow-busy-gpus)`);
  });
});

describe("simulated GPUs need consent", () => {
  test("without NVML, --gpus-per-node alone is refused (exit 3): berth will not run engines on fake GPUs", async () => {
    const run = await runBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "true"], { env: nvml({ FAKE_NVML_INIT_ERROR: "9" }) });
    expect(run).toExitWith(3);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("berth will not run engines on GPUs it cannot see: pass --simulate --gpus-per-node 1 to run on 1 simulated GPU(s)");
  });

  test("--simulate runs on simulated GPUs and says so; it needs --gpus-per-node", async () => {
    const window = freePortWindow(100);
    const simulated = await runBerth(["exec", "vllm:d1", "--server", "0", "--simulate", "--gpus-per-node", "1", "--port-pool", window.pool, "--backend", "cmd", "--", "sh", "-c", "echo gpus=$CUDA_VISIBLE_DEVICES"], { env: nvml({ FAKE_NVML_INIT_ERROR: "9" }) });
    expect(simulated).toExitWith(0);
    expect(simulated.stdout.trim()).toBe("gpus=0");
    const missing = await runBerth(["run", "vllm:d1", "--simulate", "--port-pool", window.pool, "--backend", "cmd", "--", "true"]);
    expect(missing).toExitWith(2);
    expect(missing.stderr).toContain("--simulate needs --gpus-per-node N");
  });
});
