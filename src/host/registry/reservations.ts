// Reserving ports and GPUs for a holder: a registry lock plus, for ports, the hold sockets. This is the API
// `berth run` uses: a server's whole block in one call, released by server.
import type { PortRange } from "../../core/types.ts";
import { holdPort, releaseHold, type HoldOptions } from "./port-holds.ts";
import { inheritAcrossExec, releaseLease, tryLock, type Lease, type Registry } from "./registry.ts";
import { describeHolderPid } from "../../core/registry/holder-identity.ts";
import { ownPidNamespace } from "../process/self-process.ts";

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

export type PortAttempt = { ok: true; held: HeldPort } | { ok: false; port: number; why: string; unsafe?: boolean };

/** Registry lock first, so two berths never bind-check the same port at once; then the bind check. */
export function reservePort(registry: Registry, port: number, holder: Holder, options: HoldOptions = { allowTimeWait: false }): PortAttempt {
  const lock = tryLock(registry, "port", port, holder.role, holder.command, holder.expiresAt);
  if (!lock.ok) {
    if (lock.reason === "unsafe") return { ok: false, port, why: lock.message, unsafe: true };
    const by = lock.holder ? `held by ${describeHolderPid(lock.holder, ownPidNamespace())} (${lock.holder.role})` : "held by another berth";
    return { ok: false, port, why: by };
  }
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
): { ok: true; ports: HeldPort[] } | { ok: false; port: number; why: string } {
  const ports: HeldPort[] = [];
  for (let port = block.first; port <= block.last; port++) {
    const attempt = reservePort(registry, port, holder, options);
    if (!attempt.ok) {
      releasePorts(ports);
      return { ok: false, port, why: attempt.why };
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
): { ok: true; ports: HeldPort[] } | { ok: false; found: number; unsafe: string[] } {
  const ports: HeldPort[] = [];
  const unsafe: string[] = [];
  for (let port = pool.last; port >= pool.first && ports.length < count; port--) {
    if (excluded.some((range) => port >= range.first && port <= range.last)) continue;
    const attempt = reservePort(registry, port, holder);
    if (attempt.ok) ports.push(attempt.held);
    else if (attempt.unsafe) unsafe.push(attempt.why);
  }
  if (ports.length < count) {
    releasePorts(ports);
    return { ok: false, found: ports.length, unsafe };
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
): { ok: true; blocks: HeldPort[][] } | { ok: false; found: number } {
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

/** GPUs by UUID, all or nothing; a refusal names who holds the GPU. */
export function reserveGpus(registry: Registry, uuids: readonly string[], holder: Holder): { ok: true; gpus: Lease[] } | { ok: false; uuid: string; why: string } {
  const gpus: Lease[] = [];
  for (const uuid of uuids) {
    const lock = tryLock(registry, "gpu", uuid, holder.role, holder.command);
    if (!lock.ok) {
      gpus.forEach(releaseLease);
      const why = lock.reason === "unsafe" ? lock.message : lock.holder ? `held by ${describeHolderPid(lock.holder, ownPidNamespace())} (${lock.holder.role}, since ${lock.holder.startedAt})` : "held by another berth";
      return { ok: false, uuid, why };
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

