// Two jobs on one node, on disjoint GPUs (the fake NVML library, 8 GPUs) and the same port pool: blocks are
// cut by node-local index, so the second job's planned blocks are the first job's. Its servers move to
// other free blocks, and every place that shows a port shows the real one.
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth } from "../support/berth-run.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const COMMON = ["--backend", "cmd", "--host", "127.0.0.1", "--grace", "2s"];
const VLLM_BLOCK = vllmBackend.block.width;

function nvml(visible: string): Record<string, string> {
  return { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: visible, CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
}

interface ManifestServer {
  ports: { http: number; first: number; last: number };
  url: string;
}

describe("a shared node", () => {
  test("the second job's servers take other free blocks; manifest, events, URLs, --addrs-env and the server's own ports agree", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-shared-"));
    const window = freePortWindow(100);
    const first = startBerth(["run", "vllm:d2", "--port-pool", window.pool, "--json", ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], { env: nvml("4,5") });
    await first.waitForEvent((event) => event.event === "ready", "the first job ready");

    const manifest = join(directory, "second.json");
    const second = startBerth(["run", "vllm:d2", "--port-pool", window.pool, "--manifest", manifest, "--json", ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}", "--record", join(directory, "{server}.json")], { env: nvml("6,7") });
    const ready = await second.waitForEvent((event) => event.event === "ready", "the second job ready");
    const moved = second.stderr().split("\n").filter((line) => line.includes(`is held by pid ${first.pid}`));
    expect(moved).toEqual([
      expect.stringMatching(new RegExp(`server 0's block ${window.first}-${window.first + VLLM_BLOCK - 1} is held by pid ${first.pid} .*; server 0 uses ${window.first + 2 * VLLM_BLOCK}-${window.first + 3 * VLLM_BLOCK - 1} instead`)),
      expect.stringMatching(new RegExp(`server 1 uses ${window.first + 3 * VLLM_BLOCK}-${window.first + 4 * VLLM_BLOCK - 1} instead`)),
    ]);

    const servers: ManifestServer[] = JSON.parse(readFileSync(manifest, "utf8")).servers;
    expect(servers.map((server) => server.ports.first)).toEqual([window.first + 2 * VLLM_BLOCK, window.first + 3 * VLLM_BLOCK]);
    for (const [index, server] of servers.entries()) {
      const record = JSON.parse(readFileSync(join(directory, `${index}.json`), "utf8"));
      expect(record.env.BERTH_PORT).toBe(String(server.ports.http));
      expect(record.env.BERTH_PORTS).toBe(`${server.ports.first}-${server.ports.last}`);
      expect(record.argv).toContain(String(server.ports.http));
      expect(server.url).toBe(`http://127.0.0.1:${server.ports.http}`);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    }
    expect(ready.urls).toEqual(servers.map((server) => server.url));
    expect(ready.addresses).toEqual(servers.map((server) => `127.0.0.1:${server.ports.http}`));

    // `berth plan` keeps showing the deterministic default layout.
    const plan = await runBerth(["plan", "vllm:d2", "--port-pool", window.pool, "--json"], { env: nvml("6,7") });
    expect(plan).toExitWith(0);
    expect(JSON.parse(plan.stdout).servers.map((server: { ports: { first: number } }) => server.ports.first)).toEqual([window.first, window.first + VLLM_BLOCK]);

    for (const berth of [first, second]) berth.kill("SIGTERM");
    for (const berth of [first, second]) expect(await berth.result()).toExitWith(143);
  });

  test("plain --addrs-env shows the moved ports too", async () => {
    const window = freePortWindow(100);
    const first = startBerth(["run", "vllm:d1", "--port-pool", window.pool, "--json", ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], { env: nvml("4") });
    await first.waitForEvent((event) => event.event === "ready", "the first job ready");
    const second = startBerth(["run", "vllm:d1", "--port-pool", window.pool, "--addrs-env", ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], { env: nvml("5") });
    const addresses = await second.waitForEvent((event) => String(event.text).startsWith("AREAL_LLM_SERVER_ADDRS="), "the addresses line");
    expect(addresses.text).toBe(`AREAL_LLM_SERVER_ADDRS=127.0.0.1:${window.first + VLLM_BLOCK}`);
    expect(second.stderr()).toContain(`server 0 uses ${window.first + VLLM_BLOCK}-${window.first + 2 * VLLM_BLOCK - 1} instead`);
    for (const berth of [first, second]) berth.kill("SIGTERM");
    for (const berth of [first, second]) expect(await berth.result()).toExitWith(143);
  });

  test("with no other free block in the pool the second job is refused (exit 3) naming the holder, and holds nothing", async () => {
    const window = freePortWindow(40); // room for two vLLM blocks, not three
    const first = startBerth(["run", "vllm:d2", "--port-pool", window.pool, "--json", ...COMMON, "--", ...FAKE_SERVER, "--port", "{port}"], { env: nvml("4,5") });
    await first.waitForEvent((event) => event.event === "ready", "the first job ready");
    const second = await runBerth(["run", "vllm:d1", "--port-pool", window.pool, ...COMMON, "--", "true"], { env: nvml("6") });
    expect(second).toExitWith(3);
    expect(second.stderr).toContain(`is held by pid ${first.pid}`);
    expect(second.stderr).toContain(`and no other free block of ${VLLM_BLOCK} ports is left in the pool ${window.pool}`);
    const status = JSON.parse((await runBerth(["status", "--json"])).stdout);
    expect(JSON.stringify(status)).not.toContain("vllm:d1");
    first.kill("SIGTERM");
    expect(await first.result()).toExitWith(143);
  });
});
