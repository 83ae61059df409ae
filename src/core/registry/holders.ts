// `berth status` by holder: each holding process once, with its ports as ranges and its GPUs, in one pass
// (grouping by copying each holder's list per entry was O(n²) at 1,000 held ports).
import type { PortRange } from "../types.ts";
import { holderKey } from "./holder-identity.ts";
import type { LockRecord, ReservationKind } from "./registry-layout.ts";

export interface HeldLock extends LockRecord {
  kind: ReservationKind;
  id: string;
  seenAsPid?: number;
}

export interface HolderSummary {
  pid: number;
  /** The holder's start time in clock ticks since boot: with pid and pid namespace, who it is. */
  startTicks: number;
  role: string;
  command: string;
  startedAt: string;
  expiresAt?: string;
  /** Where the holder runs (its host name, its container) and its pid namespace; seenAsPid: its pid here. */
  host?: string;
  container?: string;
  pidNamespace?: string;
  seenAsPid?: number;
  /** The holder's own process is gone, and this one holds its locks now (a daemon it forked). */
  keptBy?: { pid: number; command: string };
  /** Inclusive ranges, in order. */
  ports: PortRange[];
  portCount: number;
  gpus: string[];
}

function summaryOf(lock: HeldLock): HolderSummary {
  const optional = { expiresAt: lock.expiresAt, host: lock.host, container: lock.container, pidNamespace: lock.pidNamespace, seenAsPid: lock.seenAsPid };
  const present = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  return { pid: lock.pid, startTicks: lock.startTicks, role: lock.role, command: lock.command, startedAt: lock.startedAt, ...present, ports: [], portCount: 0, gpus: [] };
}

/** `locks` sorted by kind and id (registry.ts sortedByKindAndId); holders in the order of their first lock. */
export function groupByHolder(locks: readonly HeldLock[]): HolderSummary[] {
  const byHolder = new Map<string, HolderSummary>();
  for (const lock of locks) {
    const key = holderKey(lock);
    let holder = byHolder.get(key);
    if (!holder) {
      holder = summaryOf(lock);
      byHolder.set(key, holder);
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
  return [...byHolder.values()];
}
