// Orphan handling for a supervisor (and a container's PID 1): berth becomes a child subreaper, reaps
// zombies that are not its own spawned children by waitpid on exactly those pids (never waitpid(-1), which
// would steal Bun's own children's statuses), and can find live orphans to stop at shutdown.
import { parseProcStat } from "../../core/process/proc-stat.ts";
import { listDirectory, prctl, readSmallFile, waitpidNoHang } from "../../ffi/libc.ts";
import { PR_SET_CHILD_SUBREAPER } from "../../ffi/linux-constants.ts";

export function becomeSubreaper(): boolean {
  return prctl(PR_SET_CHILD_SUBREAPER, 1).ok;
}

/** Direct children of this process, from /proc/self/task/<tid>/children (read every second: getdents, no glob). */
function childPids(): number[] {
  const tasks = listDirectory("/proc/self/task");
  const pids = new Set<number>();
  for (const { name } of tasks.ok ? tasks.value.entries : []) {
    if (name.startsWith(".")) continue;
    for (const pid of (readSmallFile(`/proc/self/task/${name}/children`) ?? "").split(/\s+/)) if (pid) pids.add(Number(pid));
  }
  return [...pids];
}

/** Children that berth did not spawn itself: orphans re-parented to it. */
export function orphanPids(spawned: ReadonlySet<number>): { zombies: number[]; alive: number[] } {
  const zombies: number[] = [];
  const alive: number[] = [];
  for (const pid of childPids()) {
    if (spawned.has(pid)) continue;
    const stat = parseProcStat(readSmallFile(`/proc/${pid}/stat`) ?? "");
    if (!stat || stat.parentPid !== process.pid) continue;
    (stat.state === "Z" ? zombies : alive).push(pid);
  }
  return { zombies, alive };
}

/** Reaps every zombie orphan; returns how many. */
export function reapOrphans(spawned: ReadonlySet<number>): number {
  let reaped = 0;
  for (const pid of orphanPids(spawned).zombies) if (waitpidNoHang(pid).ok) reaped++;
  return reaped;
}
