// Shared timing helpers: alternate runs of two commands and report medians, since this machine is noisy.
import { $ } from "bun";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

// Binaries are timed from fresh copies in one temporary directory. How a file got into the page cache
// changes how fast it starts: a 110 MB binary written moments ago (a fresh build) starts ~1 ms faster than the
// same bytes read back from disk, which is as large as the differences measured here. Copying both berth and
// the hello-world puts them in the same state, so neither is favoured by when it was built.
let copies: string | undefined;

/** A temporary directory that is removed when the benchmark exits. */
export function scratchDirectory(prefix: string): string {
  const directory = mkdtempSync(resolve(tmpdir(), `berth-bench-${prefix}-`));
  process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function freshCopy(path: string, name: string): string {
  copies ??= scratchDirectory("binaries");
  const copy = resolve(copies, name);
  copyFileSync(path, copy);
  chmodSync(copy, 0o755);
  return copy;
}

export async function helloBinary(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const path = resolve(OUT, "hello");
  if (!existsSync(path)) await $`bun build --compile --no-compile-autoload-dotenv --no-compile-autoload-bunfig ${resolve(REPO_ROOT, "bench/fixtures/hello.ts")} --outfile ${path}`.quiet();
  return freshCopy(path, "hello");
}

export async function berthBinary(): Promise<string> {
  const path = resolve(REPO_ROOT, "dist/berth");
  if (!existsSync(path)) await $`bun run build.ts --host-only`.cwd(REPO_ROOT);
  return freshCopy(path, "berth");
}

/** bench/fixtures/instant-server.c, compiled once into bench/out: a server that is healthy from its first instant. */
export async function instantServer(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const path = resolve(OUT, "instant-server");
  if (!existsSync(path)) await $`cc -O2 -o ${path} ${resolve(REPO_ROOT, "bench/fixtures/instant-server.c")}`.quiet();
  return path;
}

/** Reads a `berth run --json` child's stdout until its `ready` event; then keeps draining it (or lets go, with `release`). */
export async function untilReady(child: { stdout: unknown }, release = false): Promise<void> {
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes('"event":"ready"')) {
    const { value, done } = await reader.read();
    if (done) throw new Error("berth ended before ready");
    text += new TextDecoder().decode(value);
  }
  if (release) reader.releaseLock();
  else void (async () => { while (!(await reader.read()).done); })();
}

/**
 * A floor program (bench/fixtures/floor-NAME.ts: only one command's work, through berth's own core and
 * native edge), compiled as berth is (bytecode, minified ESM, the same JIT policy), built afresh each run.
 * Built in a process of its own: after a Bun.build in the benchmark's own process, every process it then
 * times ran up to 2× slower (berth probe 8.5 → 21 ms, hello 4.3 → 6.0 ms), as if the bundler's threads
 * stayed busy.
 */
export async function floorBinary(name: string): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const path = resolve(OUT, `floor-${name}`);
  const built = Bun.spawnSync([process.execPath, resolve(REPO_ROOT, "bench/build-floor.ts"), resolve(REPO_ROOT, `bench/fixtures/floor-${name}.ts`), path], { stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`floor-${name}: ${built.stderr.toString()}`);
  return freshCopy(path, `floor-${name}`);
}
