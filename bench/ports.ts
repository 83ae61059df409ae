// `berth ports -n 64 -- true` against a compiled hello-world (goal ≤ 1.9×) and against the Python
// bind-and-close picker AReaL and vLLM use; -n 1024 against -n 64 (goal ≤ 1.6×); then 32 concurrent
// `berth ports -n 8 -- true`, median of 5.
import { join, resolve } from "node:path";
import { alternate, berthBinary, helloBinary, median, REPO_ROOT, scratchDirectory } from "./lib.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const berth = await berthBinary();
const hello = await helloBinary();
const env = { BERTH_REGISTRY_DIR: join(scratchDirectory("registry"), "registry") };
const python = Bun.which("python3");
const commands: Record<string, { argv: string[]; env?: Record<string, string> }> = {
  hello: { argv: [hello] },
  berth: { argv: [berth, "ports", "-n", "64", "--", "true"], env },
};
if (python) commands.python = { argv: [python, resolve(REPO_ROOT, "bench/fixtures/python_picker.py"), "64"] };
const medians = alternate(commands, ROUNDS);
const versus = medians.python ? `, python picker ${medians.python.toFixed(1)} ms (berth/python ${(medians.berth! / medians.python).toFixed(2)}×)` : ", python3 not found";
console.log(`ports-64   median of ${ROUNDS}: hello ${medians.hello!.toFixed(1)} ms, berth ports -n 64 -- true ${medians.berth!.toFixed(1)} ms, ratio ${(medians.berth! / medians.hello!).toFixed(2)}× (goal ≤ 1.9×)${versus}`);

// Issue 12: what each further port costs. -n 1024 against -n 64, alternating (goal ≤ 1.6×).
const scale = alternate({ "64": { argv: [berth, "ports", "-n", "64", "--", "true"], env }, "1024": { argv: [berth, "ports", "-n", "1024", "--", "true"], env } }, ROUNDS);
const perPort = ((scale["1024"]! - scale["64"]!) / 960) * 1000;
console.log(`ports-1024 median of ${ROUNDS}: -n 64 ${scale["64"]!.toFixed(1)} ms, -n 1024 ${scale["1024"]!.toFixed(1)} ms, ratio ${(scale["1024"]! / scale["64"]!).toFixed(2)}× (goal ≤ 1.6×), ${perPort.toFixed(1)} µs per further port`);

async function concurrentLaunches(): Promise<number> {
  const started = performance.now();
  const codes = await Promise.all(
    Array.from({ length: 32 }, () => Bun.spawn([berth, "ports", "-n", "8", "--", "true"], { env: { ...process.env, ...env }, stdout: "ignore", stderr: "inherit" }).exited),
  );
  if (codes.some((code) => code !== 0)) throw new Error(`a launch failed: ${codes.join(",")}`);
  return performance.now() - started;
}
const walls: number[] = [];
for (let round = 0; round < 5; round++) walls.push(await concurrentLaunches());
console.log(`ports-32x8 median of 5: 32 concurrent berth ports -n 8 -- true took ${median(walls).toFixed(1)} ms wall (all distinct; see test/cli/ports.test.ts)`);
