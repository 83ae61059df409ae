// Parsing of the kernel's port settings (/proc/sys/net/ipv4/ip_local_port_range and ip_local_reserved_ports).
import type { PortRange } from "../types.ts";

/** Where /proc cannot be read, the kernel's documented default low bound. */
export const DEFAULT_EPHEMERAL_LOW = 32768;
/** berth's pools start here: below it sit well-known service ports people run by hand. */
export const DEFAULT_POOL_FIRST = 10000;

/** "32768\t60999\n" → {first: 32768, last: 60999}; undefined when it is not two ports, low first. */
export function parseEphemeralRange(text: string): PortRange | undefined {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (first < 1 || last > 65535 || first > last) return undefined;
  return { first, last };
}

/** "8080,9000-9010\n" → ranges sorted by first port; bad items are skipped, since the file is the kernel's. */
export function parseReservedPorts(text: string): PortRange[] {
  const ranges: PortRange[] = [];
  for (const item of text.split(",")) {
    const match = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(item);
    if (!match) continue;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (first <= last && last <= 65535) ranges.push({ first, last });
  }
  return ranges.sort((a, b) => a.first - b.first);
}

export function defaultPortPool(ephemeralLow: number): PortRange {
  return { first: DEFAULT_POOL_FIRST, last: ephemeralLow - 1 };
}

export function countFreeInPool(pool: PortRange, reserved: readonly PortRange[]): number {
  let count = pool.last - pool.first + 1;
  for (const range of reserved) {
    const first = Math.max(range.first, pool.first);
    const last = Math.min(range.last, pool.last);
    if (first <= last) count -= last - first + 1;
  }
  return count;
}
