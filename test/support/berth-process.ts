// Runs berth as a real process: from source by default, or the compiled binary named by BERTH_TEST_BINARY.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "../..");

/** One registry per test process, so tests never touch /run/berth and never see another run's holders. */
export const TEST_REGISTRY = mkdtempSync(join(tmpdir(), "berth-registry-"));

export function berthArgv(): string[] {
  const binary = process.env.BERTH_TEST_BINARY;
  return binary ? [resolve(REPO_ROOT, binary)] : [process.execPath, resolve(REPO_ROOT, "src/main.ts")];
}

/** The environment every berth under test gets: a plain PATH, no colour, the test registry, the run's TMPDIR. */
export function berthEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", TMPDIR: tmpdir(), NO_COLOR: "1", BERTH_REGISTRY_DIR: TEST_REGISTRY, ...extra };
}

export interface BerthRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `prefix`: run berth under another command, e.g. setpriv as another user. */
export async function runBerth(args: string[], options: { env?: Record<string, string>; cwd?: string; prefix?: string[] } = {}): Promise<BerthRun> {
  const child = Bun.spawn([...(options.prefix ?? []), ...berthArgv(), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: berthEnvironment(options.env),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}
