// The directory under which each server gets its own caches (Triton, Inductor, vLLM). One that berth made up
// itself ($TMPDIR/berth-run-<pid>) is berth's to remove once every server has stopped; one the user named
// with --run-dir is theirs, and stays.
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

export interface RunDirectory {
  path: string;
  /** Made up by berth for this run, so removed when the run ends. */
  temporary: boolean;
}

export function chooseRunDirectory(named: string | undefined, env: Record<string, string | undefined>, pid = process.pid): RunDirectory {
  // Absolute, so each server's cache variables mean the same wherever the server changes directory to.
  return named === undefined ? { path: resolve(env.TMPDIR ?? tmpdir(), `berth-run-${pid}`), temporary: true } : { path: resolve(named), temporary: false };
}

export function createRunDirectory(directory: RunDirectory): void {
  mkdirSync(directory.path, { recursive: true, mode: 0o700 });
}

/** After the last server has stopped: a temporary run directory goes, with whatever caches it holds. */
export function removeRunDirectory(directory: RunDirectory): void {
  if (directory.temporary) rmSync(directory.path, { recursive: true, force: true });
}
