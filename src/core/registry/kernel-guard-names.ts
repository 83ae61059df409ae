// The kernel guard's names: one abstract unix socket per reserved port and GPU, @berth/port/N and
// @berth/gpu/UUID, and how /proc/net/unix lists them (its last column, the path, starts with @ for an
// abstract name; the column before is the socket's inode).
import type { ReservationKind } from "./registry-layout.ts";

/** The start of every guard's name. */
export const GUARD_PREFIX = "berth/";
const PREFIX = GUARD_PREFIX;

export function guardName(kind: ReservationKind, id: string | number): string {
  return `${PREFIX}${kind}/${id}`;
}

export function parseGuardName(name: string): { kind: ReservationKind; id: string } | undefined {
  const match = /^berth\/(port|gpu)\/(.+)$/.exec(name);
  return match ? { kind: match[1] as ReservationKind, id: match[2]! } : undefined;
}

/**
 * Every berth guard in /proc/net/unix's text: its name (without the @) and its socket's inode. A guard is bound
 * and never listens or connects ("Num RefCount Protocol Flags Type St Inode Path": no flags, St 01), as the
 * kernel's sock_diag is asked for it; a listener or a connection under such a name is not one.
 */
export function guardsInProcNetUnix(text: string): Map<string, string> {
  const guards = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(` @${PREFIX}`);
    if (at === -1) continue;
    const fields = line.slice(0, at).trim().split(/\s+/);
    const inode = fields[6];
    if (fields.length === 7 && fields[3] === "00000000" && fields[5] === "01" && inode && /^\d+$/.test(inode)) guards.set(line.slice(at + 2).trim(), inode);
  }
  return guards;
}
