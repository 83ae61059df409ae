// Who holds a lock, across containers. A registry shared by bind mount is read by berths in other pid
// namespaces: their holder's pid means nothing here (every container's berth is pid 1), so a record also
// says its host name and pid namespace, and holders are told apart and named with them.
import type { LockRecord } from "./registry-layout.ts";

type Identity = Pick<LockRecord, "pid" | "startTicks" | "host" | "pidNamespace">;
type Named = Pick<LockRecord, "pid" | "host" | "container" | "pidNamespace">;

/**
 * The container this process runs in, from /proc/self/cgroup: podman (libpod-ID), Docker (/docker/ID) and
 * Kubernetes runtimes (cri-containerd-ID, crio-ID) all put the 64-hex container ID in the cgroup path;
 * shortened to the 12 characters `podman ps` and `docker ps` show. Undefined on a host, or where a private
 * cgroup namespace hides the path.
 */
export function containerIdFromCgroup(text: string): string | undefined {
  const ids = text.match(/[0-9a-f]{64}/g);
  return ids ? ids[ids.length - 1]!.slice(0, 12) : undefined;
}

/** One key per holding process, even when two containers' berths are both pid 1. */
export function holderKey(record: Identity): string {
  return `${record.pidNamespace ?? ""}/${record.pid}/${record.startTicks}`;
}

/** Whether the holder's pid is one this process can see and signal. */
export function inOurPidNamespace(record: Named, ourPidNamespace: string | undefined): boolean {
  return record.pidNamespace === undefined || ourPidNamespace === undefined || record.pidNamespace === ourPidNamespace;
}

/**
 * The holder as a user here can find it: "pid 812", or for one in another pid namespace "pid 1 in
 * 997b3ab367aa (another pid namespace)", or "pid 4242 (pid 1 in 997b3ab367aa)" where /proc/locks shows
 * this host's pid for it (seenAsPid).
 */
export function describeHolderPid(record: Named, ourPidNamespace: string | undefined, seenAsPid?: number): string {
  if (inOurPidNamespace(record, ourPidNamespace)) return `pid ${record.pid}`;
  const where = record.container ? `container ${record.container}` : record.host;
  if (seenAsPid) return `pid ${seenAsPid} (pid ${record.pid} in ${where ?? "another pid namespace"})`;
  const namespace = record.pidNamespace ? `another pid namespace, ${record.pidNamespace}` : "another pid namespace";
  return where ? `pid ${record.pid} in ${where} (${namespace})` : `pid ${record.pid} in ${namespace}`;
}
