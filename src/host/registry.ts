// The host-wide registry: one lock file per port and per GPU, held with an exclusive flock. The kernel drops
// the lock when its holder dies, so a crash can never leave a stale reservation; stale files are reused.
import { isSafeGpuId, lockFileName, LockRecordSchema, parseLockFileName, registryDirectoryCandidates, type LockRecord, type ReservationKind } from "../core/registry/registry-layout.ts";
import { fileKey, parseProcLocks, splitDevice } from "../core/registry/proc-locks.ts";
import * as v from "valibot";
import { close, flock, geteuid, isWritable, open, readAll, readSmallFile, rewrite, setCloseOnExec } from "../ffi/libc.ts";
import { ERRNO, LOCK_EX, LOCK_NB, O_CLOEXEC, O_CREAT, O_NOFOLLOW, O_RDONLY, O_RDWR } from "../ffi/linux-constants.ts";
import { processIdentity } from "./self-process.ts";

// Loaded on first use: node:fs costs start-up time that `plan` and `probe` should not pay.
const fs = (): typeof import("node:fs") => require("node:fs");

export type RegistryOpen = { ok: true; registry: Registry } | { ok: false; message: string };

export interface Registry {
  directory: string;
}

export interface Lease {
  kind: ReservationKind;
  id: string;
  fd: number;
  path: string;
}

export type LockAttempt = { ok: true; lease: Lease } | { ok: false; reason: "held"; holder?: LockRecord } | { ok: false; reason: "unsafe"; message: string };

function validateDirectory(path: string): string | undefined {
  const stat = fs().lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return `registry directory ${path} could not be created`;
  if (stat.isSymbolicLink()) return `registry directory ${path} is a symlink; refusing it (remove it, or set BERTH_REGISTRY_DIR)`;
  if (!stat.isDirectory()) return `registry path ${path} is not a directory`;
  if (stat.uid !== geteuid()) return `registry directory ${path} is owned by uid ${stat.uid}, not this user (${geteuid()}); refusing it (set BERTH_REGISTRY_DIR)`;
  if ((stat.mode & 0o022) !== 0) return `registry directory ${path} is writable by others (mode ${(stat.mode & 0o777).toString(8)}); refusing it (chmod 700 it, or set BERTH_REGISTRY_DIR)`;
  return undefined;
}

/** Finds, creates (0700) and checks the registry directory. */
export function openRegistry(env: Record<string, string | undefined>): RegistryOpen {
  for (const candidate of registryDirectoryCandidates(env, geteuid())) {
    const parent = candidate.path.replace(/\/[^/]+\/?$/, "") || "/";
    const exists = fs().lstatSync(candidate.path, { throwIfNoEntry: false }) !== undefined;
    if (!candidate.explicit && !isWritable(exists ? candidate.path : parent)) continue;
    if (!exists) {
      try {
        fs().mkdirSync(candidate.path, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          if (candidate.explicit) return { ok: false, message: `cannot create the registry directory ${candidate.path} (BERTH_REGISTRY_DIR): ${(error as Error).message}` };
          continue;
        }
      }
    }
    const problem = validateDirectory(candidate.path);
    if (problem) return { ok: false, message: problem };
    return { ok: true, registry: { directory: candidate.path } };
  }
  return { ok: false, message: "no usable registry directory: /run/berth, $XDG_RUNTIME_DIR/berth and /tmp/berth-<uid> are not writable; set BERTH_REGISTRY_DIR" };
}

function readRecord(fd: number): LockRecord | undefined {
  const text = readAll(fd, 64 << 10);
  if (!text.ok) return undefined;
  try {
    const parsed = v.safeParse(LockRecordSchema, JSON.parse(text.value));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock for one port or GPU without waiting, and records who holds it. */
export function tryLock(registry: Registry, kind: ReservationKind, id: string | number, role: string, command: string): LockAttempt {
  const name = lockFileName(kind, id);
  if (kind === "gpu" && !isSafeGpuId(String(id))) return { ok: false, reason: "unsafe", message: `refusing GPU id ${JSON.stringify(id)} as a file name` };
  const path = `${registry.directory}/${name}`;
  const opened = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600);
  if (!opened.ok) {
    if (opened.errno === ERRNO.ELOOP) return { ok: false, reason: "unsafe", message: `lock file ${path} is a symlink; not following it` };
    return { ok: false, reason: "unsafe", message: `cannot open lock file ${path}: ${opened.name}` };
  }
  const fd = opened.value;
  const locked = flock(fd, LOCK_EX | LOCK_NB);
  if (!locked.ok) {
    const holder = locked.errno === ERRNO.EWOULDBLOCK ? readRecord(fd) : undefined;
    close(fd);
    if (locked.errno === ERRNO.EWOULDBLOCK) return { ok: false, reason: "held", holder };
    return { ok: false, reason: "unsafe", message: `cannot lock ${path}: ${locked.name}` };
  }
  const identity = processIdentity();
  const record: LockRecord = { pid: identity?.pid ?? process.pid, startTicks: identity?.startTicks ?? 0, startedAt: identity?.startedAt ?? new Date().toISOString(), role, command };
  rewrite(fd, `${JSON.stringify(record)}\n`);
  return { ok: true, lease: { kind, id: String(id), fd, path } };
}

/** Closing the descriptor drops the flock; the file stays, harmless, for the next holder. */
export function releaseLease(lease: Lease): void {
  close(lease.fd);
}

/** Lets the lock survive execve, so the command berth becomes keeps the reservation for its lifetime. */
export function inheritAcrossExec(lease: Lease): void {
  setCloseOnExec(lease.fd, false);
}

/** Rewrites a held lock's record, e.g. when a helper process takes over the reservation. */
export function updateRecord(lease: Lease, record: LockRecord): void {
  rewrite(lease.fd, `${JSON.stringify(record)}\n`);
}

export interface HeldReservation extends LockRecord {
  kind: ReservationKind;
  id: string;
}

/** Every live reservation, found through /proc/locks so that looking never takes a lock itself. */
export function listReservations(registry: Registry): HeldReservation[] {
  const held = parseProcLocks(readSmallFile("/proc/locks", 16 << 20) ?? "");
  const reservations: HeldReservation[] = [];
  for (const name of fs().readdirSync(registry.directory)) {
    const parsed = parseLockFileName(name);
    if (!parsed) continue;
    const path = `${registry.directory}/${name}`;
    const stat = fs().lstatSync(path, { throwIfNoEntry: false, bigint: true });
    if (!stat || !stat.isFile()) continue;
    const { major, minor } = splitDevice(stat.dev);
    if (!held.has(fileKey(major, minor, stat.ino))) continue;
    const opened = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (!opened.ok) continue;
    const record = readRecord(opened.value);
    close(opened.value);
    if (record) reservations.push({ kind: parsed.kind, id: parsed.id, ...record });
  }
  return reservations.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id, undefined, { numeric: true }));
}
