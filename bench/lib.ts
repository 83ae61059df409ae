// Shared timing helpers: alternate runs of two commands and report medians, since this machine is noisy.
import { $ } from "bun";
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "..");
export const OUT = resolve(REPO_ROOT, "bench/out");

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall time of one run in milliseconds; the command's output is discarded, its exit code checked. */
export function timeOnce(argv: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const result = Bun.spawnSync(argv, { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
  const elapsed = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${result.exitCode}: ${result.stderr.toString()}`);
  return elapsed;
}

/** Runs each command in turn, `rounds` times, so drift on the machine hits both alike. */
export function alternate(commands: Record<string, { argv: string[]; env?: Record<string, string> }>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(commands)) timeOnce(commands[name]!.argv, commands[name]!.env); // warm the page cache
  for (let round = 0; round < rounds; round++) {
    for (const [name, command] of Object.entries(commands)) (samples[name] ??= []).push(timeOnce(command.argv, command.env));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

export async function helloBinary(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const path = resolve(OUT, "hello");
  if (!existsSync(path)) await $`bun build --compile --no-compile-autoload-dotenv --no-compile-autoload-bunfig ${resolve(REPO_ROOT, "bench/fixtures/hello.ts")} --outfile ${path}`.quiet();
  return path;
}

export async function berthBinary(): Promise<string> {
  const path = resolve(REPO_ROOT, "dist/berth");
  if (!existsSync(path)) await $`bun run build.ts --host-only`.cwd(REPO_ROOT);
  return path;
}
