// The rendezvous (issues 11 and 19): (1) wall time from the first node's start to `berth wait` returning,
// 2 nodes × 1 and 2 × 8 instant servers, median of 5; (2) each node's store writes per second, from the
// start and in steady state, which must not grow with the node count (goal: at most one every 2 s);
// (3) `berth wait` over 1,000 published servers (125 node records) against a compiled hello-world, run
// alternately, median of 21 (goal ≤ 2×). The records of (3) name this benchmark's own process as their
// writer: a live writer on this host, which is the evidence `berth wait` needs to trust them at first sight.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { alternate, berthBinary, helloBinary, median, REPO_ROOT, scratchDirectory } from "./lib.ts";

const berth = await berthBinary();
const hello = await helloBinary();
const fixture = [process.execPath, resolve(REPO_ROOT, "test/fixtures/fake-server.ts")];

function startNodes(nodes: number, perNode: number, rendezvous: string): ReturnType<typeof Bun.spawn>[] {
  return Array.from({ length: nodes }, (_, rank) =>
    Bun.spawn([berth, "run", `vllm:d${perNode * nodes}`, "--nodes", String(nodes), "--node-rank", String(rank), "--simulate", "--gpus-per-node", String(perNode), "--backend", "cmd", "--host", "127.0.0.1",
      "--port-pool", `${20000 + rank * 1000}-${20999 + rank * 1000}`, "--rendezvous", rendezvous, "--job", "bench", "--", ...fixture, "--port", "{port}", "--healthy-after", "0"],
    { env: { ...process.env, BERTH_REGISTRY_DIR: scratchDirectory(`registry-${rank}`) }, stdout: "ignore", stderr: "ignore" }));
}

async function stop(children: ReturnType<typeof Bun.spawn>[]): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => child.exited));
}

/** Each node's heartbeat counter: it counts every write of the node's record. */
function heartbeats(rendezvous: string, nodes: number): number[] {
  const directory = join(rendezvous, "bench");
  return Array.from({ length: nodes }, (_, rank) => {
    const name = readdirSync(directory).find((file) => file.includes(`~nodes~${rank}@`));
    return name ? (JSON.parse(readFileSync(join(directory, name), "utf8")).heartbeat as number) : 0;
  });
}

for (const [nodes, perNode] of [[2, 1], [2, 8]] as const) {
  const times: number[] = [];
  let fromStart: number[] = [];
  let steady: number[] = [];
  for (let round = 0; round < 5; round++) {
    const rendezvous = scratchDirectory("rdv");
    const started = performance.now();
    const children = startNodes(nodes, perNode, rendezvous);
    const wait = Bun.spawnSync([berth, "wait", "--rendezvous", rendezvous, "--job", "bench", "--timeout", "60s", "--format", "env"]);
    if (wait.exitCode !== 0) throw new Error(`berth wait failed: ${wait.stderr}`);
    times.push(performance.now() - started);
    if (round === 0) {
      const sinceStart = (performance.now() - started) / 1000;
      const before = heartbeats(rendezvous, nodes);
      fromStart = before.map((count) => count / sinceStart);
      await Bun.sleep(20_000);
      steady = heartbeats(rendezvous, nodes).map((count, rank) => (count - before[rank]!) / 20);
    }
    await stop(children);
  }
  const rates = (values: number[]) => values.map((rate) => rate.toFixed(2)).join(", ");
  console.log(`rendezvous ${nodes} nodes × ${perNode} server(s): first start → berth wait returns, median ${median(times).toFixed(0)} ms (n=5); writes per node: ${rates(fromStart)} /s up to ready, ${rates(steady)} /s over the next 20 s (goal ≤ 0.5/s)`);
}

// (3) 1,000 published servers: 125 node records of 8 healthy servers each, written by this (live) process.
const stat = readFileSync("/proc/self/stat", "utf8");
const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
const writer = { host: "bench", bootId: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(), pid: process.pid, startTicks, pidNamespace: (await import("node:fs")).readlinkSync("/proc/self/ns/pid"), uid: process.getuid!() };
const rendezvous = scratchDirectory("rdv-1000");
const directory = join(rendezvous, "big");
mkdirSync(directory, { recursive: true, mode: 0o700 });
writeFileSync(join(directory, "current-attempt@1"), JSON.stringify({ attempt: "a1", createdAt: Date.now(), by: "bench" }));
for (let rank = 0; rank < 125; rank++) {
  const servers = Array.from({ length: 8 }, (_, local) => ({ index: rank * 8 + local, node: rank, localIndex: local, role: "single", state: "healthy", url: `http://10.0.${rank >> 8}.${rank & 255}:${10000 + 16 * local}`, host: `10.0.0.${rank}`, port: 10000 + 16 * local, ports: { first: 10000 + 16 * local, last: 10015 + 16 * local, dist: 10001 + 16 * local }, gpus: [{ index: local, uuid: `GPU-${rank}-${local}` }] }));
  const record = { job: "big", attempt: "a1", rank, nodes: 125, host: `10.0.0.${rank}`, spec: "vllm:d1000", gpusPerNode: 8, layout: "00000000", serverCount: 1000, state: "running", heartbeat: 1, writtenAt: Date.now(), writer, servers };
  writeFileSync(join(directory, `attempts~a1~nodes~${rank}@1`), JSON.stringify(record));
}
const check = Bun.spawnSync([berth, "wait", "--rendezvous", rendezvous, "--job", "big", "--format", "env", "--timeout", "5s"], { stdout: "pipe", stderr: "pipe" });
if (check.exitCode !== 0 || check.stdout.toString().split(",").length !== 1000) throw new Error(`berth wait did not return 1,000 servers: ${check.stderr}`);
const timed = alternate({ hello: { argv: [hello] }, wait: { argv: [berth, "wait", "--rendezvous", rendezvous, "--job", "big", "--format", "env"] } }, 21);
console.log(`rendezvous berth wait over 1,000 published servers (125 records): ${timed.wait!.toFixed(1)} ms against hello ${timed.hello!.toFixed(1)} ms: ${(timed.wait! / timed.hello!).toFixed(2)}× (median of 21; goal ≤ 2×)`);
