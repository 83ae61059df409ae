// `berth status` by holder: each holding process once, with its ports as ranges and its GPUs, in one pass
// (grouping by copying each holder's list per entry was O(n²) at 1,000 held ports).
import type { PortRange } from "../types.ts";
import type { LockRecord, ReservationKind } from "./registry-layout.ts";

export interface HeldLock extends LockRecord {
  kind: ReservationKind;
  id: string;
}

export interface HolderSummary {
  pid: number;
  role: string;
  command: string;
  startedAt: string;
  expiresAt?: string;
  /** Inclusive ranges, in order. */
  ports: PortRange[];
  portCount: number;
  gpus: string[];
}

/** `locks` sorted by kind and id (registry.ts byKindAndId); holders in the order of their first lock. */
export function groupByHolder(locks: readonly HeldLock[]): HolderSummary[] {
  const byPid = new Map<number, HolderSummary>();
  for (const lock of locks) {
    let holder = byPid.get(lock.pid);
    if (!holder) {
      holder = { pid: lock.pid, role: lock.role, command: lock.command, startedAt: lock.startedAt, ...(lock.expiresAt ? { expiresAt: lock.expiresAt } : {}), ports: [], portCount: 0, gpus: [] };
      byPid.set(lock.pid, holder);
    }
    if (lock.kind === "gpu") {
      holder.gpus.push(lock.id);
      continue;
    }
    const port = Number(lock.id);
    const last = holder.ports[holder.ports.length - 1];
    if (last && last.last === port - 1) last.last = port;
    else holder.ports.push({ first: port, last: port });
    holder.portCount++;
  }
  return [...byPid.values()];
}
