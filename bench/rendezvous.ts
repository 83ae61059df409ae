// The rendezvous (issue 11): (1) wall time from the first node's start to `berth wait` returning, 2 and 3
// nodes × 8 instant servers, median of 3; (2) each node's write rate in steady state, which must not grow with
// the node count; (3) `berth wait` over 1,000 published servers (125 node records), median of 5.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { berthBinary, median, REPO_ROOT, scratchDirectory } from "./lib.ts";

const berth = await berthBinary();
const fixture = [process.execPath, resolve(REPO_ROOT, "test/fixtures/fake-server.ts")];

function startNodes(nodes: number, rendezvous: string): ReturnType<typeof Bun.spawn>[] {
  return Array.from({ length: nodes }, (_, rank) =>
    Bun.spawn([berth, "run", `vllm:d${8 * nodes}`, "--nodes", String(nodes), "--node-rank", String(rank), "--simulate", "--gpus-per-node", "8", "--backend", "cmd", "--host", "127.0.0.1",
      "--port-pool", `${20000 + rank * 1000}-${20999 + rank * 1000}`, "--rendezvous", rendezvous, "--job", "bench", "--", ...fixture, "--port", "{port}", "--healthy-after", "0"],
    { env: { ...process.env, BERTH_REGISTRY_DIR: scratchDirectory(`registry-${rank}`) }, stdout: "ignore", stderr: "ignore" }));
}

async function stop(children: ReturnType<typeof Bun.spawn>[]): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited));
}

for (const nodes of [2, 3]) {
  const times: number[] = [];
  let rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const rendezvous = scratchDirectory("rdv");
    const started = performance.now();
    const children = startNodes(nodes, rendezvous);
    const wait = Bun.spawnSync([berth, "wait", "--rendezvous", rendezvous, "--job", "bench", "--timeout", "60s", "--format", "env"]);
    if (wait.exitCode !== 0) throw new Error(`berth wait failed: ${wait.stderr}`);
    times.push(performance.now() - started);
    if (round === 0) {
      const heartbeat = () => Array.from({ length: nodes }, (_, rank) => JSON.parse(readFileSync(join(rendezvous, "bench", `nodes__${rank}`), "utf8")).heartbeat as number);
      const before = heartbeat();
      await Bun.sleep(10_000);
      rates = heartbeat().map((count, rank) => (count - before[rank]!) / 10);
    }
    await stop(children);
  }
  console.log(`rendezvous ${nodes} nodes × 8 servers: first start → berth wait returns, median ${median(times).toFixed(0)} ms (n=3); writes per node in steady state ${rates.map((rate) => rate.toFixed(2)).join(", ")} /s`);
}

// (3) 1,000 published servers: 125 node records of 8 healthy servers each, fresh heartbeats.
const rendezvous = scratchDirectory("rdv-1000");
mkdirSync(join(rendezvous, "big"), { recursive: true });
for (let rank = 0; rank < 125; rank++) {
  const servers = Array.from({ length: 8 }, (_, local) => ({ index: rank * 8 + local, node: rank, localIndex: local, role: "single", state: "healthy", url: `http://10.0.${rank >> 8}.${rank & 255}:${10000 + 16 * local}`, host: `10.0.0.${rank}`, port: 10000 + 16 * local, ports: { first: 10000 + 16 * local, last: 10015 + 16 * local, dist: 10001 + 16 * local }, gpus: [{ index: local, uuid: `GPU-${rank}-${local}` }] }));
  writeFileSync(join(rendezvous, "big", `nodes__${rank}`), JSON.stringify({ rank, nodes: 125, host: `10.0.0.${rank}`, pid: 1000 + rank, spec: "vllm:d1000", gpusPerNode: 8, layout: "00000000", serverCount: 1000, state: "running", heartbeat: 1, servers }));
}
const waits: number[] = [];
for (let round = 0; round < 5; round++) {
  const started = performance.now();
  const run = Bun.spawnSync([berth, "wait", "--rendezvous", rendezvous, "--job", "big", "--format", "env"], { stdout: "pipe" });
  waits.push(performance.now() - started);
  if (run.exitCode !== 0 || run.stdout.toString().split(",").length !== 1000) throw new Error("berth wait did not return 1,000 servers");
}
console.log(`rendezvous berth wait over 1,000 published servers (125 records): median ${median(waits).toFixed(1)} ms (n=5; goal < 1000 ms)`);
