// Who really serves a server's port: the listening socket's inode (sock_diag, or /proc/net/tcp) matched against the
// descriptors of the server's own process tree. A health answer proves only that something answers; a
// stranger on the port (another job's server after a lost bind, any process that got there first) must never
// make a server healthy. The fd walk is cached: a socket once found in the tree is not looked for again.
import { listDirectory, readlink, readSmallFile } from "../../ffi/libc.ts";
import { pidsHoldingSockets } from "../process/descriptor-owners.ts";
import { listeningSocketsOnThisHost } from "./tcp-sockets.ts";

export type PortOwner =
  | { kind: "ours"; inodes: string[] }
  /** Something else listens there: by pid and command where this process may see it. */
  | { kind: "stranger"; pid?: number; command?: string }
  /** Nothing listens in this network namespace (the server may listen in another): nothing to judge. */
  | { kind: "unknown" };

/** The server's pid and every descendant, through each task's children list. */
function processTree(root: number): number[] {
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    tree.push(pid);
    const tasks = listDirectory(`/proc/${pid}/task`);
    if (!tasks.ok) continue;
    for (const task of tasks.value.entries) {
      if (task.name.startsWith(".")) continue;
      for (const child of (readSmallFile(`/proc/${pid}/task/${task.name}/children`) ?? "").split(" ")) if (child.trim()) queue.push(Number(child));
    }
  }
  return tree;
}

function socketsOf(pid: number): Set<string> {
  const sockets = new Set<string>();
  const descriptors = listDirectory(`/proc/${pid}/fd`);
  if (!descriptors.ok) return sockets;
  for (const { name } of descriptors.value.entries) {
    const target = readlink(`/proc/${pid}/fd/${name}`);
    if (target.ok && target.value.startsWith("socket:[")) sockets.add(target.value.slice(8, -1));
  }
  return sockets;
}

/**
 * Whether `serverPid`'s tree owns every socket that listens on `port`; `known`: inodes found in it before.
 * `maxAgeMs`: a recent dump may say "ours" for known inodes; any other answer is read afresh.
 */
export function portOwner(port: number, serverPid: number, known: ReadonlySet<string> = new Set(), maxAgeMs = 0): PortOwner {
  if (maxAgeMs > 0) {
    const recent = listeningSocketsOnThisHost(maxAgeMs).get(port) ?? [];
    if (recent.length > 0 && recent.every((inode) => known.has(inode))) return { kind: "ours", inodes: recent };
  }
  const inodes = listeningSocketsOnThisHost().get(port) ?? [];
  if (inodes.length === 0) return { kind: "unknown" };
  if (inodes.every((inode) => known.has(inode))) return { kind: "ours", inodes };
  const ours = new Set<string>();
  for (const pid of processTree(serverPid)) for (const socket of socketsOf(pid)) if (inodes.includes(socket)) ours.add(socket);
  const foreign = inodes.filter((inode) => !ours.has(inode));
  if (foreign.length === 0) return { kind: "ours", inodes };
  const pid = pidsHoldingSockets(new Set(foreign)).get(foreign[0]!);
  const command = pid === undefined ? undefined : readSmallFile(`/proc/${pid}/comm`)?.trim();
  return { kind: "stranger", pid, command };
}

/** The process listening on a port, in words, for a refusal: an orphan of a berth that is gone, say. */
export function listenerOf(port: number): string | undefined {
  const inodes = listeningSocketsOnThisHost().get(port) ?? [];
  if (inodes.length === 0) return undefined;
  const pid = pidsHoldingSockets(new Set(inodes)).get(inodes[0]!);
  if (pid === undefined) return undefined;
  const command = readSmallFile(`/proc/${pid}/comm`)?.trim();
  return `pid ${pid}${command ? ` (${command})` : ""}`;
}

export function describeStranger(port: number, owner: Extract<PortOwner, { kind: "stranger" }>, label: string): string {
  const who = owner.pid === undefined ? "another process (not visible from here)" : `pid ${owner.pid}${owner.command ? ` (${owner.command})` : ""}`;
  return `port ${port} is served by ${who}, not by ${label}`;
}
