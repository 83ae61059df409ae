// Which process holds an open socket, by the socket's inode: each process's /proc/PID/fd links read as
// socket:[INODE]. A walk of every process's descriptors, so it is only ever made to name a holder in a
// refusal or in `berth status`, never on a path that succeeds. Processes this one may not look into
// (another user's, as non-root) are skipped: their sockets stay unnamed.
import { listDirectory, readlink } from "../../ffi/libc.ts";

export function pidsHoldingSockets(inodes: ReadonlySet<string>): Map<string, number> {
  const owners = new Map<string, number>();
  if (inodes.size === 0) return owners;
  const processes = listDirectory("/proc");
  if (!processes.ok) return owners;
  for (const { name } of processes.value.entries) {
    if (!/^\d+$/.test(name)) continue;
    const descriptors = listDirectory(`/proc/${name}/fd`);
    if (!descriptors.ok) continue;
    for (const descriptor of descriptors.value.entries) {
      const target = readlink(`/proc/${name}/fd/${descriptor.name}`);
      if (!target.ok || !target.value.startsWith("socket:[")) continue;
      const inode = target.value.slice(8, -1);
      if (inodes.has(inode) && !owners.has(inode)) owners.set(inode, Number(name));
    }
    if (owners.size === inodes.size) break;
  }
  return owners;
}
