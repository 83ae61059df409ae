// The host-wide registry: one lock file per port and per GPU, held with an exclusive flock. The kernel drops
// the lock when its holder dies, so a crash can never leave a stale reservation; stale files are reused.
import { encodeLockRecord, isSafeGpuId, lockFileName, LockRecordSchema, parseLockFileName, registryDirectoryCandidates, type LockRecord, type ReservationKind } from "../core/registry/registry-layout.ts";
import { fileKey, parseProcLocks, splitDevice, type FileKey } from "../core/registry/proc-locks.ts";
import * as v from "valibot";
import { badInput, environmentRefusal, type Refusal } from "../core/refusal.ts";
import { close, flock, geteuid, isWritable, mkdir, open, readAll, readSmallFile, rewrite, setCloseOnExec, statOpenFile } from "../ffi/libc.ts";
import { ERRNO, EWOULDBLOCK, LOCK_EX, LOCK_NB, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_NOFOLLOW, O_RDONLY, O_RDWR } from "../ffi/linux-constants.ts";
import { ownIdentity } from "./self-process.ts";

export type RegistryOpen = { ok: true; registry: Registry } | { ok: false; refusal: Refusal };

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

// No node:fs here: its module costs ~2 ms of start-up, more than reserving 64 ports. Directories are opened
// with O_NOFOLLOW (a symlink fails with ELOOP) and checked through /proc/self/fd, so the check and the use
// are the same directory.
type DirectoryOpen = { ok: true; fd: number } | { ok: false; errno: number; name: string };

function openDirectory(path: string): DirectoryOpen {
  const opened = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return opened.ok ? { ok: true, fd: opened.value } : opened;
}

interface DescriptorFacts {
  uid: number;
  mode: number;
  key: FileKey;
}

/** Owner, mode and /proc/locks key of an open descriptor: statx when the kernel has it, else Bun's stat. */
async function describeDescriptor(fd: number): Promise<DescriptorFacts> {
  const status = statOpenFile(fd);
  if (status.ok) return { uid: status.value.uid, mode: status.value.mode, key: fileKey(status.value.deviceMajor, status.value.deviceMinor, status.value.inode) };
  const stat = await Bun.file(`/proc/self/fd/${fd}`).stat();
  const { major, minor } = splitDevice(stat.dev);
  return { uid: stat.uid, mode: stat.mode, key: fileKey(major, minor, stat.ino) };
}

async function ownershipProblem(path: string, fd: number): Promise<string | undefined> {
  const stat = await describeDescriptor(fd);
  if (stat.uid !== geteuid()) return `registry directory ${path} is owned by uid ${stat.uid}, not this user (${geteuid()}); refusing it (set BERTH_REGISTRY_DIR)`;
  if ((stat.mode & 0o022) !== 0) return `registry directory ${path} is writable by others (mode ${(stat.mode & 0o777).toString(8)}); refusing it (chmod 700 it, or set BERTH_REGISTRY_DIR)`;
  return undefined;
}

function describeOpenFailure(path: string, failure: { errno: number; name: string }): string {
  // With O_DIRECTORY a symlink fails as ENOTDIR; opening it again without O_DIRECTORY tells the two apart.
  const again = failure.errno === 20 /* ENOTDIR */ ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : undefined;
  if (again?.ok) close(again.value);
  if (failure.errno === ERRNO.ELOOP || (again && !again.ok && again.errno === ERRNO.ELOOP)) {
    return `registry directory ${path} is a symlink; refusing it (remove it, or set BERTH_REGISTRY_DIR)`;
  }
  if (failure.errno === 20 /* ENOTDIR */) return `registry path ${path} is not a directory`;
  return `cannot open the registry directory ${path}: ${failure.name}`;
}

