// A real etcd (Debian's etcd-server, installed by scripts/install-e2e.sh) for the tests: its own data
// directory, client and peer ports on loopback chosen at run time, stopped after the tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePortWindow } from "./free-ports.ts";

export interface LocalEtcd {
  endpoint: string;
  /** host:port, as --rendezvous etcd://… and etcdctl --endpoints take it. */
  address: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: its data stays, and start() brings it back on the same ports. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a stalled etcd, whose leases lapse if the stall outlasts them. */
  pause(): void;
  resume(): void;
}

export const ETCD_MISSING = "etcd is not installed: skipping the etcd end-to-end tests (scripts/install-e2e.sh installs Debian's etcd-server; .ci/run does)";

export function etcdInstalled(): boolean {
  return Bun.which("etcd") !== null && Bun.which("etcdctl") !== null;
}

/** A new etcd, or the same one again (its data directory and ports) after kill(). */
async function launch(data: string, client: number, peer: number): Promise<ReturnType<typeof Bun.spawn>> {
  const child = Bun.spawn(["etcd", "--name", "berth-test", "--data-dir", data, "--listen-client-urls", `http://127.0.0.1:${client}`, "--advertise-client-urls", `http://127.0.0.1:${client}`,
    "--listen-peer-urls", `http://127.0.0.1:${peer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${peer}`, "--initial-cluster", `berth-test=http://127.0.0.1:${peer}`], { stdout: "ignore", stderr: "pipe" });
  const endpoint = `http://127.0.0.1:${client}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && ((await response.json()) as { health?: string }).health === "true") return child;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`etcd did not come up on ${endpoint}: ${await new Response(child.stderr as ReadableStream).text()}`);
    await Bun.sleep(50);
  }
}

async function managed(data: string, client: number, peer: number): Promise<LocalEtcd> {
  let child = await launch(data, client, peer);
  return {
    endpoint: `http://127.0.0.1:${client}`,
    address: `127.0.0.1:${client}`,
    async stop() {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      await child.exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await child.exited;
    },
    async start() {
      child = await launch(data, client, peer);
    },
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
  };
}

/** An etcd to start later, on ports chosen now: for a client that must wait for an etcd that is not up yet. */
export function etcdLater(): { address: string; start(): Promise<LocalEtcd> } {
  const ports = freePortWindow(2);
  const data = mkdtempSync(join(tmpdir(), "berth-etcd-"));
  return { address: `127.0.0.1:${ports.first}`, start: () => managed(data, ports.first, ports.last) };
}

export async function startEtcd(): Promise<LocalEtcd> {
  return etcdLater().start();
}

/** etcdctl get --prefix, as {key: value}. */
export async function etcdGetPrefix(etcd: LocalEtcd, prefix: string): Promise<Record<string, string>> {
  const run = Bun.spawnSync(["etcdctl", "--endpoints", etcd.address, "get", "--prefix", prefix], { env: { ...process.env, ETCDCTL_API: "3" } });
  const lines = run.stdout.toString().split("\n").filter((line, index, all) => index < all.length - 1 || line !== "");
  const pairs: Record<string, string> = {};
  for (let index = 0; index + 1 < lines.length; index += 2) pairs[lines[index]!] = lines[index + 1]!;
  return pairs;
}
