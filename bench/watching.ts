// What watching a job costs (issue 21):
//  1. `status --json` with a berth running 64 servers (their table read and checked) and 1,000 held ports,
//     against the compiled hello-world, alternating, median of 21. Goal: ≤ 1.7×.
//  2. The supervisor's CPU with 64 idle servers over a minute, with /metrics scraped every 5 s against none
//     (utime + stime from /proc/PID/stat). Goal: the scrapes cost under 0.1% of a core.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { alternate, berthBinary, helloBinary, instantServer, scratchDirectory, untilReady } from "./lib.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 60_000);
const berth = await berthBinary();
const hello = await helloBinary();
const server = await instantServer();
const ticksPerSecond = 100; // USER_HZ on Linux

function startRun(registry: string, pool: string, metricsPort?: number) {
  const argv = [berth, "run", "vllm:d64", "--simulate", "--gpus-per-node", "64", "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "/health", "--json", "--port-pool", pool,
    ...(metricsPort ? ["--metrics-port", String(metricsPort)] : []), "--", server, "{port}"];
  return Bun.spawn(argv, { env: { ...process.env, BERTH_REGISTRY_DIR: registry }, stdout: "pipe", stderr: "ignore" });
}


function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}

// 1. status with 64 running servers and 1,000 held ports.
const registry = join(scratchDirectory("watch-status"), "registry");
const run = startRun(registry, "40000-44999");
await untilReady(run);
const holder = Bun.spawnSync([berth, "ports", "-n", "1000", "--ttl", "10m", "--port-pool", "20000-21999", "--format", "json"], { env: { ...process.env, BERTH_REGISTRY_DIR: registry } });
if (holder.exitCode !== 0) throw new Error(`berth ports -n 1000 failed: ${holder.stderr}`);
const holderPid = JSON.parse(holder.stdout.toString()).holder as number;
const timed = alternate({ hello: { argv: [hello] }, status: { argv: [berth, "status", "--json"], env: { BERTH_REGISTRY_DIR: registry } } }, ROUNDS);
console.log(`watching   status --json, 64 running servers + 1,000 held ports, median of ${ROUNDS}: hello ${timed.hello!.toFixed(1)} ms, status ${timed.status!.toFixed(1)} ms, ratio ${(timed.status! / timed.hello!).toFixed(2)}× (goal ≤ 1.7×)`);
process.kill(holderPid, "SIGTERM");
run.kill("SIGTERM");
await run.exited;

// 2. the supervisor's CPU, scraped every 5 s or not at all.
async function cpuShare(scrape: boolean): Promise<number> {
  const port = 45000 + (scrape ? 1 : 2);
  const child = startRun(join(scratchDirectory("watch-cpu"), "registry"), scrape ? "46000-50999" : "51000-55999", port);
  await untilReady(child);
  await Bun.sleep(2000); // start-up over
  const before = cpuTicks(child.pid);
  const started = performance.now();
  while (performance.now() - started < WINDOW_MS) {
    if (scrape) await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    await Bun.sleep(5000);
  }
  const share = (cpuTicks(child.pid) - before) / ticksPerSecond / ((performance.now() - started) / 1000);
  child.kill("SIGTERM");
  await child.exited;
  return share * 100;
}
const idle = await cpuShare(false);
const scraped = await cpuShare(true);
console.log(`watching   supervisor CPU with 64 idle servers over ${WINDOW_MS / 1000}s: no scrapes ${idle.toFixed(3)}% of a core, a scrape every 5 s ${scraped.toFixed(3)}%: the scrapes cost ${(scraped - idle).toFixed(3)}% (goal < 0.1%)`);
