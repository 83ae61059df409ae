// Each fast command against two floors in one run: a compiled hello-world, and a floor program that does only
// that command's work through berth's own core and native edge (bench/fixtures/floor-*.ts). What berth costs
// above its floor is its CLI, its checks and its records; what the floor costs above hello is the work itself.
// Goals (issue 22): plan ≤ 1.5×, probe ≤ 1.5×, ports -n 64 ≤ 1.7×, status with 1,000 held ports ≤ 1.7× hello.
// BENCH_BASE=PATH times another build of berth in the same rounds (an earlier commit's, for before and after).
import { join } from "node:path";
import { alternate, berthBinary, floorBinary, helloBinary, scratchDirectory } from "./lib.ts";
import { fakeNvmlLibrary } from "../test/support/fake-nvml.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const berth = await berthBinary();
const hello = await helloBinary();

const BASE = process.env.BENCH_BASE;

type Command = { argv: string[]; env?: Record<string, string> };

/** hello, the floor, berth (and the base build, given the same arguments) in alternating rounds. */
function measure(floor: Command, berthArgs: string[], env: Record<string, string> = {}): Record<string, number> {
  const commands: Record<string, Command> = { hello: { argv: [hello] }, floor, berth: { argv: [berth, ...berthArgs], env } };
  if (BASE) commands.base = { argv: [BASE, ...berthArgs], env };
  return alternate(commands, ROUNDS);
}

function report(name: string, goal: number, medians: Record<string, number>): void {
  const { hello: base, floor, berth: ours } = medians as { hello: number; floor: number; berth: number };
  const before = medians.base === undefined ? "" : `; base ${medians.base.toFixed(1)} ms (${(medians.base / base).toFixed(2)}×)`;
  console.log(`${name.padEnd(10)} median of ${ROUNDS}: hello ${base.toFixed(1)} ms, floor ${floor.toFixed(1)} ms (${(floor / base).toFixed(2)}×), berth ${ours.toFixed(1)} ms (${(ours / base).toFixed(2)}× hello, goal ≤ ${goal}×; ${(ours / floor).toFixed(2)}× its floor)${before}`);
}

const nvml = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
const planArgs = ["plan", "vllm:d512t1", "--nodes", "64", "--gpus-per-node", "8", "--json"];
report("plan", 1.5, measure({ argv: [await floorBinary("plan")] }, planArgs));
const probeRegistry = { BERTH_REGISTRY_DIR: join(scratchDirectory("floor-probe"), "registry") };
report("probe", 1.5, measure({ argv: [await floorBinary("probe")], env: nvml }, ["probe", "--json"], { ...nvml, ...probeRegistry }));

const portsRegistry = join(scratchDirectory("floor-ports"), "registry");
Bun.spawnSync([berth, "status"], { env: { ...process.env, BERTH_REGISTRY_DIR: portsRegistry } }); // makes the registry as berth makes it
const portsEnv = { BERTH_REGISTRY_DIR: portsRegistry };
report("ports-64", 1.7, measure({ argv: [await floorBinary("ports")], env: portsEnv }, ["ports", "-n", "64", "--", "true"], portsEnv));

const busy = join(scratchDirectory("floor-status"), "registry");
const holder = Bun.spawnSync([berth, "ports", "-n", "1000", "--ttl", "10m", "--port-pool", "40000-41999", "--format", "json"], { env: { ...process.env, BERTH_REGISTRY_DIR: busy } });
if (holder.exitCode !== 0) throw new Error(`berth ports -n 1000 failed: ${holder.stderr}`);
const holderPid = JSON.parse(holder.stdout.toString()).holder as number;
process.on("exit", () => process.kill(holderPid, "SIGTERM"));
const statusEnv = { BERTH_REGISTRY_DIR: busy };
report("status", 1.7, measure({ argv: [await floorBinary("status")], env: statusEnv }, ["status", "--json"], statusEnv));
