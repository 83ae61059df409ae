// The process-tree guardian (issue 10): how long after `kill -9 <berth>` the servers' workers are gone, and
// what the guardian itself costs while it waits (resident memory, CPU).
//   8 servers, each a shell with two workers in its process group (as an engine's workers are), healthy at once.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { berthBinary, median, scratchDirectory } from "./lib.ts";

const berth = await berthBinary();
const registry = join(scratchDirectory("registry"), "registry");
const SERVERS = 8;

function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
}

async function until(condition: () => boolean, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("benchmark condition not met in time");
    await Bun.sleep(1);
  }
}

function workersOf(directory: string): number[] {
  try {
    return Array.from({ length: SERVERS }, (_, index) => readFileSync(join(directory, `${index}.workers`), "utf8").trim().split("\n").map(Number)).flat();
  } catch {
    return [];
  }
}

const killTimes: number[] = [];
let guardianRss = 0;
let guardianTicks = 0;
for (let round = 0; round < 5; round++) {
  const directory = scratchDirectory("guardian");
  const server = `sleep 1000 & echo $! >> ${directory}/{server}.workers; sleep 1000 & echo $! >> ${directory}/{server}.workers; wait`;
  const child = Bun.spawn([berth, "run", `vllm:d${SERVERS}`, "--gpus-per-node", String(SERVERS), "--simulate", "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "none", "--port-pool", "28000-29999", "--json", "--", "sh", "-c", server], {
    env: { ...process.env, BERTH_REGISTRY_DIR: registry },
    stdout: "ignore",
    stderr: "ignore",
  });
  await until(() => workersOf(directory).length === 2 * SERVERS);
  const guardian = children(child.pid).find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("berth-guardian"))!;
  if (round === 0) {
    const ticks = () => readFileSync(`/proc/${guardian}/stat`, "utf8").split(") ")[1]!.split(" ").slice(11, 13).reduce((sum, field) => sum + Number(field), 0);
    const before = ticks();
    await Bun.sleep(5000);
    guardianTicks = ticks() - before;
    guardianRss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${guardian}/status`, "utf8"))![1]);
  }
  const workers = workersOf(directory);
  const killedAt = performance.now();
  child.kill("SIGKILL");
  await until(() => workers.every((pid) => !alive(pid)), 10_000);
  killTimes.push(performance.now() - killedAt);
  await child.exited;
}
console.log(`guardian   kill -9 berth → ${2 * SERVERS} workers of ${SERVERS} servers gone: median ${median(killTimes).toFixed(1)} ms (max ${Math.max(...killTimes).toFixed(1)}, n=${killTimes.length}; goal ≤ 1000 ms)`);
console.log(`guardian   its cost while waiting: RSS ${(guardianRss / 1024).toFixed(1)} MB, CPU over 5 s ${(guardianTicks / 100 / 5 * 100).toFixed(2)}% of one core`);
