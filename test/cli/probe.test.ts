// `berth probe` against the fake NVML library, crossing the real FFI boundary in a real process.
import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { REPO_ROOT, runBerth } from "../support/berth-process.ts";

const GIB = 1024 ** 3;
const RESERVED = 512 * 1024 ** 2;

async function probe(env: Record<string, string>, driver: "current" | "old" = "current", args: string[] = ["--json"]) {
  return runBerth(["probe", ...args], { env: { BERTH_NVML_LIBRARY: fakeNvmlLibrary(driver), CUDA_DEVICE_ORDER: "PCI_BUS_ID", ...env } });
}

describe("presets of the fake library", () => {
  test("8×H200: every field crosses the FFI boundary intact", async () => {
    const run = await probe({});
    expect(run).toExitWith(0);
    const report = JSON.parse(run.stdout);
    expect(report.driverVersion).toBe("570.124.06");
    expect(report.cudaDriverVersion).toBe(12080);
    expect(report.gpus).toHaveLength(8);
    expect(report.gpus[0]).toEqual({
      index: 0,
      uuid: "GPU-5eed0000-1000-2000-3000-000000abc000",
      name: "NVIDIA H200",
      memory: { total: 150754820096, used: 0, free: 150754820096 - RESERVED },
      pciBusId: "00000000:18:00.0",
      numaNode: 0,
      migEnabled: false,
      processes: [],
      heldBy: null,
    });
    expect(report.gpus[3].processes).toEqual([{ pid: 4242, usedMemory: 42 * GIB }]);
    expect(report.gpus[3].memory.used).toBe(42 * GIB); // v2: reserved memory is not "used"
    expect(report.gpus.map((gpu: { numaNode: number }) => gpu.numaNode)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(report.missingFeatures).toEqual([]);
  });

  test("the table flags a busy GPU", async () => {
    const run = await probe({}, "current", []);
    expect(run).toExitWith(0);
    expect(run.stdout).toContain("driver 570.124.06, CUDA 12.8: 8 of 8 GPUs visible");
    expect(run.stdout).toMatch(/^3\s+NVIDIA H200\s+GPU-5eed0003\S+\s+42\.0 \/ 140\.4\s+00000000:48:00\.0\s+0\s+BUSY: 1 process \(pid 4242\)$/m);
  });

  test("8×A100 80GB", async () => {
    const report = JSON.parse((await probe({ FAKE_NVML_PRESET: "a100x8" })).stdout);
    expect(report.gpus.map((gpu: { name: string }) => gpu.name)).toEqual(Array(8).fill("NVIDIA A100-SXM4-80GB"));
    expect(report.gpus[7].memory.total).toBe(85899345920);
  });

  test("a MIG-enabled GPU is reported and flagged", async () => {
    const report = JSON.parse((await probe({ FAKE_NVML_PRESET: "mig" })).stdout);
    expect(report.gpus.map((gpu: { migEnabled: boolean }) => gpu.migEnabled)).toEqual([true, false]);
    expect((await probe({ FAKE_NVML_PRESET: "mig" }, "current", [])).stdout).toMatch(/^0 .*MIG ON$/m);
  });

  test("NO_PERMISSION on one GPU: the others are listed, that one is marked", async () => {
    const run = await probe({ FAKE_NVML_PRESET: "no-permission" });
    expect(run).toExitWith(0);
    const report = JSON.parse(run.stdout);
    expect(report.gpus).toHaveLength(4);
    expect(report.gpus[2]).toMatchObject({ index: 2, uuid: null, name: null, error: "NVML_ERROR_NO_PERMISSION" });
    expect([0, 1, 3].map((index) => report.gpus[index].name)).toEqual(["NVIDIA H200", "NVIDIA H200", "NVIDIA H200"]);
    expect((await probe({ FAKE_NVML_PRESET: "no-permission" }, "current", [])).stdout).toMatch(/^2\s+\?.*NO PERMISSION$/m);
  });

  test("a driver that is not loaded exits 3 and says so", async () => {
    const run = await probe({ FAKE_NVML_PRESET: "driver-not-loaded" });
    expect(run).toExitWith(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toStartWith("berth: NVIDIA driver not loaded (NVML error 9)");
  });

  test("an old driver without the _v3/_v2 symbols falls back and reports what is missing", async () => {
    const run = await probe({}, "old");
    expect(run).toExitWith(0);
    const report = JSON.parse(run.stdout);
    expect(report.missingFeatures).toEqual(["memoryV2", "numaNode"]);
    expect(report.gpus[3].processes).toEqual([{ pid: 4242, usedMemory: 42 * GIB }]); // through the v1 call
    expect(report.gpus[3].memory.used).toBe(42 * GIB + RESERVED); // v1 counts reserved memory as used
    // No such PCI device in this machine's sysfs, so the NUMA fallback finds nothing.
    expect(report.gpus[0].numaNode).toBeNull();
  });

  test("a custom description of GPUs", async () => {
    const description = "name=Test GPU,uuid=GPU-aaaa,total=1000,used=100,bus=00000000:AB:00.0,numa=3,procs=11:5/12:6;name=Second,mig=1";
    const report = JSON.parse((await probe({ FAKE_NVML_GPUS: description })).stdout);
    expect(report.gpus[0]).toMatchObject({ name: "Test GPU", uuid: "GPU-aaaa", pciBusId: "00000000:AB:00.0", numaNode: 3, memory: { total: 1000, used: 100 } });
    expect(report.gpus[0].processes).toEqual([{ pid: 11, usedMemory: 5 }, { pid: 12, usedMemory: 6 }]);
    expect(report.gpus[1]).toMatchObject({ name: "Second", migEnabled: true });
  });

  test("NVML is initialized once and shut down at exit", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "berth-nvml-log-")), "calls");
    expect(await probe({ FAKE_NVML_LOG: log })).toExitWith(0);
    expect(readFileSync(log, "utf8")).toBe("init\nshutdown\n");
  });
});

