// `berth run` at scale (issue 12): berth's own time from start to all healthy with 16 and 64 servers that
// are healthy at once (`sleep`, --health-path none), per server; then berth's resident memory and CPU with
// 64 idle servers over 10 s. Medians of 5.
import { readFileSync } from "node:fs";
import { berthBinary, median, scratchDirectory, untilReady } from "./lib.ts";

const berth = await berthBinary();

async function readyAfter(servers: number): Promise<{ ms: number; child: ReturnType<typeof Bun.spawn> }> {
  const started = performance.now();
  const child = Bun.spawn([berth, "run", `vllm:d${servers}`, "--simulate", "--gpus-per-node", String(servers), "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "none", "--json",
    "--port-pool", "20000-29999", "--", "sleep", "1000"], { env: { ...process.env, BERTH_REGISTRY_DIR: scratchDirectory("registry") }, stdout: "pipe", stderr: "ignore" });
  await untilReady(child, true);
  return { ms: performance.now() - started, child };
}

async function stop(child: ReturnType<typeof Bun.spawn>): Promise<void> {
  child.kill("SIGTERM");
  await child.exited;
}

for (const servers of [16, 64]) {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const { ms, child } = await readyAfter(servers);
    times.push(ms);
    await stop(child);
  }
  const ms = median(times);
  console.log(`run-scale  ${servers} instant servers: start → all healthy median ${ms.toFixed(0)} ms, ${(ms / servers).toFixed(1)} ms per server (goal ≤ 8 ms)`);
}

const { child } = await readyAfter(64);
const status = () => readFileSync(`/proc/${child.pid}/status`, "utf8");
const ticks = () => readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ").slice(11, 13).reduce((sum, field) => sum + Number(field), 0);
await Bun.sleep(1000);
const before = ticks();
await Bun.sleep(10_000);
const cpu = (ticks() - before) / 100 / 10 * 100;
const rss = Number(/VmRSS:\s+(\d+)/.exec(status())![1]) / 1024;
console.log(`run-scale  64 idle servers: berth RSS ${rss.toFixed(1)} MB (goal ≤ 50 MB), CPU over 10 s ${cpu.toFixed(2)}% of a core (goal ≤ 0.5%)`);
await stop(child);
