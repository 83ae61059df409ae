// A second run, and a restart, no slower than the first (issue 22). Each health check leaves a connection in
// TIME_WAIT on the server's port; berth used to re-read /proc/net/tcp for each such port when it took the
// block again. (1) `run` of 64 instant servers (bench/fixtures/instant-server.c, healthy from its first
// instant), start → all healthy, then a second run on the same pool at once, median of 5 pairs; (2) one
// server's first start → healthy against its restart after a SIGKILL (--restart on-failure), median of 5.
import { berthBinary, instantServer, median, scratchDirectory, untilReady } from "./lib.ts";

const berth = await berthBinary();
const server = await instantServer();

async function readyAfter(registry: string): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn([berth, "run", "vllm:d64", "--simulate", "--gpus-per-node", "64", "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "/health", "--json",
    "--port-pool", "30000-31999", "--", server, "{port}"], { env: { ...process.env, BERTH_REGISTRY_DIR: registry }, stdout: "pipe", stderr: "ignore" });
  await untilReady(child, true);
  const ms = performance.now() - started;
  child.kill("SIGTERM");
  await child.exited;
  return ms;
}

const first: number[] = [];
const second: number[] = [];
for (let round = 0; round < 5; round++) {
  const registry = scratchDirectory("second-run");
  first.push(await readyAfter(registry));
  second.push(await readyAfter(registry));
}
const [a, b] = [median(first), median(second)];
console.log(`second-run 64 instant servers, median of 5 pairs: first run ${a.toFixed(0)} ms, second run at once ${b.toFixed(0)} ms, ratio ${(b / a).toFixed(2)}× (goal ≤ 1×, within noise)`);

// A restart: the server is SIGKILLed once healthy (its port's connections left in TIME_WAIT) and comes back.
async function restartTimes(): Promise<{ start: number; restart: number }> {
  const child = Bun.spawn([berth, "run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--health-path", "/health", "--json", "--restart", "on-failure",
    "--port-pool", "32000-32999", "--", server, "{port}"], { env: { ...process.env, BERTH_REGISTRY_DIR: scratchDirectory("registry") }, stdout: "pipe", stderr: "ignore" });
  const events: { state?: string; time: string; pid?: number }[] = [];
  let pending = "";
  for await (const chunk of child.stdout as ReadableStream<Uint8Array>) {
    pending += new TextDecoder().decode(chunk);
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      events.push(event);
      if (event.state === "healthy" && events.filter((each) => each.state === "healthy").length === 1) process.kill(event.pid, "SIGKILL");
    }
    if (events.filter((event) => event.state === "healthy").length === 2) break;
  }
  child.kill("SIGTERM");
  await child.exited;
  const at = (state: string, nth: number) => Date.parse(events.filter((event) => event.state === state)[nth]!.time);
  return { start: at("healthy", 0) - at("starting", 0), restart: at("healthy", 1) - at("starting", 1) };
}
const starts: number[] = [];
const restarts: number[] = [];
for (let round = 0; round < 5; round++) {
  const { start, restart } = await restartTimes();
  starts.push(start);
  restarts.push(restart);
}
console.log(`second-run one server: starting → healthy ${median(starts).toFixed(0)} ms the first time, ${median(restarts).toFixed(0)} ms after a SIGKILL (--restart on-failure), median of 5`);
