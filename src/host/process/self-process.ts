// Who this process is, for lock records: pid, start time and command line.
import { parseBootTime, parseProcStat, startedAtIso } from "../../core/process/proc-stat.ts";
import { getpid, readlink, readSmallFile } from "../../ffi/libc.ts";
import { containerIdFromCgroup } from "../../core/registry/holder-identity.ts";

export interface ProcessIdentity {
  pid: number;
  startTicks: number;
  startedAt: string;
  /** This host's (or container's) name and this process's pid namespace, for a registry shared across them. */
  host?: string;
  container?: string;
  pidNamespace?: string;
}

let own: ProcessIdentity | undefined;

/** This process's identity, read once: every lock record it writes carries the same one. */
export function ownIdentity(): ProcessIdentity | undefined {
  if (own) return own;
  const identity = processIdentity();
  own = identity && {
    ...identity,
    host: readSmallFile("/proc/sys/kernel/hostname")?.trim() || undefined,
    container: containerIdFromCgroup(readSmallFile("/proc/self/cgroup") ?? ""),
    pidNamespace: ownPidNamespace(),
  };
  return own;
}

let pidNamespace: { value: string | undefined } | undefined;

/** "pid:[4026531836]": two processes share a pid namespace exactly when these are equal. Read once. */
export function ownPidNamespace(): string | undefined {
  if (pidNamespace) return pidNamespace.value;
  const link = readlink("/proc/self/ns/pid");
  pidNamespace = { value: link.ok ? link.value : undefined };
  return pidNamespace.value;
}

/**
 * A process's start time in clock ticks after boot, or undefined when no such pid runs (one small read). A
 * zombie (dead, not yet reaped by its parent) does not run: its /proc entry outlives it until it is reaped.
 */
export function startTicksOf(pid: number): number | undefined {
  const stat = parseProcStat(readSmallFile(`/proc/${pid}/stat`) ?? "");
  return stat && stat.state !== "Z" && stat.state !== "X" ? stat.startTicks : undefined;
}

export function processIdentity(pid = getpid()): ProcessIdentity | undefined {
  const stat = parseProcStat(readSmallFile(`/proc/${pid}/stat`) ?? "");
  if (!stat) return undefined;
  const bootTime = parseBootTime(readSmallFile("/proc/stat") ?? "") ?? 0;
  return { pid, startTicks: stat.startTicks, startedAt: startedAtIso(bootTime, stat.startTicks) };
}

/** How berth runs itself again (hidden helper commands, the exec step): the binary, or bun plus the script. */
export function selfArgv(): string[] {
  const compiled = Bun.main.startsWith("/$bunfs/") || !Bun.main.endsWith(".ts");
  return compiled ? [process.execPath] : [process.execPath, Bun.main];
}
