// The host-wide registry: one lock file per port and per GPU, held with an exclusive flock. The kernel drops
// the lock when its holder dies, so a crash can never leave a stale reservation; stale files are reused.
import { encodeLockRecord, isSafeGpuId, lockFileName, LockRecordSchema, parseLockFileName, registryDirectoryCandidates, type LockRecord, type ReservationKind } from "../../core/registry/registry-layout.ts";
import { devicePrefix, fileKey, parseProcLocks, splitDevice, type FileKey } from "../../core/registry/proc-locks.ts";
import * as v from "valibot";
import { badInput, environmentRefusal, type Refusal } from "../../core/refusal.ts";
import { close, flock, geteuid, isWritable, listDirectory, mkdir, open, readAll, readInto, readSmallFile, rewrite, setCloseOnExec, statOpenFile, unlink, type OpenFileStatus, type Sys } from "../../ffi/libc.ts";
import { ERRNO, EWOULDBLOCK, LOCK_EX, LOCK_NB, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_NOFOLLOW, O_RDONLY, O_RDWR } from "../../ffi/linux-constants.ts";
import { ownIdentity, ownPidNamespace } from "../process/self-process.ts";
import { keepGuardAcrossExec, releaseGuard } from "./kernel-guard.ts";
import { inOurPidNamespace } from "../../core/registry/holder-identity.ts";
import { sortedByKindAndId } from "../../core/registry/holders.ts";

export type RegistryOpen = { ok: true; registry: Registry } | { ok: false; refusal: Refusal };

export interface Registry {
  directory: string;
}

export interface Lease {
  kind: ReservationKind;
  id: string;
  fd: number;
  path: string;
  /** The kernel guard taken with the lock (registry/kernel-guard.ts): released and handed over with it. */
  guard?: number;
}

/**
 * held: another holder has the lock (its record, or its pid from /proc/locks where the record is missing);
 * unsafe: the lock file cannot be trusted (a symlink), so this one is skipped; unwritable: the record cannot
 * be written (ENOSPC, EROFS, EDQUOT), and nothing may be reserved that berth cannot say it holds.
 */
export type LockAttempt =
  | { ok: true; lease: Lease }
  | { ok: false; reason: "held"; holder?: LockRecord; pid?: number }
  | { ok: false; reason: "unsafe" | "unwritable"; message: string };

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

// Records are read into one reused buffer (a record is a few hundred bytes; a longer one is read whole), and
// parsed once per distinct text: a holder's 1,000 port locks all carry the same record.
const recordBuffer = new Uint8Array(4096);
const recordDecoder = new TextDecoder();
const parsedRecords = new Map<string, LockRecord | undefined>();

function recordText(fd: number): string | undefined {
  const count = readInto(fd, recordBuffer);
  if (!count.ok) return undefined;
  if (count.value < recordBuffer.length) return recordDecoder.decode(recordBuffer.subarray(0, count.value));
  const rest = readAll(fd, 64 << 10);
  return rest.ok ? recordDecoder.decode(recordBuffer) + rest.value : undefined;
}

function readRecord(fd: number): LockRecord | undefined {
  const text = recordText(fd);
  if (text === undefined) return undefined;
  if (parsedRecords.has(text)) return parsedRecords.get(text);
  let record: LockRecord | undefined;
  try {
    const parsed = v.safeParse(LockRecordSchema, JSON.parse(text));
    record = parsed.success ? parsed.output : undefined;
  } catch {
    record = undefined;
  }
  parsedRecords.set(text, record);
  return record;
}

// One holder takes many locks with the same record (64 ports, one role, one command): encode it once.
let lastRecord: { role: string; command: string; expiresAt?: string; bytes: Uint8Array } | undefined;

function recordBytes(role: string, command: string, expiresAt?: string): Uint8Array {
  if (lastRecord?.role === role && lastRecord.command === command && lastRecord.expiresAt === expiresAt) return lastRecord.bytes;
  const identity = ownIdentity();
  const record: LockRecord = {
    pid: identity?.pid ?? process.pid,
    startTicks: identity?.startTicks ?? 0,
    startedAt: identity?.startedAt ?? new Date().toISOString(),
    role,
    command,
    ...(expiresAt ? { expiresAt } : {}),
    ...(identity?.host ? { host: identity.host } : {}),
    ...(identity?.container ? { container: identity.container } : {}),
    ...(identity?.pidNamespace ? { pidNamespace: identity.pidNamespace } : {}),
  };
  lastRecord = { role, command, expiresAt, bytes: encodeLockRecord(record) };
  return lastRecord.bytes;
}

/**
 * Whether a locked descriptor is still the file its path names. A holder that releases removes its lock file;
 * a locker that opened the file just before must not keep a lock on the removed inode while a third locker
 * creates a new file at the path (the classic flock-and-unlink race): it sees the file unlinked and retries.
 * Lock files are only ever created and unlinked at their path (never renamed or linked), so a file that
 * still has a link is still the one its path names. (A failed statx, on kernels before 4.11, cannot tell.)
 */
