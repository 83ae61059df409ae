// `berth run --dry-run`: every server's argv, the variables berth sets, GPUs and ports, as a real start would
// have them; nothing started, reserved or written, and no rendezvous entered. The spec may come from --config.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `berth-${name}-`));

test("--dry-run --json: each server's argv, env, GPUs and ports; no lock, no guard, no run directory, no rendezvous record", async () => {
  const registry = scratch("registry");
  const rendezvous = scratch("rdv");
  const tmp = scratch("tmp");
  const window = freePortWindow(100);
  const run = await runBerth(["run", "vllm:d2t2", "--simulate", "--gpus-per-node", "4", "--host", "127.0.0.1", "--port-pool", window.pool, "--dry-run", "--json", "--rendezvous", rendezvous, "--job", "dry", "--", "Qwen/Qwen3-8B"],
    { env: { BERTH_REGISTRY_DIR: registry, TMPDIR: tmp } });
  expect(run).toExitWith(0);
  const plan = JSON.parse(run.stdout);
  expect(plan).toMatchObject({ dryRun: true, node: 0, nodes: 1, simulated: true });
  expect(plan.servers.map((server: { index: number; gpus: { index: number }[]; ports: { http: number } }) => [server.index, server.gpus.map((gpu) => gpu.index), server.ports.http])).toEqual([
    [0, [0, 1], window.first],
    [1, [2, 3], window.first + 16],
  ]);
  expect(plan.servers[1].argv).toEqual(["vllm", "serve", "Qwen/Qwen3-8B", "--host", "127.0.0.1", "--port", String(window.first + 16), "--tensor-parallel-size", "2", "--pipeline-parallel-size", "1", "--seed", "2"]);
  expect(plan.servers[1].env).toMatchObject({ CUDA_VISIBLE_DEVICES: "2,3", BERTH_SERVER: "1", BERTH_PORT: String(window.first + 16) });
  expect(plan.servers[1].env.PATH).toBeUndefined(); // only what berth sets
  // Nothing taken: the registry is untouched, no run directory was made, the rendezvous holds no record.
  expect(existsSync(registry) ? readdirSync(registry) : []).toEqual([]);
  expect(readdirSync(tmp)).toEqual([]);
  expect(readdirSync(rendezvous)).toEqual([]);
  // and the ports it shows are still free for a real run
  const ports = await runBerth(["ports", "-n", "1", "--block", "16", "--port-pool", `${window.first}-${window.first + 15}`, "--", "true"], { env: { BERTH_REGISTRY_DIR: registry } });
  expect(ports).toExitWith(0);
});

test("the plain view quotes argv and variables for a shell, and the spec may come from the config file", async () => {
  const directory = scratch("config");
  const config = join(directory, "berth.toml");
  writeFileSync(config, `spec = "sglang[judge]:d1"\nsimulate = true\ngpus-per-node = 1\n\n[components.judge]\nargs = "--model-path 'Qwen/Qwen3 8B'"\n`);
  const run = await runBerth(["run", "--config", config, "--dry-run", "--host", "127.0.0.1", "--port-pool", freePortWindow(40).pool]);
  expect(run).toExitWith(0);
  expect(run.stdout).toMatch(/^node 0 of 1 on 127\.0\.0\.1: 1 server\(s\) on simulated GPUs; nothing started, reserved or written/);
  expect(run.stdout).toMatch(/\ns0 judge \(sglang, single\) on node 0: GPUs 0 \(GPU-[0-9a-f-]+\); ports \d+-\d+ \(http \d+, dist \d+\); http:\/\/127\.0\.0\.1:\d+\n/);
  expect(run.stdout).toContain("  argv: python3 -m sglang.launch_server --model-path 'Qwen/Qwen3 8B' --host 127.0.0.1");
  expect(run.stdout).toMatch(/\n {2}env: {2}.*CUDA_VISIBLE_DEVICES=0 /);
});

test("a spec in the config file that is not text is bad input naming the key", async () => {
  const config = join(scratch("config"), "berth.toml");
  writeFileSync(config, "spec = 4\n");
  const run = await runBerth(["run", "--config", config, "--dry-run"]);
  expect(run).toExitWith(2);
  expect(run.stderr).toBe(`berth: config file ${config} key 'spec' must be text, e.g. spec = "vllm:d4"\n`);
});
