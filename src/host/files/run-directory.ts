// The directory under which each server gets its own per-run directories (vLLM's RPC sockets, and the
// compile caches without --cache-dir). One that berth made up itself ($TMPDIR/berth-run-<pid>) is berth's
// to remove once every server has stopped; one the user named with --run-dir is theirs, and stays. The short
// directory (/tmp/berth-<pid>) holds socket directories whose path would not fit under a long run directory;
// it is berth's own and always removed at the end of a run.
//
// Nothing is left behind: `berth exec` (which becomes its server, so nobody is left to clean up) uses a
// stable directory per slot, emptied at its next start and locked (flock) by a descriptor the server inherits;
// and every berth sweeps the run directories of berths that are gone (a SIGKILLed run, an exec'd server that
// ended). Each made-up directory names its owner in .berth-owner (pid and start time), so a pid reused by
// another process never keeps a leftover alive.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { close, flock, geteuid, mkdir, open, statOpenFile } from "../../ffi/libc.ts";
import { ERRNO, LOCK_EX, LOCK_NB, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_RDONLY } from "../../ffi/linux-constants.ts";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { processIdentity, startTicksOf } from "../process/self-process.ts";

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

const EXEC_SLOT = /^berth-exec-slot-\d+$/;

/** What berth leaves in $TMPDIR and /tmp, by the pid in its name (exec slots: by their owner mark alone). */
const LEFTOVERS: readonly { root: "tmp" | "short"; pattern: RegExp }[] = [
  { root: "tmp", pattern: /^berth-run-(\d+)$/ },
  { root: "tmp", pattern: EXEC_SLOT },
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
      if (pattern === EXEC_SLOT) removeDeadExecSlot(directory);
      else if (!ownerAlive(directory, pid)) removeQuietly(directory);
    }
  }
}

/**
 * `berth exec`'s directory for a slot: stable, so each start empties what the last one left. The slot is taken
 * with an flock on the directory, held by a descriptor that survives execve: the lock lives exactly as long as
 * the server and its children, and a sweep that cannot take it leaves the directory alone. One held by a live
 * exec, one that is not ours, or one that vanished under us (a sweep removed it): this exec takes a directory of
 * its own. Nothing here throws: a slot that cannot be had is never a reason to refuse a launch.
 */
function execSlotDirectory(root: string, slot: number, pid: number): string {
  const stable = resolve(root, `berth-exec-slot-${slot}`);
  const own = resolve(root, `berth-run-${pid}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const taken = takeSlot(stable);
    if (taken === "busy") break;
    if (taken === "gone") continue;
    try {
      for (const name of readdirSync(stable)) rmSync(`${stable}/${name}`, { recursive: true, force: true });
      writeFileSync(`${stable}/${OWNER}`, ownerMark(pid));
      return stable; // its descriptor stays open, unclosed on purpose: the lock is the server's from execve on
    } catch {
      close(taken);
      break;
    }
  }
  return own;
}

/** The slot's directory made (0700) if missing, opened without following a link, and locked: held for good. */
function takeSlot(stable: string): number | "busy" | "gone" {
  const made = mkdir(stable, 0o700);
  if (!made.ok && made.errno !== ERRNO.EEXIST) return "busy";
  // No O_CLOEXEC: the descriptor, and with it the lock, passes to the server at execve.
  const opened = open(stable, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!opened.ok) return opened.errno === ERRNO.ENOENT ? "gone" : "busy";
  const fd = opened.value;
  const status = statOpenFile(fd);
  const mine = status.ok && status.value.uid === geteuid() && (status.value.mode & 0o022) === 0;
  if (!mine || !flock(fd, LOCK_EX | LOCK_NB).ok) {
    close(fd);
    return "busy";
  }
  // Locked, but a sweep may have removed (and another exec remade) the path while we waited to open it.
  if (!sameDirectory(stable, status.value.inode)) {
    close(fd);
    return "gone";
  }
  return fd;
}

function sameDirectory(path: string, inode: bigint): boolean {
  try {
    return lstatSync(path, { bigint: true }).ino === inode;
  } catch {
    return false;
  }
}

/**
 * A dead exec's slot directory removed while its lock is held, so no exec can take it in the meantime (one that
 * opened it before takes the lock after us, finds the path gone and tries again). In use while anyone holds
 * the lock (the server and its children), or while its mark names a live process (an old berth's slot).
 */
function removeDeadExecSlot(directory: string): void {
  const opened = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (!opened.ok) return;
  try {
    const status = statOpenFile(opened.value);
    if (!status.ok || status.value.uid !== geteuid()) return; // not ours to remove
    if (!flock(opened.value, LOCK_EX | LOCK_NB).ok || ownerAlive(directory, -1)) return;
    removeQuietly(directory);
  } finally {
    close(opened.value);
  }
}

/** A sweep never fails a launch: what cannot be removed now is left for the next berth. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // left for the next sweep
  }
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