function stillLinked(status: Sys<OpenFileStatus>): boolean {
  return !status.ok || status.value.links > 0;
}

const LOCK_RETRIES = 16;

/** Takes the lock for one port or GPU without waiting, and records who holds it. */
export function tryLock(registry: Registry, kind: ReservationKind, id: string | number, role: string, command: string, expiresAt?: string): LockAttempt {
  const name = lockFileName(kind, id);
  if (kind === "gpu" && !isSafeGpuId(String(id))) return { ok: false, reason: "unsafe", message: `refusing GPU id ${JSON.stringify(id)} as a file name` };
  const path = `${registry.directory}/${name}`;
  for (let attempt = 0; attempt < LOCK_RETRIES; attempt++) {
    const result = lockOnce(path, kind, id, recordBytes(role, command, expiresAt));
    if (result !== "removed") return result;
  }
  return { ok: false, reason: "unsafe", message: `lock file ${path} kept being removed while berth locked it` };
}

function lockOnce(path: string, kind: ReservationKind, id: string | number, record: Uint8Array): LockAttempt | "removed" {
  const opened = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600);
  if (!opened.ok) {
    if (opened.errno === ERRNO.ELOOP) return { ok: false, reason: "unsafe", message: `lock file ${path} is a symlink; not following it` };
    return { ok: false, reason: "unsafe", message: `cannot open lock file ${path}: ${opened.name}` };
  }
  const fd = opened.value;
  const locked = flock(fd, LOCK_EX | LOCK_NB);
  if (!locked.ok) {
    const holder = locked.errno === EWOULDBLOCK ? readRecord(fd) : undefined;
    const pid = locked.errno === EWOULDBLOCK && !holder ? lockHolderPid(fd) : undefined;
    close(fd);
    if (locked.errno === EWOULDBLOCK) return { ok: false, reason: "held", holder, pid };
    return { ok: false, reason: "unsafe", message: `cannot lock ${path}: ${locked.name}` };
  }
  const status = statOpenFile(fd);
  if (!stillLinked(status)) {
    close(fd);
    return "removed";
  }
  const written = rewrite(fd, record, status.ok ? status.value.size : undefined);
  if (!written.ok || written.value !== record.length) {
    // Held but not recorded would be a reservation nobody can name: let go of it, and say why.
    releaseLease({ kind, id: String(id), fd, path });
    return { ok: false, reason: "unwritable", message: `cannot write the lock record ${path}: ${written.ok ? "short write (ENOSPC)" : written.name}` };
  }
  return { ok: true, lease: { kind, id: String(id), fd, path } };
}

/** The pid /proc/locks gives for a held lock file whose record is missing (0 when in another pid namespace). */
function lockHolderPid(fd: number): number | undefined {
  const status = statOpenFile(fd);
  if (!status.ok) return undefined;
  return heldFileLocks().get(fileKey(status.value.deviceMajor, status.value.deviceMinor, status.value.inode));
}

/** The lock file goes while still locked (so the registry does not grow), then closing drops the flock; the guard goes last. */
export function releaseLease(lease: Lease): void {
  unlink(lease.path);
  close(lease.fd);
  if (lease.guard !== undefined) releaseGuard(lease.guard);
}

/**
 * Lock files /proc/locks does not list: stale ones (left by holders that were SIGKILLed, or by servers that
 * exec'd with the lock), or held by a process in another pid namespace, whose locks a /proc of this one
 * hides. The lock itself tells them apart: each file is locked without waiting. Held (EWOULDBLOCK): its
 * record is read and returned, its holder judged alive by its lock, never by a pid lookup. Taken: it is
 * checked to still be the file its path names, removed, and closed, so a reserver racing with the sweep either
 * sees the file gone or loses nothing.
 */
export function judgeUnlistedLocks(registry: Registry, held: ReadonlyMap<string, number>, names: readonly string[]): { heldElsewhere: HeldReservation[]; removed: number } {
  let removed = 0;
  const heldElsewhere: HeldReservation[] = [];
  for (const name of names) {
    const path = `${registry.directory}/${name}`;
    const opened = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (!opened.ok) continue;
    const status = statOpenFile(opened.value);
    const key = status.ok ? fileKey(status.value.deviceMajor, status.value.deviceMinor, status.value.inode) : undefined;
    if (key !== undefined && !held.has(key)) {
      const locked = flock(opened.value, LOCK_EX | LOCK_NB);
      if (locked.ok && stillLinked(statOpenFile(opened.value)) && unlink(path).ok) removed++;
      const record = !locked.ok && locked.errno === EWOULDBLOCK ? readRecord(opened.value) : undefined;
      const parsed = parseLockFileName(name);
      if (record && parsed) heldElsewhere.push({ kind: parsed.kind, id: parsed.id, ...record });
    }
    close(opened.value);
  }
  return { heldElsewhere, removed };
}

