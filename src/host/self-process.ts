// Who this process is, for lock records: pid, start time and command line.
import { parseBootTime, parseProcStat, startedAtIso } from "../core/process/proc-stat.ts";
import { getpid, readSmallFile } from "../ffi/libc.ts";

export interface ProcessIdentity {
  pid: number;
  startTicks: number;
  startedAt: string;
}

let own: ProcessIdentity | undefined;

/** This process's identity, read once: every lock record it writes carries the same one. */
export function ownIdentity(): ProcessIdentity | undefined {
  own ??= processIdentity();
  return own;
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
