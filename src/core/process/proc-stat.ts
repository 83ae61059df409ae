// /proc/<pid>/stat and /proc/stat, parsed. A pid plus its start time names a process even across pid reuse.

export interface ProcStat {
  pid: number;
  command: string;
  state: string;
  parentPid: number;
  /** Clock ticks after boot (field 22). */
  startTicks: number;
}

/** The command may hold spaces and parentheses, so fields are counted from the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open === -1 || close < open) return undefined;
  const rest = text.slice(close + 2).split(" ");
  const pid = Number(text.slice(0, open).trim());
  const startTicks = Number(rest[19]);
  if (!Number.isInteger(pid) || !Number.isFinite(startTicks)) return undefined;
  return { pid, command: text.slice(open + 1, close), state: rest[0] ?? "?", parentPid: Number(rest[1]), startTicks };
}

/** Seconds since the epoch at boot, from /proc/stat's btime line. */
export function parseBootTime(procStat: string): number | undefined {
  const match = /^btime (\d+)$/m.exec(procStat);
  return match ? Number(match[1]) : undefined;
}

/** Linux reports start times in USER_HZ, which is 100 on every architecture berth supports. */
export const CLOCK_TICKS_PER_SECOND = 100;

export function startedAtIso(bootTime: number, startTicks: number): string {
  return new Date((bootTime + startTicks / CLOCK_TICKS_PER_SECOND) * 1000).toISOString();
}
