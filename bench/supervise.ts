// berth run benchmarks with fixture servers (test/fixtures/fake-server.ts):
//  1. health-detection latency: each fixture turns healthy at a known instant; berth's "healthy" event comes Δ later
//  2. with 16 idle servers: berth's resident memory and its CPU use over 10 s
//  3. the time from starting berth to all 16 servers running, against one fixture started directly
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { berthBinary, median, REPO_ROOT, scratchDirectory } from "./lib.ts";

const berth = await berthBinary();
const fixture = [process.execPath, resolve(REPO_ROOT, "test/fixtures/fake-server.ts")];
const registry = join(scratchDirectory("registry"), "registry");

interface Started {
  child: ReturnType<typeof Bun.spawn>;
  events: { event: string; state?: string; server?: number; time: string }[];
  directory: string;
}

function startRun(servers: number, healthyAfterMs: number, listenLate = false): Started {
  const directory = scratchDirectory("run");
  const child = Bun.spawn(
    [berth, "run", `vllm:d${servers}`, "--gpus-per-node", String(servers), "--simulate", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--port-pool", "28000-29999", "--",
      ...fixture, "--port", "{port}", "--healthy-after", String(healthyAfterMs), ...(listenLate ? ["--listen-late"] : []), "--record", join(directory, "{server}.json")],
    { env: { ...process.env, BERTH_REGISTRY_DIR: registry }, stdout: "pipe", stderr: "ignore" },
  );
  const started: Started = { child, events: [], directory };
  void (async () => {
    let pending = "";
    for await (const chunk of child.stdout as ReadableStream<Uint8Array>) {
      pending += new TextDecoder().decode(chunk);
      for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n")) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith("{")) started.events.push(JSON.parse(line));
      }
    }
  })();
  return started;
}

async function until(condition: () => boolean, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("benchmark run did not get ready");
    await Bun.sleep(5);
  }
}

async function stop(run: Started): Promise<void> {
  run.child.kill("SIGTERM");
  await run.child.exited;
}

// 1. Health-detection latency.
for (const [healthyAfter, listenLate] of [[300, false], [3000, false], [3000, true]] as const) {
  const deltas: number[] = [];
  for (let round = 0; round < 3; round++) {
    const run = startRun(4, healthyAfter, listenLate);
    await until(() => run.events.some((event) => event.event === "ready"));
    for (let server = 0; server < 4; server++) {
      const { healthyAt } = JSON.parse(readFileSync(join(run.directory, `${server}.json`), "utf8"));
      const event = run.events.find((candidate) => candidate.state === "healthy" && candidate.server === server)!;
      deltas.push(Date.parse(event.time) - healthyAt);
    }
    await stop(run);
  }
  const style = listenLate ? "listening only when ready (vLLM-like)" : "listening at once, 503 until ready (SGLang-like)";
  console.log(`health     fixtures ${style}, healthy after ${healthyAfter} ms: berth reports Δ median ${median(deltas).toFixed(0)} ms (min ${Math.min(...deltas)}, max ${Math.max(...deltas)}, n=${deltas.length}; goal median ≤ 50 ms)`);
}

// 2 and 3. Sixteen idle servers.
const launchedAt = Date.now();
const run = startRun(16, 50);
await until(() => run.events.some((event) => event.event === "ready"));
const starts = Array.from({ length: 16 }, (_, server) => JSON.parse(readFileSync(join(run.directory, `${server}.json`), "utf8")).startedAt as number);
const allRunning = Math.max(...starts) - launchedAt;
const alone: number[] = [];
for (let round = 0; round < 5; round++) {
  const directory = scratchDirectory("alone");
  const began = Date.now();
  const child = Bun.spawn([...fixture, "--port", String(27900 + round), "--record", join(directory, "record.json")], { stdout: "ignore" });
  await until(() => {
    try {
      return readFileSync(join(directory, "record.json"), "utf8").length > 0;
    } catch {
      return false;
    }
  });
  alone.push(JSON.parse(readFileSync(join(directory, "record.json"), "utf8")).startedAt - began);
  child.kill();
  await child.exited;
}
console.log(`spawn-16   berth run → all 16 fixtures running: ${allRunning} ms; one fixture started directly: ${median(alone).toFixed(0)} ms (median of 5)`);

const status = () => readFileSync(`/proc/${run.child.pid}/status`, "utf8");
const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status())![1]);
const ticks = () => {
  const stat = readFileSync(`/proc/${run.child.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const before = ticks();
await Bun.sleep(10_000);
const cpuPercent = (ticks() - before) / 100 / 10 * 100;
console.log(`idle-16    berth with 16 idle healthy servers: RSS ${(rssKb / 1024).toFixed(1)} MB (goal ≤ 60 MB), CPU over 10 s ${cpuPercent.toFixed(2)}% of one core (goal ≤ 1%)`);
await stop(run);
