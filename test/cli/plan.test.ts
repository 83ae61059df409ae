import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePortWindow } from "../support/free-ports.ts";
import { runBerth } from "../support/berth-process.ts";

const CASE_652 = ["plan", "vllm:d12p1t1+d4p1t1", "--nodes", "2", "--gpus-per-node", "8"];

describe("berth plan as a process", () => {
  test("--json keeps the contract's field names", async () => {
    const run = await runBerth([...CASE_652, "--json"]);
    expect(run).toExitWith(0);
    const plan = JSON.parse(run.stdout);
    expect(Object.keys(plan)).toEqual(expect.arrayContaining(["spec", "nodes", "gpusPerNode", "portPool", "servers", "training"]));
    expect(plan.portPool).toEqual({ first: 10000, last: expect.any(Number) });
    expect(plan.servers).toHaveLength(12);
    expect(Object.keys(plan.servers[11])).toEqual(
      expect.arrayContaining(["index", "backend", "name", "node", "localIndex", "gpus", "tp", "pp", "ports"]),
    );
    expect(plan.servers[11]).toMatchObject({ index: 11, node: 1, localIndex: 3, gpus: [3], ports: { first: 10048, last: 10063 } });
    expect(plan.training).toEqual([{ name: null, backend: "auto", node: 1, gpus: [4, 5, 6, 7], globalGpus: [12, 13, 14, 15] }]);
  });

  test("the table names every server and where training lands", async () => {
    const run = await runBerth(CASE_652);
    expect(run).toExitWith(0);
    expect(run.stdout).toContain("SERVER  BACKEND  NODE  LOCAL  GPUS  SIZE  PORTS");
    expect(run.stdout).toMatch(/^11\s+vllm\s+1\s+3\s+3\s+t1p1\s+10048-10063/m);
    expect(run.stdout).toMatch(/^-\s+auto\s+1\s+4-7$/m);
  });

  test("--node-rank shows one node's share", async () => {
    const run = await runBerth([...CASE_652, "--node-rank", "1", "--json"]);
    const plan = JSON.parse(run.stdout);
    expect(plan.nodeRank).toBe(1);
    expect(plan.servers.map((server: { index: number }) => server.index)).toEqual([8, 9, 10, 11]);
  });

  test("every flag has a BERTH_* twin, and flags win over it", async () => {
    const env = { BERTH_NNODES: "2", BERTH_GPUS_PER_NODE: "8", BERTH_SPEC: "vllm:d12+d4", BERTH_JSON: "1" };
    const fromEnv = await runBerth(["plan"], { env });
    expect(fromEnv).toExitWith(0);
    expect(JSON.parse(fromEnv.stdout).servers).toHaveLength(12);
    const flagWins = await runBerth(["plan", "--gpus-per-node", "16"], { env });
    expect(JSON.parse(flagWins.stdout).gpusPerNode).toBe(16);
  });

  // The pool is a window found free at run time, like every test's: the plan reads the host's reserved ports.
  test.each([
    ["toml", (pool: string) => `nodes = 2\n[plan]\ngpus-per-node = 8\nport-pool = "${pool}"\n`],
    ["json", (pool: string) => JSON.stringify({ nodes: 2, plan: { gpusPerNode: 8, portPool: pool } })],
    ["yaml", (pool: string) => `nodes: 2\nplan:\n  gpus_per_node: 8\n  port_pool: ${pool}\n`],
  ])("a %s config file is read, below flags and variables", async (extension, content) => {
    const directory = mkdtempSync(join(tmpdir(), "berth-config-"));
    const path = join(directory, `berth.${extension}`);
    const window = freePortWindow(1000);
    writeFileSync(path, content(window.pool));
    const run = await runBerth(["plan", "vllm:d12+d4", "--config", path, "--json"]);
    expect(run.stderr).toBe("");
    const plan = JSON.parse(run.stdout);
    expect([plan.nodes, plan.gpusPerNode, plan.portPool]).toEqual([2, 8, { first: window.first, last: window.last }]);
    const overridden = await runBerth(["plan", "vllm:d12+d4", "--config", path, "--json"], { env: { BERTH_NNODES: "3" } });
    expect(JSON.parse(overridden.stdout).nodes).toBe(3);
  });
});

