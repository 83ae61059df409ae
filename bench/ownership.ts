// What the kernel guard and the ownership check cost (issue 20): `berth ports -n 64 -- true` and `berth run`
// of 64 instant servers (bench/fixtures/instant-server.c; start → all healthy) measured against the build of an earlier commit, alternately in
// one run, medians of 21 and 7. Goal: neither more than 5% slower. The earlier build is compiled from a git
// worktree of BERTH_BENCH_BASE (default: the commit before the guard) into bench/out/berth-base.
import { $ } from "bun";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { alternate, berthBinary, instantServer, median, OUT, REPO_ROOT, scratchDirectory, untilReady } from "./lib.ts";

const BASE = process.env.BERTH_BENCH_BASE ?? "336d30f";

async function baseBinary(): Promise<string> {
  const path = resolve(OUT, `berth-${BASE}`);
  if (existsSync(path)) return path;
  const tree = mkdtempSync(join(tmpdir(), "berth-bench-base-"));
  await $`git worktree add --detach ${tree} ${BASE}`.cwd(REPO_ROOT).quiet();
  try {
    await $`cp -r ${REPO_ROOT}/node_modules ${tree}/node_modules`.quiet();
    await $`bun run build.ts --host-only`.cwd(tree).quiet();
    await $`cp ${tree}/dist/berth ${path}`.quiet();
  } finally {
    await $`git worktree remove --force ${tree}`.cwd(REPO_ROOT).quiet();
  }
  return path;
}

/** Start → all healthy, with servers that listen and answer at once (so the health gate and the ownership check run). */
async function readyAfter(berth: string, servers: number): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn([berth, "run", `vllm:d${servers}`, "--simulate", "--gpus-per-node", String(servers), "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "/health", "--json",
    "--port-pool", "20000-29999", "--", server, "{port}"], { env: { ...process.env, BERTH_REGISTRY_DIR: scratchDirectory("registry") }, stdout: "pipe", stderr: "ignore" });
  await untilReady(child);
  const ms = performance.now() - started;
  child.kill("SIGTERM");
  await child.exited;
  return ms;
}

const server = await instantServer();
const now = await berthBinary();
const before = await baseBinary();
const registry = scratchDirectory("registry-ports");
const ports = alternate({
  before: { argv: [before, "ports", "-n", "64", "--port-pool", "30000-30999", "--", "true"], env: { BERTH_REGISTRY_DIR: registry } },
  now: { argv: [now, "ports", "-n", "64", "--port-pool", "30000-30999", "--", "true"], env: { BERTH_REGISTRY_DIR: registry } },
}, 21);
console.log(`ownership ports -n 64 -- true: ${BASE} ${ports.before!.toFixed(1)} ms, now ${ports.now!.toFixed(1)} ms: ${((ports.now! / ports.before! - 1) * 100).toFixed(1)}% (median of 21; goal ≤ +5%)`);
const runs: Record<string, number[]> = { before: [], now: [] };
for (let round = 0; round < 7; round++) {
  runs.before!.push(await readyAfter(before, 64));
  runs.now!.push(await readyAfter(now, 64));
}
const [runBefore, runNow] = [median(runs.before!), median(runs.now!)];
console.log(`ownership run, 64 instant servers, start → all healthy: ${BASE} ${runBefore.toFixed(0)} ms, now ${runNow.toFixed(0)} ms: ${((runNow / runBefore - 1) * 100).toFixed(1)}% (median of 7; goal ≤ +5%)`);
