// The directory under which each server gets its own per-run directories (vLLM's RPC sockets, and the
// compile caches without --cache-dir). One that berth made up itself ($TMPDIR/berth-run-<pid>) is berth's
// to remove once every server has stopped; one the user named with --run-dir is theirs, and stays. The short
// directory (/tmp/berth-<pid>) holds socket directories whose path would not fit under a long run directory;
// it is berth's own and always removed at the end of a run.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

export interface RunDirectory {
  path: string;
  /** Made up by berth for this run, so removed when the run ends. */
  temporary: boolean;
  short: string;
}

export function chooseRunDirectory(named: string | undefined, env: Record<string, string | undefined>, pid = process.pid): RunDirectory {
  const short = `/tmp/berth-${pid}`;
  // Absolute, so each server's cache variables mean the same wherever the server changes directory to.
  return named === undefined ? { path: resolve(env.TMPDIR ?? tmpdir(), `berth-run-${pid}`), temporary: true, short } : { path: resolve(named), temporary: false, short };
}

/** The run directory, and each directory a server needs before it starts (0700: sockets live there). */
export function createRunDirectory(directory: RunDirectory, serverDirectories: readonly string[]): void {
  mkdirSync(directory.path, { recursive: true, mode: 0o700 });
  for (const each of serverDirectories) mkdirSync(each, { recursive: true, mode: 0o700 });
}

/** After the last server has stopped: a temporary run directory goes, with whatever caches it holds. */
export function removeRunDirectory(directory: RunDirectory): void {
  if (directory.temporary) rmSync(directory.path, { recursive: true, force: true });
  if (existsSync(directory.short)) rmSync(directory.short, { recursive: true, force: true });
}
