// The guard no registry can miss: every reserved port and GPU is also held by an abstract unix socket
// (@berth/port/N, @berth/gpu/UUID) bound for as long as the reservation lives, and handed across exec like
// the registry's locks. Abstract names belong to the network namespace, exactly as ports do, and every berth
// in it sees them whatever its registry: a deleted, unshared or full registry never hands a port or a GPU
// out twice. (GPUs shared by containers in different network namespaces with unshared registries are the
// one case the guard cannot cover; NVML's process list still shows the GPU busy.)
import { GUARD_PREFIX, guardName, guardsInProcNetUnix } from "../../core/registry/kernel-guard-names.ts";
import { abstractUnixSockets } from "../../ffi/sock-diag.ts";
import type { ReservationKind } from "../../core/registry/registry-layout.ts";
import { bind, close, readSmallFile, setCloseOnExec, unixSocket } from "../../ffi/libc.ts";
import { ERRNO } from "../../ffi/linux-constants.ts";
import { abstractUnixAddress } from "../../ffi/unix-address.ts";
import { pidsHoldingSockets } from "../process/descriptor-owners.ts";

export type GuardAttempt = { ok: true; fd: number } | { ok: false; held: true } | { ok: false; held: false; message: string };

export function takeGuard(kind: ReservationKind, id: string | number): GuardAttempt {
  const socket = unixSocket();
  if (!socket.ok) return { ok: false, held: false, message: `cannot make berth's kernel guard for ${kind} ${id}: ${socket.name}` };
  const bound = bind(socket.value, abstractUnixAddress(guardName(kind, id)));
  if (bound.ok) return { ok: true, fd: socket.value };
  close(socket.value);
  if (bound.errno === ERRNO.EADDRINUSE) return { ok: false, held: true };
  return { ok: false, held: false, message: `cannot take berth's kernel guard @${guardName(kind, id)}: ${bound.name}` };
}

export function releaseGuard(fd: number): void {
  close(fd);
}

/** The guard survives execve, so the command berth becomes holds it for its lifetime, as it does the lock. */
export function keepGuardAcrossExec(fd: number): void {
  setCloseOnExec(fd, false);
}

/** Every berth guard taken in this network namespace right now, by name, with its socket's inode. */
export function guardsHeld(): Map<string, string> {
  // sock_diag where netlink is allowed: /proc/net/unix is the text of every unix socket on the host (4-7 ms
  // with 2,000 guards); the netlink dump is binary, and only names are looked at.
  return abstractUnixSockets(GUARD_PREFIX) ?? guardsInProcNetUnix(readSmallFile("/proc/net/unix", 64 << 20) ?? "");
}

/** The pid holding a guard, where this process may see it (a walk of /proc: refusals and status only). */
export function guardHolderPid(kind: ReservationKind, id: string | number): number | undefined {
  const inode = guardsHeld().get(guardName(kind, id));
  return inode === undefined ? undefined : pidsHoldingSockets(new Set([inode])).get(inode);
}
