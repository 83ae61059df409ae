// Reads this host's port settings from /proc; parsing and defaults live in the core.
// libc reads rather than node:fs (whose module costs ~2 ms of a compiled binary's start-up) or async Bun.file.
import { readSmallFile } from "../../ffi/libc.ts";
import {
  DEFAULT_EPHEMERAL_LOW,
  defaultPortPool,
  parseEphemeralRange,
  parseReservedPorts,
} from "../../core/ports/kernel-port-settings.ts";
import type { PortRange } from "../../core/types.ts";

const PROC_PORT_RANGE = "/proc/sys/net/ipv4/ip_local_port_range";
const PROC_RESERVED_PORTS = "/proc/sys/net/ipv4/ip_local_reserved_ports";

export interface HostPortSettings {
  ephemeralLow: number;
  reservedPorts: PortRange[];
  defaultPool: PortRange;
}

export function readHostPortSettings(procRoot = ""): HostPortSettings {
  const rangeText = readSmallFile(procRoot + PROC_PORT_RANGE);
  const reservedText = readSmallFile(procRoot + PROC_RESERVED_PORTS);
  const range = rangeText === undefined ? undefined : parseEphemeralRange(rangeText);
  // Unreadable files (a locked-down /proc) fall back to the kernel's defaults: ephemeral from 32768, none reserved.
  const ephemeralLow = range?.first ?? DEFAULT_EPHEMERAL_LOW;
  return {
    ephemeralLow,
    reservedPorts: parseReservedPorts(reservedText ?? ""),
    defaultPool: defaultPortPool(ephemeralLow),
  };
}
