// Reserving ports and GPUs for a holder: a registry lock, a kernel guard (registry/kernel-guard.ts) that every
// berth sees whatever its registry, and for ports the hold sockets. This is the API `berth run` uses: a
// server's whole block in one call, released by server. A lock whose record cannot be written ends the
// reservation (fatal): nothing is held that berth cannot say it holds.
import type { PortRange } from "../../core/types.ts";
import { holdPort, releaseHold, type HoldOptions } from "./port-holds.ts";
import { inheritAcrossExec, releaseLease, tryLock, type Lease, type Registry } from "./registry.ts";
import { describeHolderPid } from "../../core/registry/holder-identity.ts";
import { guardName } from "../../core/registry/kernel-guard-names.ts";
import { ownPidNamespace } from "../process/self-process.ts";
import { guardHolderPid, takeGuard } from "./kernel-guard.ts";

export interface HeldPort {
  port: number;
  lease: Lease;
  /** Bound, non-listening SO_REUSEADDR sockets; closed just before the server starts. */
  sockets: number[];
  checked: "ipv4+ipv6" | "ipv4";
}

export interface Reservation {
  ports: HeldPort[];
  gpus: Lease[];
}

export interface Holder {
  role: string;
  command: string;
  /** A --ttl holder's end, shown by `berth status`. */
  expiresAt?: string;
}

/** fatal: a record that cannot be written (ENOSPC, EROFS): the whole reservation stops, naming it. */
export type PortAttempt = { ok: true; held: HeldPort } | { ok: false; port: number; why: string; unsafe?: boolean; fatal?: boolean; guarded?: boolean };

type HeldLock = Extract<ReturnType<typeof tryLock>, { reason: "held" }>;

/** Who holds a lock: its record, else the pid /proc/locks gives for it. */
function heldBy(lock: HeldLock, withSince: boolean): string {
  if (lock.holder) return `held by ${describeHolderPid(lock.holder, ownPidNamespace())} (${lock.holder.role}${withSince ? `, since ${lock.holder.startedAt}` : ""})`;
  return lock.pid ? `held by pid ${lock.pid} (its lock record is missing)` : "held by another berth";
}

/** Who holds a guard berth's own registry does not know of; naming the pid walks /proc, so only when asked. */
function guardedBy(kind: "port" | "gpu", id: string | number, name: boolean): string {
  const pid = name ? guardHolderPid(kind, id) : undefined;
  return `held by ${pid ? `pid ${pid}` : "another berth"} outside this registry (its kernel guard @${guardName(kind, id)})`;
}

/**
 * The registry's lock, then the kernel guard: the lock keeps two berths of one registry from bind-checking a
 * port at once, the guard keeps out berths of every other registry. Refused: the lock is let go at once.
 */
function lockAndGuard(registry: Registry, kind: "port" | "gpu", id: string | number, holder: Holder, nameHolder: boolean): { ok: true; lease: Lease } | { ok: false; why: string; unsafe?: boolean; fatal?: boolean; guarded?: boolean } {
  const lock = tryLock(registry, kind, id, holder.role, holder.command, holder.expiresAt);
  if (!lock.ok) {
    if (lock.reason === "held") return { ok: false, why: heldBy(lock, kind === "gpu") };
    return { ok: false, why: lock.message, unsafe: lock.reason === "unsafe", fatal: lock.reason === "unwritable" };
  }
  const guard = takeGuard(kind, id);
  if (!guard.ok) {
    releaseLease(lock.lease);
    return guard.held ? { ok: false, why: guardedBy(kind, id, nameHolder), guarded: true } : { ok: false, why: guard.message, unsafe: true };
  }
  lock.lease.guard = guard.fd;
  return { ok: true, lease: lock.lease };
}

/** A refused port in words, naming the process behind a guard berth's registry does not know (a walk of /proc). */
function describeRefusedPort(attempt: Extract<PortAttempt, { ok: false }>): string {
  return `port ${attempt.port} is ${attempt.guarded ? guardedBy("port", attempt.port, true) : attempt.why}`;
}

/** Lock and guard first, so two berths never bind-check the same port at once; then the bind check. */
export function reservePort(registry: Registry, port: number, holder: Holder, options: HoldOptions = { allowTimeWait: false }): PortAttempt {
  const lock = lockAndGuard(registry, "port", port, holder, false);
  if (!lock.ok) return { port, ...lock };
  const hold = holdPort(port, options);
  if (!hold.ok) {
    releaseLease(lock.lease);
    return { ok: false, port, why: `in use by another process (${hold.reason})` };
  }
  return { ok: true, held: { port, lease: lock.lease, sockets: hold.sockets, checked: hold.checked } };
}

