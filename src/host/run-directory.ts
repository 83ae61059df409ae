// The directory under which each server gets its own per-run directories (vLLM's RPC sockets, and the
// compile caches without --cache-dir). One that berth made up itself ($TMPDIR/berth-run-<pid>) is berth's
// to remove once every server has stopped; one the user named with --run-dir is theirs, and stays. The short
// directory (/tmp/berth-<pid>) holds socket directories whose path would not fit under a long run directory;
// it is berth's own and always removed at the end of a run.
//
// Nothing is left behind: `berth exec` (which becomes its server, so nobody is left to clean up) uses a
// stable directory per slot, emptied at its next start; and every berth sweeps the run directories of berths
// that are gone (a SIGKILLed run, an exec'd server that ended). Each made-up directory names its owner in
// .berth-owner (pid and start time), so a pid reused by another process never keeps a leftover alive.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createExclusively, writeReplacing } from "./files/safe-files.ts";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { processIdentity, startTicksOf } from "./process/self-process.ts";

export interface RunDirectory {
  path: string;
  /** Made up by berth for this run, so removed when the run ends. */
  temporary: boolean;
  short: string;
}

const OWNER = ".berth-owner";
const SHORT_ROOT = "/tmp";

function ownerMark(pid: number): string {
  return `${pid} ${processIdentity(pid)?.startTicks ?? 0}\n`;
}

/** How long a directory without an owner mark is left alone: it is being made (the mark comes next). */
const BEING_MADE_MS = 60_000;

/** Whether the berth (or exec'd server) that made a directory still runs: by its owner mark, else its pid. */
function ownerAlive(directory: string, pidFromName: number): boolean {
  try {
    const [pid, ticks] = readFileSync(`${directory}/${OWNER}`, "utf8").trim().split(" ").map(Number);
    return pid !== undefined && startTicksOf(pid) === ticks;
  } catch {
    if (pidFromName >= 0) return startTicksOf(pidFromName) !== undefined;
    try {
      return Date.now() - statSync(directory).mtimeMs < BEING_MADE_MS;
    } catch {
      return false;
    }
  }
}

/** What berth leaves in $TMPDIR and /tmp, by the pid in its name (exec slots: by their owner mark alone). */
const LEFTOVERS: readonly { root: "tmp" | "short"; pattern: RegExp }[] = [
  { root: "tmp", pattern: /^berth-run-(\d+)$/ },
  { root: "tmp", pattern: /^berth-exec-slot-\d+()$/ },
  { root: "tmp", pattern: /^berth-demo-(\d+)\.json$/ },
  { root: "short", pattern: /^berth-(\d+)$/ },
];

/** Run directories, exec slots, demo manifests and short directories of berths that are gone: removed. */
export function sweepDeadRunDirectories(env: Record<string, string | undefined>): void {
  for (const { root: which, pattern } of LEFTOVERS) {
    const root = which === "tmp" ? (env.TMPDIR ?? tmpdir()) : SHORT_ROOT;
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) {
      const match = pattern.exec(name);
      const pid = match?.[1] ? Number(match[1]) : -1;
      if (!match || pid === process.pid) continue;
      const directory = `${root}/${name}`;
      if (!ownerAlive(directory, pid)) rmSync(directory, { recursive: true, force: true });
    }
  }
}

/**
 * `berth exec`'s directory for a slot: stable, so each start empties what the last one left. Its owner mark is
 * taken atomically (link, which fails if another exec of the slot was first; rename over a dead owner's,
 * checked after); one whose owner still runs is not touched: this exec takes a directory of its own.
 */
function execSlotDirectory(root: string, slot: number, pid: number): string {
  const stable = resolve(root, `berth-exec-slot-${slot}`);
  const own = resolve(root, `berth-run-${pid}`);
  try {
    mkdirSync(stable, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Another exec of the slot made it in the same instant (a recursive mkdir can still say EEXIST then).
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return own;
  }
  const mark = ownerMark(pid);
  const place = (name: string) => `${stable}/${name}`;
  const taken = createExclusively(place, OWNER, mark, 0o600);
  if (!taken.ok) return own;
  if (taken.value === "exists") {
    if (ownerAlive(stable, -1) || !writeReplacing(place, OWNER, mark).ok) return own;
    if (readFileSync(place(OWNER), "utf8") !== mark) return own; // another exec took it over at the same moment
  }
  try {
    for (const name of readdirSync(stable)) if (name !== OWNER) rmSync(place(name), { recursive: true, force: true });
  } catch {
    return own; // another berth's sweep took the slot's directory away in the same instant: use one of our own
  }
  return stable;
}

export function chooseRunDirectory(named: string | undefined, env: Record<string, string | undefined>, options: { pid?: number; execSlot?: number } = {}): RunDirectory {
  const pid = options.pid ?? process.pid;
  const short = `${SHORT_ROOT}/berth-${pid}`;
  if (named !== undefined) return { path: resolve(named), temporary: false, short };
  const root = env.TMPDIR ?? tmpdir();
  // Absolute, so each server's cache variables mean the same wherever the server changes directory to.
  const path = options.execSlot === undefined ? resolve(root, `berth-run-${pid}`) : execSlotDirectory(root, options.execSlot, pid);
  return { path, temporary: true, short };
}

/**
 * mkdir -p that outlasts a sweep: another berth removing a dead exec's slot directory at the same instant
 * makes a recursive mkdir say EEXIST for a path that is gone a moment later. Tried again; a directory is fine.
 */
function makeDirectory(path: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(path, { recursive: true, mode: 0o700 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 4) throw error;
      try {
        if (statSync(path).isDirectory()) return;
      } catch {
        // gone again: make it anew
      }
    }
  }
}

/** The run directory, and each directory a server needs before it starts (0700: sockets live there). */
export function createRunDirectory(directory: RunDirectory, serverDirectories: readonly string[]): void {
  makeDirectory(directory.path);
  if (directory.temporary && !existsSync(`${directory.path}/${OWNER}`)) {
    try {
      writeFileSync(`${directory.path}/${OWNER}`, ownerMark(process.pid));
    } catch {
      makeDirectory(directory.path); // swept in between (its last mark was a dead exec's): once more, now marked ours
      writeFileSync(`${directory.path}/${OWNER}`, ownerMark(process.pid));
    }
  }
  for (const each of serverDirectories) makeDirectory(each);
}

/** After the last server has stopped: a temporary run directory goes, with whatever caches it holds. */
export function removeRunDirectory(directory: RunDirectory): void {
  if (directory.temporary) rmSync(directory.path, { recursive: true, force: true });
  if (existsSync(directory.short)) rmSync(directory.short, { recursive: true, force: true });
}