/** Lets the lock (and its guard) survive execve, so the command berth becomes keeps the reservation for its lifetime. */
export function inheritAcrossExec(lease: Lease): void {
  setCloseOnExec(lease.fd, false);
  if (lease.guard !== undefined) keepGuardAcrossExec(lease.guard);
}

export interface HeldReservation extends LockRecord {
  kind: ReservationKind;
  id: string;
  /** The holder's pid as this process sees it (/proc/locks), where its record's pid is another namespace's. */
  seenAsPid?: number;
}

/** The flocks held on this host right now, by file (see core/registry/proc-locks.ts). */
export function heldFileLocks(): Map<string, number> {
  return parseProcLocks(readSmallFile("/proc/locks", 16 << 20) ?? "");
}

/** The held reservation in one lock file, or undefined when nobody holds it (or it is not a lock file). */
function heldIn(registry: Registry, name: string, held: ReadonlyMap<string, number>): HeldReservation | undefined {
  const parsed = parseLockFileName(name);
  if (!parsed) return undefined;
  // O_NOFOLLOW first, then stat the descriptor: a symlink planted in the registry is never read.
  const opened = open(`${registry.directory}/${name}`, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (!opened.ok) return undefined;
  try {
    const status = statOpenFile(opened.value);
    if (!status.ok || !held.has(fileKey(status.value.deviceMajor, status.value.deviceMinor, status.value.inode))) return undefined;
    const record = readRecord(opened.value);
    return record ? { kind: parsed.kind, id: parsed.id, ...record } : undefined;
  } finally {
    close(opened.value);
  }
}

type HeldRecord = Omit<HeldReservation, "kind" | "id">;

/** A holder in another pid namespace is also named by the pid /proc/locks shows here (0: not visible). */
function withSeenPid(found: HeldReservation | undefined, pid: number, ourNamespace: string | undefined): HeldReservation | undefined {
  if (!found || pid === 0 || pid === found.pid || inOurPidNamespace(found, ourNamespace)) return found;
  return { ...found, seenAsPid: pid };
}

/**
 * Every live reservation, found through /proc/locks so that looking never takes a lock on a held file. The
 * directory's entries come with their inodes (getdents64), so a held file is known without opening it, and
 * one record is read per holding process (a holder writes the same record into each of its locks): 1,000 held
 * ports of one holder cost one read, not 1,000. The stale files met on the way (nobody holds them) are swept.
 */
export async function listReservations(registry: Registry, kinds: readonly ReservationKind[] = ["port", "gpu"], knownHeld?: Map<string, number>): Promise<HeldReservation[]> {
  const listing = listDirectory(registry.directory);
  if (!listing.ok) return [];
  const { entries, deviceMajor, deviceMinor } = listing.value;
  // No lock file, nothing held: /proc/locks is not read (each read waits out an RCU grace period, 10-25 ms).
  if (!entries.some(({ name }) => parseLockFileName(name) !== undefined)) return [];
  const held = knownHeld ?? heldFileLocks();
  const reservations: HeldReservation[] = [];
  const stale: string[] = [];
  const recordOfPid = new Map<number, HeldRecord | undefined>();
  const ourNamespace = ownPidNamespace();
  const device = devicePrefix(deviceMajor, deviceMinor);
  for (const { name, inode } of entries) {
    const parsed = parseLockFileName(name);
    if (!parsed || !kinds.includes(parsed.kind)) continue;
    const pid = held.get(`${device}${inode}`);
    if (pid === undefined) {
      stale.push(name);
      continue;
    }
    // pid 0: a holder in another pid namespace, whose record is read file by file.
    if (pid !== 0 && recordOfPid.has(pid)) {
      const record = recordOfPid.get(pid);
      if (record) reservations.push({ kind: parsed.kind, id: parsed.id, ...record });
      continue;
    }
    const found = withSeenPid(heldIn(registry, name, held), pid, ourNamespace);
    if (found) reservations.push(found);
    if (pid === 0) continue;
    if (!found) recordOfPid.set(pid, undefined);
    else {
      const { kind: _kind, id: _id, ...record } = found;
      recordOfPid.set(pid, record);
    }
  }
  reservations.push(...judgeUnlistedLocks(registry, held, stale).heldElsewhere);
  return sortedByKindAndId(reservations);
}

/** Only the named lock files (probe: the visible GPUs' UUIDs), without reading the directory. */
export async function reservationsIn(registry: Registry, names: readonly string[], held = heldFileLocks()): Promise<HeldReservation[]> {
  const listed = names.map((name) => heldIn(registry, name, held));
  const found = listed.filter((entry): entry is HeldReservation => entry !== undefined);
  // The rest may be held from another pid namespace (its locks are hidden here): the lock itself says.
  const unlisted = names.filter((name, position) => listed[position] === undefined && existsIn(registry, name));
  return [...found, ...judgeUnlistedLocks(registry, held, unlisted).heldElsewhere];
}

function existsIn(registry: Registry, name: string): boolean {
  const opened = open(`${registry.directory}/${name}`, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (opened.ok) close(opened.value);
  return opened.ok;
}
