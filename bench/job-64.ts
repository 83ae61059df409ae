// A 64-node job simulated on this one host (issue 19): 64 berths with --simulate, each with its own registry
// and port pool as separate hosts would have, one server each, meeting in one rendezvous: a shared directory,
// then a real etcd, then the directory again with every berth in a pid namespace of its own (so no berth can
// check another's pid: only heartbeats count, as between real hosts). For each: how long after the last node
// is healthy `berth wait` returns; then 8 nodes are SIGKILLed, and how long every survivor and a fresh
// `berth wait` take to notice (--fail-together stops the survivors). Needs root for the pid namespaces.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEtcd } from "../test/support/etcd.ts";
import { freePortWindow } from "../test/support/free-ports.ts";
import { berthBinary, median } from "./lib.ts";

const NODES = 64;
const KILLED = 8;
const berth = await berthBinary();

interface Node {
  child: ReturnType<typeof Bun.spawn>;
  readyAt?: number;
  noticedAt?: number;
}

function follow(node: Node): void {
  void (async () => {
    let pending = "";
    for await (const chunk of node.child.stdout as ReadableStream<Uint8Array>) {
      pending += new TextDecoder().decode(chunk);
      let newline: number;
      while ((newline = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.includes('"event":"ready"')) node.readyAt ??= performance.now();
        if (line.includes("vanished") || line.includes("failed elsewhere")) node.noticedAt ??= performance.now();
      }
    }
  })();
}

function startNodes(rendezvous: string, ownPidNamespaces: boolean): Node[] {
  const window = freePortWindow(NODES * 16);
  return Array.from({ length: NODES }, (_, rank) => {
    const pool = `${window.first + rank * 16}-${window.first + rank * 16 + 15}`;
    const argv = [berth, "run", `vllm:d${NODES}`, "--nodes", String(NODES), "--node-rank", String(rank), "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--health-path", "none",
      "--host", "127.0.0.1", "--port-pool", pool, "--grace", "1s", "--json", "--rendezvous", rendezvous, "--job", "j64", "--", "sleep", "1000"];
    const child = Bun.spawn(ownPidNamespaces ? ["unshare", "--pid", "--fork", "--kill-child", ...argv] : argv, {
      env: { ...process.env, BERTH_REGISTRY_DIR: mkdtempSync(join(tmpdir(), `berth-bench-reg${rank}-`)) },
      stdout: "pipe",
      stderr: "ignore",
    });
    const node: Node = { child };
    follow(node);
    return node;
  });
}

async function until(condition: () => boolean, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition() && performance.now() < deadline) await Bun.sleep(20);
}

async function scenario(name: string, rendezvous: string, ownPidNamespaces: boolean): Promise<void> {
  const nodes = startNodes(rendezvous, ownPidNamespaces);
  const wait = Bun.spawn([berth, "wait", "--rendezvous", rendezvous, "--job", "j64", "--timeout", "180s", "--format", "env"], { stdout: "pipe", stderr: "pipe" });
  const waitCode = await wait.exited;
  const waitedAt = performance.now();
  await until(() => nodes.every((node) => node.readyAt !== undefined), 60_000);
  const lastReady = Math.max(...nodes.map((node) => node.readyAt ?? Infinity));
  const killedAt = performance.now();
  for (const node of nodes.slice(8, 8 + KILLED)) node.child.kill("SIGKILL");
  const second = Bun.spawn([berth, "wait", "--rendezvous", rendezvous, "--job", "j64", "--timeout", "60s", "--format", "env"], { stdout: "ignore", stderr: "pipe" });
  const secondCode = await second.exited;
  const secondAt = performance.now();
  const survivors = [...nodes.slice(0, 8), ...nodes.slice(8 + KILLED)];
  await until(() => survivors.every((node) => node.noticedAt !== undefined), 60_000);
  const noticed = survivors.map((node) => (node.noticedAt ?? Infinity) - killedAt);
  console.log(`job-64 ${name}: wait exit ${waitCode}, ${(waitedAt - lastReady).toFixed(0)} ms after the last node was healthy (goal ≤ 2000 ms); ` +
    `after SIGKILL of ${KILLED} nodes: every survivor noticed within ${Math.max(...noticed).toFixed(0)} ms (median ${median(noticed).toFixed(0)} ms), a fresh wait exited ${secondCode} after ${(secondAt - killedAt).toFixed(0)} ms`);
  for (const node of nodes) node.child.kill("SIGTERM");
  await Promise.all(nodes.map((node) => node.child.exited));
}

await scenario("directory, one pid namespace (berth checks pids)", mkdtempSync(join(tmpdir(), "berth-bench-rdv-")), false);
const etcd = await startEtcd();
try {
  await scenario("etcd, one pid namespace", `etcd://${etcd.address}`, false);
} finally {
  await etcd.stop();
}
if (process.getuid?.() === 0 && Bun.which("unshare")) await scenario("directory, a pid namespace per node (heartbeats only, as between hosts)", mkdtempSync(join(tmpdir(), "berth-bench-rdv-")), true);
else console.log("job-64: the pid-namespace scenario needs root and unshare; skipped");
