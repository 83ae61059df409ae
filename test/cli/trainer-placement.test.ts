// The trainer's placement (`berth wait --component NAME -- CMD`), for an AReaL allocation whose training
// component has a node of its own: once every server is healthy, the trainer runs with its GPUs
// (CUDA_VISIBLE_DEVICES), MASTER_ADDR/MASTER_PORT from a block above the servers' ports, NNODES, NODE_RANK and
// AREAL_LLM_SERVER_ADDRS, with its GPUs and port block reserved while it runs; no glue lines.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_SERVER, killLeftoverBerths, startBerth } from "../support/berth-run.ts";
import { berthArgv, runBerth } from "../support/berth-process.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `berth-${name}-`));
const GPUS = ["uuid=GPU-bbbb0000-0000-4000-8000-000000000000,numa=0", "uuid=GPU-bbbb0001-0000-4000-8000-000000000001,numa=0"].join(";");
const SPEC = "vllm:d2+fsdp[actor]:d2";

/** The servers' node (rank 0 of 2), as another host would run it: its own registry, simulated GPUs. */
function serverNode(rendezvous: string, pool: string) {
  return startBerth(["run", SPEC, "--nodes", "2", "--node-rank", "0", "--simulate", "--gpus-per-node", "2", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s",
    "--port-pool", pool, "--rendezvous", rendezvous, "--job", "rl", "--", ...FAKE_SERVER, "--port", "{port}"], { env: { BERTH_REGISTRY_DIR: scratch("registry") } });
}

describe("berth wait --component", () => {
  test("runs the trainer with its placement and holds its GPUs and MASTER_PORT's block while it runs", async () => {
    const rendezvous = scratch("rdv");
    const window = freePortWindow(200);
    const servers = serverNode(rendezvous, window.pool);
    const out = scratch("trainer");
    const registry = scratch("trainer-registry");
    // The "trainer" records its environment and what berth status says while it runs.
    const script = `env > ${out}/env; ${berthArgv().join(" ")} status --json > ${out}/status`;
    const trainer = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "rl", "--component", "actor", "--advertise-host", "127.0.0.1", "--port-pool", window.pool, "--timeout", "60s", "--", "sh", "-c", script],
      { env: { BERTH_REGISTRY_DIR: registry, BERTH_NVML_LIBRARY: fakeNvmlLibrary(), FAKE_NVML_GPUS: GPUS, CUDA_DEVICE_ORDER: "PCI_BUS_ID" } });
    expect(trainer).toExitWith(0);
    const env = Object.fromEntries(readFileSync(join(out, "env"), "utf8").trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    const ready = servers.events.find((event) => event.event === "ready")!;
    const lastServerPort = window.first + 2 * 16 - 1;
    expect(env).toMatchObject({ CUDA_VISIBLE_DEVICES: "0,1", CUDA_DEVICE_ORDER: "PCI_BUS_ID", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(lastServerPort + 1), NNODES: "1", NODE_RANK: "0", NPROC_PER_NODE: "2",
      BERTH_TRAINER_PORTS: `${lastServerPort + 1}-${lastServerPort + 16}`, AREAL_LLM_SERVER_ADDRS: (ready.addresses as string[]).join(",") });
    const status = JSON.parse(readFileSync(join(out, "status"), "utf8"));
    expect(status.holders).toEqual([expect.objectContaining({ role: "trainer actor", gpus: ["GPU-bbbb0000-0000-4000-8000-000000000000", "GPU-bbbb0001-0000-4000-8000-000000000001"], ports: [{ first: lastServerPort + 1, last: lastServerPort + 16 }] })]);
    // and nothing is held once it is over
    expect(JSON.parse((await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: registry } })).stdout).holders).toEqual([]);
    servers.kill("SIGTERM");
    expect(await servers.result()).toExitWith(143);
  });

  test("without a command it prints the placement for eval, says nothing is held, and a wrong component is bad input", async () => {
    const rendezvous = scratch("rdv");
    const window = freePortWindow(200);
    const servers = serverNode(rendezvous, window.pool);
    const printed = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "rl", "--component", "actor", "--simulate", "--advertise-host", "127.0.0.1", "--port-pool", window.pool, "--timeout", "60s"]);
    expect(printed).toExitWith(0);
    expect(printed.stdout).toMatch(/^export CUDA_VISIBLE_DEVICES=0,1\nexport CUDA_DEVICE_ORDER=PCI_BUS_ID\nexport MASTER_ADDR=127\.0\.0\.1\nexport MASTER_PORT=\d+\n/);
    expect(printed.stderr).toContain("nothing is reserved for 'actor' without a command");
    const wrong = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "rl", "--component", "critic", "--simulate", "--timeout", "60s"]);
    expect(wrong).toExitWith(2);
    expect(wrong.stderr).toBe(`berth: the job's spec "${SPEC}" has no training component 'critic'; its training components are actor\n`);
    servers.kill("SIGTERM");
    expect(await servers.result()).toExitWith(143);
  });
});