/** Finds, creates (0700) and checks the registry directory. */
export async function openRegistry(env: Record<string, string | undefined>): Promise<RegistryOpen> {
  const named = env.BERTH_REGISTRY_DIR;
  if (named && !named.startsWith("/")) {
    // Every berth on the host must find the same registry, whatever its working directory.
    return { ok: false, refusal: badInput(`bad value ${JSON.stringify(named)} for BERTH_REGISTRY_DIR; expected an absolute path, the same for every berth on this host`) };
  }
  for (const candidate of registryDirectoryCandidates(env, geteuid())) {
    const { path, explicit } = candidate;
    let opened = openDirectory(path);
    if (!opened.ok && opened.errno === ERRNO.ENOENT) {
      const made = mkdir(path, 0o700);
      if (!made.ok && made.errno !== 17 /* EEXIST */) {
        if (explicit) return { ok: false, refusal: environmentRefusal(`cannot create the registry directory ${path} (BERTH_REGISTRY_DIR): ${made.name}`) };
        continue;
      }
      opened = openDirectory(path);
    }
    if (!opened.ok) {
      if (!explicit && opened.errno === ERRNO.EACCES) continue;
      return { ok: false, refusal: environmentRefusal(describeOpenFailure(path, opened)) };
    }
    try {
      // A system-wide default that belongs to another user (root's /run/berth) is theirs, not tampering.
      if (!explicit && !isWritable(path)) continue;
      const problem = await ownershipProblem(path, opened.fd);
      if (problem) return { ok: false, refusal: environmentRefusal(problem) };
      return { ok: true, registry: { directory: path } };
    } finally {
      close(opened.fd);
    }
  }
  return { ok: false, refusal: environmentRefusal("no usable registry directory: /run/berth, $XDG_RUNTIME_DIR/berth and /tmp/berth-<uid> are not writable; set BERTH_REGISTRY_DIR") };
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

// One holder takes many locks with the same record (64 ports, one role, one command): encode it once.
let lastRecord: { role: string; command: string; bytes: Uint8Array } | undefined;

function recordBytes(role: string, command: string): Uint8Array {
  if (lastRecord?.role === role && lastRecord.command === command) return lastRecord.bytes;
  const identity = ownIdentity();
  const record: LockRecord = { pid: identity?.pid ?? process.pid, startTicks: identity?.startTicks ?? 0, startedAt: identity?.startedAt ?? new Date().toISOString(), role, command };
  lastRecord = { role, command, bytes: encodeLockRecord(record) };
  return lastRecord.bytes;
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
    const holder = locked.errno === EWOULDBLOCK ? readRecord(fd) : undefined;
    close(fd);
    if (locked.errno === EWOULDBLOCK) return { ok: false, reason: "held", holder };
    return { ok: false, reason: "unsafe", message: `cannot lock ${path}: ${locked.name}` };
  }
  rewrite(fd, recordBytes(role, command));
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

export interface HeldReservation extends LockRecord {
  kind: ReservationKind;
  id: string;
}

/** The flocks held on this host right now, by file (see core/registry/proc-locks.ts). */
export function heldFileLocks(): Map<string, number> {
  return parseProcLocks(readSmallFile("/proc/locks", 16 << 20) ?? "");
}

/** Every live reservation, found through /proc/locks so that looking never takes a lock itself. */
export async function listReservations(registry: Registry, kinds: readonly ReservationKind[] = ["port", "gpu"], held = heldFileLocks()): Promise<HeldReservation[]> {
  if (held.size === 0) return [];
  const names = [...new Bun.Glob("{port,gpu}-*").scanSync({ cwd: registry.directory, onlyFiles: true })];
  const candidates = names.flatMap((name) => {
    const parsed = parseLockFileName(name);
    return parsed && kinds.includes(parsed.kind) ? [{ name, ...parsed }] : [];
  });
  const found = await Promise.all(
    candidates.map(async ({ name, kind, id }): Promise<HeldReservation | undefined> => {
      const path = `${registry.directory}/${name}`;
      // O_NOFOLLOW first, then stat the descriptor: a symlink planted in the registry is never read.
      const opened = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (!opened.ok) return undefined;
      try {
        if (!held.has((await describeDescriptor(opened.value)).key)) return undefined;
        const record = readRecord(opened.value);
        return record ? { kind, id, ...record } : undefined;
      } finally {
        close(opened.value);
      }
    }),
  );
  const reservations = found.filter((entry): entry is HeldReservation => entry !== undefined);
  return reservations.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id, undefined, { numeric: true }));
}
