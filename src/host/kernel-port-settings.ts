// Reads this host's port settings from /proc; parsing and defaults live in the core.
// Bun.file rather than node:fs, whose module costs ~2 ms of a compiled binary's start-up.
import {
  DEFAULT_EPHEMERAL_LOW,
  defaultPortPool,
  parseEphemeralRange,
  parseReservedPorts,
} from "../core/ports/kernel-port-settings.ts";
import type { PortRange } from "../core/types.ts";

const PROC_PORT_RANGE = "/proc/sys/net/ipv4/ip_local_port_range";
const PROC_RESERVED_PORTS = "/proc/sys/net/ipv4/ip_local_reserved_ports";

export interface HostPortSettings {
  ephemeralLow: number;
  reservedPorts: PortRange[];
  defaultPool: PortRange;
  /** Which files could not be read, so output can say what was assumed. */
  assumed: string[];
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Bun.file(path).text();
  } catch {
    return undefined;
  }
}

export async function readHostPortSettings(procRoot = ""): Promise<HostPortSettings> {
  const assumed: string[] = [];
  const [rangeText, reservedText] = await Promise.all([readOptional(procRoot + PROC_PORT_RANGE), readOptional(procRoot + PROC_RESERVED_PORTS)]);
  const range = rangeText === undefined ? undefined : parseEphemeralRange(rangeText);
  if (!range) assumed.push(`${PROC_PORT_RANGE} unreadable; assumed the ephemeral range starts at ${DEFAULT_EPHEMERAL_LOW}`);
  const ephemeralLow = range?.first ?? DEFAULT_EPHEMERAL_LOW;
  if (reservedText === undefined) assumed.push(`${PROC_RESERVED_PORTS} unreadable; assumed no reserved ports`);
  return {
    ephemeralLow,
    reservedPorts: parseReservedPorts(reservedText ?? ""),
    defaultPool: defaultPortPool(ephemeralLow),
    assumed,
  };
}