/** Every port of a block, all or nothing: a planned block is useless with a hole in it. */
export function reserveBlock(
  registry: Registry,
  block: PortRange,
  holder: Holder,
  options: HoldOptions,
): { ok: true; ports: HeldPort[] } | { ok: false; port: number; why: string; fatal?: boolean } {
  const ports: HeldPort[] = [];
  for (let port = block.first; port <= block.last; port++) {
    const attempt = reservePort(registry, port, holder, options);
    if (!attempt.ok) {
      releasePorts(ports);
      return { ok: false, port, why: attempt.why, fatal: attempt.fatal };
    }
    ports.push(attempt.held);
  }
  return { ok: true, ports };
}

/**
 * Any `count` free ports of the pool, scanning down from its top: planned server blocks are cut from the
 * bottom, so ad-hoc reservations keep out of their way.
 */
export function reserveFreePorts(
  registry: Registry,
  count: number,
  pool: PortRange,
  excluded: readonly PortRange[],
  holder: Holder,
): { ok: true; ports: HeldPort[] } | { ok: false; found: number; unsafe: string[]; fatal?: string; example?: string } {
  const ports: HeldPort[] = [];
  const unsafe: string[] = [];
  let example: PortAttempt | undefined;
  for (let port = pool.last; port >= pool.first && ports.length < count; port--) {
    if (excluded.some((range) => port >= range.first && port <= range.last)) continue;
    const attempt = reservePort(registry, port, holder);
    if (attempt.ok) ports.push(attempt.held);
    else if (attempt.fatal) {
      releasePorts(ports);
      return { ok: false, found: ports.length, unsafe, fatal: attempt.why };
    } else {
      if (attempt.unsafe) unsafe.push(attempt.why);
      example ??= attempt;
    }
  }
  if (ports.length < count) {
    releasePorts(ports);
    return { ok: false, found: ports.length, unsafe, example: example && !example.ok ? describeRefusedPort(example) : undefined };
  }
  return { ok: true, ports: ports.sort((a, b) => a.port - b.port) };
}

/**
 * `count` contiguous blocks of `width` free ports, scanning down from the pool's top like reserveFreePorts.
 * A window that hits a busy port resumes just below that port, so a scan never retries what it saw taken.
 */
export function reserveFreeBlocks(
  registry: Registry,
  count: number,
  width: number,
  pool: PortRange,
  excluded: readonly PortRange[],
  holder: Holder,
): { ok: true; blocks: HeldPort[][] } | { ok: false; found: number; fatal?: string } {
  const blocks: HeldPort[][] = [];
  let last = pool.last;
  while (blocks.length < count && last - width + 1 >= pool.first) {
    const window = { first: last - width + 1, last };
    const clash = excluded.find((range) => range.first <= window.last && range.last >= window.first);
    if (clash) {
      last = clash.first - 1;
      continue;
    }
    const block = reserveBlock(registry, window, holder, { allowTimeWait: false });
    if (block.ok) {
      blocks.push(block.ports);
      last = window.first - 1;
    } else if (block.fatal) {
      blocks.forEach(releasePorts);
      return { ok: false, found: blocks.length, fatal: block.why };
    } else {
      last = block.port - 1;
    }
  }
  if (blocks.length < count) {
    blocks.forEach(releasePorts);
    return { ok: false, found: blocks.length };
  }
  return { ok: true, blocks: blocks.reverse() };
}

/** GPUs by UUID, all or nothing; a refusal names who holds the GPU (from its guard where no record says). */
export function reserveGpus(registry: Registry, uuids: readonly string[], holder: Holder): { ok: true; gpus: Lease[] } | { ok: false; uuid: string; why: string; fatal?: boolean } {
  const gpus: Lease[] = [];
  for (const uuid of uuids) {
    const lock = lockAndGuard(registry, "gpu", uuid, holder, true);
    if (!lock.ok) {
      gpus.forEach(releaseLease);
      return { ok: false, uuid, why: lock.why, fatal: lock.fatal };
    }
    gpus.push(lock.lease);
  }
  return { ok: true, gpus };
}

export function releasePorts(ports: readonly HeldPort[]): void {
  for (const held of ports) {
    releaseHold(held.sockets);
    releaseLease(held.lease);
  }
}

export function releaseReservation(reservation: Reservation): void {
  releasePorts(reservation.ports);
  reservation.gpus.forEach(releaseLease);
}

/**
 * Just before execve: the locks stay with the new program. The hold sockets are SOCK_CLOEXEC, so the kernel
 * closes them at the exec itself, the last moment possible, without one close(2) per socket.
 */
export function handOverToExec(reservation: Reservation): void {
  for (const held of reservation.ports) inheritAcrossExec(held.lease);
  reservation.gpus.forEach(inheritAcrossExec);
}

