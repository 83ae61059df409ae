// Which process holds an open file or socket, by what its /proc/PID/fd link reads: socket:[INODE] for a
// socket, the path for a file. A walk of every process's descriptors, so it is only ever made to name a holder
// in a refusal or in `berth status`, never on a path that succeeds. Processes this one may not look into
// (another user's, as non-root) are skipped: what they hold stays unnamed.
import { listDirectory, readlink } from "../../ffi/libc.ts";

/** For each link target (socket:[INODE], or a file's path), the first process found holding it. */
export function pidsHoldingTargets(targets: ReadonlySet<string>): Map<string, number> {
  const owners = new Map<string, number>();
  if (targets.size === 0) return owners;
  const processes = listDirectory("/proc");
  if (!processes.ok) return owners;
  for (const { name } of processes.value.entries) {
    if (!/^\d+$/.test(name)) continue;
    const descriptors = listDirectory(`/proc/${name}/fd`);
    if (!descriptors.ok) continue;
    for (const descriptor of descriptors.value.entries) {
      const target = readlink(`/proc/${name}/fd/${descriptor.name}`);
      if (target.ok && targets.has(target.value) && !owners.has(target.value)) owners.set(target.value, Number(name));
    }
    if (owners.size === targets.size) break;
  }
  return owners;
}

/** The holders of sockets, by inode. */
export function pidsHoldingSockets(inodes: ReadonlySet<string>): Map<string, number> {
  const byTarget = pidsHoldingTargets(new Set([...inodes].map((inode) => `socket:[${inode}]`)));
  return new Map([...byTarget].map(([target, pid]) => [target.slice(8, -1), pid]));
}
