// Which sockets listen on which port, from /proc/net/tcp and tcp6: their inodes, which /proc/PID/fd links name
// as socket:[INODE], so the process that really serves a port can be found. The fallback where the kernel's
// sock_diag netlink interface (ffi/sock-diag.ts) is not allowed.
import { TCP_LISTEN } from "./proc-net-tcp.ts";

/** The inodes of listening sockets by local port, over one or more files (tcp and tcp6). */
export function listeningInodesByPort(...texts: string[]): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const text of texts) {
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || !fields[9] || parseInt(fields[3] ?? "", 16) !== TCP_LISTEN) continue;
      const port = parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
      byPort.set(port, [...(byPort.get(port) ?? []), fields[9]]);
    }
  }
  return byPort;
}
