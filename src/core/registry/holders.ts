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

/**
 * Lock files by name: GPUs first (by UUID), then ports in numeric order. Ports are sorted natively: each is
 * packed with its place in the list into one number of a Float64Array, whose sort takes no comparator. This is
 * the cold code of a one-shot command, where every callback call counts: 1,000 ports sort in 0.7-1.0 ms this
 * way, 1.3-1.5 ms with a comparator, 1.8-2.4 ms with filter and map callbacks around the typed array.
 */
export function sortedByKindAndId<T extends { kind: string; id: string }>(locks: readonly T[]): T[] {
  const sorted: T[] = [];
  const packed = new Float64Array(locks.length);
  let ports = 0;
  for (let place = 0; place < locks.length; place++) {
    const lock = locks[place]!;
    if (lock.kind === "port") packed[ports++] = Number(lock.id) * 2 ** 32 + place;
    else sorted.push(lock);
  }
  sorted.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const order = packed.subarray(0, ports).sort();
  for (let index = 0; index < ports; index++) sorted.push(locks[order[index]! % 2 ** 32]!);
  return sorted;
}

/** `locks` sorted by kind and id (sortedByKindAndId); holders in the order of their first lock. */
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
