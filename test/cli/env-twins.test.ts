// Every flag's BERTH_* twin is an input only: what berth exports to its servers (BERTH_SERVER, BERTH_SEED,
// BERTH_PORT…) must never be read back by a berth nested inside one. And the node count has one name.
import { describe, expect, test } from "bun:test";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";

const PUBLIC_COMMANDS = ["plan", "probe", "run", "exec", "ports", "status", "demo"];

async function exportedToServers(): Promise<string[]> {
  const run = await runBerth(["exec", "vllm:d1", "--server", "0", "--simulate", "--gpus-per-node", "1", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "env"]);
  expect(run).toExitWith(0);
  const names = run.stdout.split("\n").map((line) => line.split("=")[0]!).filter((name) => name.startsWith("BERTH_"));
  return names.filter((name) => name !== "BERTH_REGISTRY_DIR"); // the test's own input, passed through
}

describe("BERTH_* twins", () => {
  test("no command reads a variable that berth exports to its servers", async () => {
    const exported = await exportedToServers();
    expect(exported).toEqual(expect.arrayContaining(["BERTH_SERVER", "BERTH_SEED", "BERTH_PORT", "BERTH_PORTS", "BERTH_NODE"]));
    for (const command of PUBLIC_COMMANDS) {
      const help = await runBerth([command, "--help"]);
      expect(help).toExitWith(0);
      const twins = [...help.stdout.matchAll(/\[env (BERTH_[A-Z0-9_]+)\]/g)].map((match) => match[1]!);
      expect(twins.length).toBeGreaterThan(0);
      expect({ command, readsExported: twins.filter((twin) => exported.includes(twin)) }).toEqual({ command, readsExported: [] });
    }
  });

  test("a berth nested in a server ignores the BERTH_SERVER and BERTH_SEED it inherited", async () => {
    const inherited = { BERTH_SERVER: "1", BERTH_SEED: "99" };
    const args = ["exec", "vllm:d2", "--simulate", "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "sh", "-c", "echo seed=$BERTH_SEED"];
    const noSlot = await runBerth(args, { env: inherited });
    expect(noSlot).toExitWith(2);
    expect(noSlot.stderr).toContain("berth exec needs the server slot");
    const withSlot = await runBerth(args, { env: { ...inherited, BERTH_SERVER_SLOT: "0" } });
    expect(withSlot).toExitWith(0);
    expect(withSlot.stdout.trim()).toBe("seed=1"); // --seed's default base 1 + server 0, not the inherited 99
    const seeded = await runBerth(args, { env: { ...inherited, BERTH_SERVER_SLOT: "1", BERTH_SEED_BASE: "10" } });
    expect(seeded.stdout.trim()).toBe("seed=11");
  });
});

describe("the node count", () => {
  test("--nodes' twin is BERTH_NNODES in plan and run alike", async () => {
    const plan = await runBerth(["plan", "vllm:d4", "--gpus-per-node", "2", "--json"], { env: { BERTH_NNODES: "2" } });
    expect(plan).toExitWith(0);
    expect(JSON.parse(plan.stdout).nodes).toBe(2);
    const run = await runBerth(["exec", "vllm:d4", "--server", "0", "--simulate", "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--", "sh", "-c", "echo node=$BERTH_NODE server=$BERTH_SERVER"], { env: { BERTH_NNODES: "2", BERTH_NODE_RANK: "1" } });
    expect(run).toExitWith(0);
    expect(run.stdout.trim()).toBe("node=1 server=2");
  });

  test.each(["BERTH_NNODES", "SLURM_NNODES", "NNODES", "LWS_GROUP_SIZE"])("%s alone is honoured: two nodes and no rank is bad input naming it", async (variable) => {
    const run = await runBerth(["run", "vllm:d4", "--simulate", "--gpus-per-node", "2", "--backend", "cmd", "--", "true"], { env: { [variable]: "2" } });
    expect(run).toExitWith(2);
    expect(run.stderr.trim()).toBe(`berth: the job has 2 nodes (from ${variable}) but nothing says which one this is; pass --node-rank R or set BERTH_NODE_RANK (or SLURM_NODEID, NODE_RANK, LWS_WORKER_INDEX)`);
  });
});