describe("visibility", () => {
  test("CUDA_VISIBLE_DEVICES order is kept", async () => {
    const report = JSON.parse((await probe({ CUDA_VISIBLE_DEVICES: "5,2" })).stdout);
    expect(report.gpus.map((gpu: { index: number }) => gpu.index)).toEqual([5, 2]);
    expect(report.visibility).toEqual({ source: "CUDA_VISIBLE_DEVICES", totalGpus: 8 });
  });

  test("UUID prefixes select GPUs", async () => {
    const report = JSON.parse((await probe({ CUDA_VISIBLE_DEVICES: "GPU-5eed0006,GPU-5eed0001" })).stdout);
    expect(report.gpus.map((gpu: { index: number }) => gpu.index)).toEqual([6, 1]);
  });

  test("indices without CUDA_DEVICE_ORDER warn once on stderr", async () => {
    const run = await runBerth(["probe"], { env: { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "0" } });
    expect(run.stderr.match(/CUDA_DEVICE_ORDER is unset/g)).toHaveLength(1);
  });

  test("berth plan defaults --gpus-per-node to the visible GPU count", async () => {
    const run = await runBerth(["plan", "vllm:d2", "--json"], { env: { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "0,1,2", CUDA_DEVICE_ORDER: "PCI_BUS_ID" } });
    expect(run).toExitWith(0);
    expect(JSON.parse(run.stdout).gpusPerNode).toBe(3);
  });
});

describe("loading", () => {
  test("a libnvidia-ml.so.1 planted in the working directory is never loaded", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-planted-"));
    copyFileSync(fakeNvmlLibrary(), join(directory, "libnvidia-ml.so.1"));
    const run = await runBerth(["probe", "--json"], { cwd: directory, env: { FAKE_NVML_GPUS: "name=PLANTED", LD_LIBRARY_PATH: "" } });
    expect(run.stdout).not.toContain("PLANTED");
    // On a machine with a real driver the real library loads; here there is none, so berth says where it looked.
    if (run.code !== 0) {
      expect(run).toExitWith(3);
      expect(run.stderr).toContain("looked for libnvidia-ml.so.1 in the ldconfig cache (/etc/ld.so.cache), /usr/lib/x86_64-linux-gnu");
      expect(run.stderr).toContain("BERTH_NVML_LIBRARY");
    }
  });

  test.each([
    ["libnvidia-ml.so.1", 'bad value "libnvidia-ml.so.1" for BERTH_NVML_LIBRARY; it must be an absolute path'],
    ["/nonexistent/libnvidia-ml.so.1", "BERTH_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1 does not exist or cannot be read"],
  ])("BERTH_NVML_LIBRARY=%p is bad input", async (value, expected) => {
    const run = await runBerth(["probe"], { env: { BERTH_NVML_LIBRARY: value } });
    expect(run).toExitWith(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(expected);
  });

  test("a file that is not a library exits 3 naming it", async () => {
    const notALibrary = join(REPO_ROOT, "native/nvml.h");
    const run = await runBerth(["probe"], { env: { BERTH_NVML_LIBRARY: notALibrary } });
    expect(run).toExitWith(3);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(notALibrary);
  });
});