describe("bad input exits 2 with one line naming the value, its source and what is accepted", () => {
  test.each([
    [["plan", "vllm:d4x1", "--gpus-per-node", "8"], {}, 'berth: bad spec "vllm:d4x1": column 7: unknown dimension \'x\'; expected d, t or p'],
    [["plan", "sglang.d4t1", "--gpus-per-node", "8"], {}, "did you mean sglang:d4t1?"],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--port-pool", "30000-20000"], {}, 'bad value "30000-20000" for --port-pool; expected LO-HI with 1024 ≤ LO ≤ HI ≤ 65535'],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--port-pool", "80-2000"], {}, 'bad value "80-2000" for --port-pool'],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--port-pool", "60000-70000"], {}, 'bad value "60000-70000" for --port-pool'],
    [["plan", "vllm:d4", "--gpus-per-node", "0"], {}, 'bad value "0" for --gpus-per-node; expected a whole number from 1 to 1024'],
    [["plan", "vllm:d4"], { BERTH_GPUS_PER_NODE: "eight" }, 'bad value "eight" for BERTH_GPUS_PER_NODE; expected a whole number from 1 to 1024'],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--nodes", "2", "--node-rank", "2"], {}, "bad value 2 for --node-rank; expected a whole number from 0 to 1"],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--nodez", "2"], {}, "unknown option --nodez for 'berth plan'"],
    [["plan", "vllm:d4", "--gpus-per-node"], {}, "option --gpus-per-node needs a value"],
    [["plan", "vllm:d4", "extra", "--gpus-per-node", "8"], {}, 'unexpected argument "extra"'],
    [["plan"], {}, "'berth plan' needs SPEC (or BERTH_SPEC, or 'spec' in --config)"],
    [["plan", "vllm:d20", "--nodes", "2", "--gpus-per-node", "8"], {}, "use --nodes 3, or --gpus-per-node 10"],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--config", "/nonexistent/berth.toml"], {}, "config file /nonexistent/berth.toml does not exist"],
    [["plan", "vllm:d4", "--gpus-per-node", "8", "--config", "berth.ini"], {}, "unknown extension; expected .toml, .json, .yaml or .yml"],
    [["plan", "vllm:d4", "--config", "test/fixtures/unknown-key.toml"], {}, "config file test/fixtures/unknown-key.toml: unknown key 'gpu-per-node'"],
    [["plna"], {}, 'unknown command "plna"; expected one of demo, probe, plan, run, exec, ports, status'],
  ])("%p %p", async (args, env, expected) => {
    const run = await runBerth(args, { env });
    expect(run).toExitWith(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
  });
});

describe("help and version", () => {
  test("plan --help lists every flag with its BERTH_* twin", async () => {
    const run = await runBerth(["plan", "--help"]);
    expect(run).toExitWith(0);
    for (const flag of ["--nodes", "--gpus-per-node", "--node-rank", "--port-pool", "--json", "--config"]) expect(run.stdout).toContain(flag);
    for (const variable of ["BERTH_NNODES", "BERTH_GPUS_PER_NODE", "BERTH_NODE_RANK", "BERTH_PORT_POOL", "BERTH_JSON", "BERTH_CONFIG", "BERTH_SPEC"]) {
      expect(run.stdout).toContain(variable);
    }
  });

  test("help through a pipe carries no colour codes, even where the terminal type would allow them", async () => {
    for (const args of [["--help"], ["plan", "--help"], ["run", "--help"]]) {
      const run = await runBerth(args, { env: { TERM: "xterm-256color", NO_COLOR: "", FORCE_COLOR: "1" } });
      expect(run).toExitWith(0);
      expect(run.stdout).toContain("USAGE");
      expect(run.stdout).not.toContain("\x1b[");
    }
  });

  test("--version names the version", async () => {
    const run = await runBerth(["--version"]);
    expect(run).toExitWith(0);
    expect(run.stdout).toMatch(/^berth \d+\.\d+\.\d+ \(\S+\)\n$/);
  });
});
