// berth under Slurm's variables as Slurm really sets them (what srun, sbatch and AReaL's one-srun-per-node
// launcher give a process), without a Slurm: the variables are the input.
import { describe, expect, test } from "bun:test";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";

const SLOT = ["--simulate", "--backend", "cmd", "--json"];

function execEvent(stdout: string): { node: number; server: number } {
  return JSON.parse(stdout.split("\n").find((line) => line.includes('"event":"exec"'))!);
}

describe("Slurm's variables", () => {
  test("berth plan under srun plans the job's nodes (SLURM_NNODES), not one", async () => {
    const run = await runBerth(["plan", "vllm:d24", "--gpus-per-node", "8", "--json"], { env: { SLURM_NNODES: "3", SLURM_NODEID: "1" } });
    expect(run).toExitWith(0);
    expect(JSON.parse(run.stdout).nodes).toBe(3);
  });

  test("AReaL's one srun per node with --nodes 2: each node takes its place in SLURM_JOB_NODELIST as its rank", async () => {
    for (const [name, rank] of [["n0", 0], ["n1", 1]] as const) {
      const env = { SLURM_JOB_ID: "7", SLURM_STEP_ID: "0", SLURM_NODEID: "0", SLURM_NNODES: "1", SLURM_JOB_NODELIST: "n[0-1]", SLURM_STEP_NODELIST: name, SLURMD_NODENAME: name };
      const run = await runBerth(["exec", "vllm:d4", "--nodes", "2", "--gpus-per-node", "2", "--server", "0", "--port-pool", freePortWindow(100).pool, ...SLOT, "--", "true"], { env });
      expect(run).toExitWith(0);
      expect(execEvent(run.stdout)).toMatchObject({ node: rank, server: 2 * rank });
    }
  });

  test("…and where the node is not in the job's list, the contradiction is refused", async () => {
    const env = { SLURM_NODEID: "0", SLURM_NNODES: "1", SLURM_JOB_NODELIST: "n[0-1]", SLURMD_NODENAME: "other" };
    const run = await runBerth(["exec", "vllm:d4", "--nodes", "2", "--gpus-per-node", "2", "--server", "0", ...SLOT, "--", "true"], { env });
    expect(run).toExitWith(2);
    expect(run.stderr).toContain("SLURM_NNODES=1 (this step) contradicts a job of 2 nodes");
  });

  test("berth run in the batch script of a 2-node job warns that the other nodes need srun", async () => {
    const env = { SLURM_JOB_ID: "7", SLURM_NODEID: "0", SLURM_NNODES: "2", SLURM_JOB_NODELIST: "n[0-1]" };
    const run = await runBerth(["run", "vllm:d4", "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--host", "127.0.0.1", "--health-path", "none", ...SLOT, "--", "true"], { env });
    expect(run.stderr).toContain("this looks like the batch script of a 2-node Slurm job (SLURM_JOB_ID set, no SLURM_STEP_ID): berth runs node 0's share only; start it with srun --ntasks-per-node=1 --kill-on-bad-exit=1");
  });
});
