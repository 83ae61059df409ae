// No orphan outlives berth, where the host allows it: the servers run in a cgroup v2 of their own
// (<berth's cgroup>/berth-servers-<pid>), so everything they start is in it, even a grandchild that called
// setsid, and writing cgroup.kill ends all of it at once. berth's guardian does that when berth dies, however
// it dies; the next berth sweeps cgroups left by berths that are gone. berth itself enters the cgroup before
// it starts any server (its guardian stays outside), so each server is in it from its first instruction:
// moving a server in after spawn came ~10 ms late, time enough for it to fork. Without cgroup v2, or without the
// right to make a child of berth's own cgroup (no root, no delegation), berth falls back to process groups
// and PR_SET_PDEATHSIG, and says so in `berth probe`.
import { parseCgroupV2Mount, parseOwnCgroup } from "../../core/process/cgroup-paths.ts";
import { close, isWritable, listDirectory, mkdir, open, readSmallFile, rmdir, write } from "../../ffi/libc.ts";
import { ERRNO, O_CLOEXEC, O_WRONLY } from "../../ffi/linux-constants.ts";

export type OrphanProtection = { kind: "cgroup"; parent: string } | { kind: "process-groups"; why: string };

export interface ServerCgroup {
  readonly path: string;
  /** berth leaves the cgroup (back to where it was), then every process left in it gets SIGKILL and the cgroup goes. */
  killAndRemove(): Promise<void>;
}

const PREFIX = "berth-servers-";

/** Where a cgroup of berth's own would go, or why there can be none here. */
export function orphanProtection(): OrphanProtection {
  const mount = parseCgroupV2Mount(readSmallFile("/proc/self/mountinfo") ?? "");
  if (!mount) return { kind: "process-groups", why: "no cgroup v2 is mounted" };
  const own = parseOwnCgroup(readSmallFile("/proc/self/cgroup") ?? "");
  if (own === undefined) return { kind: "process-groups", why: "this process's cgroup v2 is unknown" };
  const parent = `${mount}${own === "/" ? "" : own}`;
  if (!isWritable(parent) || !isWritable(`${parent}/cgroup.procs`)) return { kind: "process-groups", why: `berth may not make a cgroup under ${parent} (not root, and not delegated to this user)` };
  return { kind: "cgroup", parent };
}

function writeText(path: string, text: string): boolean {
  const opened = open(path, O_WRONLY | O_CLOEXEC);
  if (!opened.ok) return false;
  const written = write(opened.value, new TextEncoder().encode(text));
  close(opened.value);
  return written.ok;
}

function killAll(path: string): void {
  if (writeText(`${path}/cgroup.kill`, "1")) return;
  // Kernels before 5.14 have no cgroup.kill: each process in turn.
  for (const pid of (readSmallFile(`${path}/cgroup.procs`) ?? "").split("\n").filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already
    }
  }
}

/** Removes an emptied cgroup, waiting (up to ~2 s) for its killed processes to be gone. */
async function removeWhenEmpty(path: string): Promise<void> {
  for (let round = 0; round < 200; round++) {
    const removed = rmdir(path);
    if (removed.ok || removed.errno === ERRNO.ENOENT) return;
    if (removed.errno !== 16 /* EBUSY */) return;
    await Bun.sleep(10);
  }
}

/** Cgroups of berths that are gone (killed with their guardian, or the machine's berth crashed): ended and removed. */
function sweepLeftovers(parent: string): void {
  const listing = listDirectory(parent);
  if (!listing.ok) return;
  for (const { name } of listing.value.entries) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length));
    if (!Number.isInteger(pid) || readSmallFile(`/proc/${pid}/stat`) !== undefined) continue;
    killAll(`${parent}/${name}`);
    void removeWhenEmpty(`${parent}/${name}`);
  }
}

export function createServerCgroup(protection = orphanProtection()): ServerCgroup | undefined {
  if (protection.kind !== "cgroup") return undefined;
  sweepLeftovers(protection.parent);
  const path = `${protection.parent}/${PREFIX}${process.pid}`;
  const made = mkdir(path, 0o755);
  if (!made.ok && made.errno !== ERRNO.EEXIST) return undefined;
  if (!writeText(`${path}/cgroup.procs`, String(process.pid))) {
    rmdir(path);
    return undefined;
  }
  return {
    path,
    async killAndRemove() {
      writeText(`${protection.parent}/cgroup.procs`, String(process.pid));
      killAll(path);
      await removeWhenEmpty(path);
    },
  };
}
