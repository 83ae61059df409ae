// berth status and probe as a busy host fills up (issue 12):
//  1. `status --json` with 1,000 held ports (one `berth ports --ttl` holder) against the compiled hello-world;
//  2. `status` and `probe` over a registry holding 10,000 stale lock files (holders SIGKILLed), against the same
//     on an empty registry: status sweeps them on its first run (timed on its own), probe never reads them.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { alternate, berthBinary, helloBinary, scratchDirectory, timeOnce } from "./lib.ts";
import { fakeNvmlLibrary } from "../test/support/fake-nvml.ts";
import { encodeLockRecord } from "../src/core/registry/registry-layout.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const berth = await berthBinary();
const hello = await helloBinary();

// 1. 1,000 held ports.
const busy = join(scratchDirectory("status-busy"), "registry");
const holder = Bun.spawnSync([berth, "ports", "-n", "1000", "--ttl", "10m", "--port-pool", "20000-21999", "--format", "json"], { env: { ...process.env, BERTH_REGISTRY_DIR: busy } });
if (holder.exitCode !== 0) throw new Error(`berth ports -n 1000 failed: ${holder.stderr}`);
const holderPid = JSON.parse(holder.stdout.toString()).holder as number;
process.on("exit", () => process.kill(holderPid, "SIGTERM"));
const held = alternate({ hello: { argv: [hello] }, status: { argv: [berth, "status", "--json"], env: { BERTH_REGISTRY_DIR: busy } } }, ROUNDS);
console.log(`status     --json with 1,000 held ports, median of ${ROUNDS}: hello ${held.hello!.toFixed(1)} ms, status ${held.status!.toFixed(1)} ms, ratio ${(held.status! / held.hello!).toFixed(2)}× (goal ≤ 2×)`);

// 2. 10,000 stale lock files, with a flock held somewhere on the host (the 1,000-port holder), so neither
//    command can skip the registry for want of any lock.
const nvml = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
const empty = join(scratchDirectory("status-empty"), "registry");
const stale = join(scratchDirectory("status-stale"), "registry");
Bun.spawnSync([berth, "status"], { env: { ...process.env, BERTH_REGISTRY_DIR: empty } });
Bun.spawnSync([berth, "status"], { env: { ...process.env, BERTH_REGISTRY_DIR: stale } });
const record = encodeLockRecord({ pid: 999_999, startTicks: 1, startedAt: "2026-01-01T00:00:00Z", role: "killed", command: "berth run (SIGKILLed)" });
const fillStale = () => {
  for (let port = 30000; port < 40000; port++) writeFileSync(join(stale, `port-${port}`), record);
};
fillStale();
const probe = alternate({ empty: { argv: [berth, "probe", "--json"], env: { ...nvml, BERTH_REGISTRY_DIR: empty } }, stale: { argv: [berth, "probe", "--json"], env: { ...nvml, BERTH_REGISTRY_DIR: stale } } }, ROUNDS);
console.log(`probe      10,000 stale lock files vs an empty registry, median of ${ROUNDS}: ${probe.empty!.toFixed(1)} vs ${probe.stale!.toFixed(1)} ms, ratio ${(probe.stale! / probe.empty!).toFixed(3)}× (goal ≤ 1.05×)`);
const sweeps: number[] = [];
for (let round = 0; round < 3; round++) {
  fillStale();
  sweeps.push(timeOnce([berth, "status"], { BERTH_REGISTRY_DIR: stale }));
}
const status = alternate({ empty: { argv: [berth, "status", "--json"], env: { BERTH_REGISTRY_DIR: empty } }, stale: { argv: [berth, "status", "--json"], env: { BERTH_REGISTRY_DIR: stale } } }, ROUNDS);
console.log(`status     after sweeping 10,000 stale lock files (first run ${sweeps.map((ms) => ms.toFixed(0)).join("/")} ms) vs an empty registry, median of ${ROUNDS}: ${status.empty!.toFixed(1)} vs ${status.stale!.toFixed(1)} ms, ratio ${(status.stale! / status.empty!).toFixed(3)}× (goal ≤ 1.05×)`);
