// Which sockets listen on a port, from /proc/net/tcp and tcp6: their inodes, which /proc/PID/fd links name
// as socket:[INODE], so the process that really serves a port can be found.
import { TCP_LISTEN } from "./proc-net-tcp.ts";

/** The inodes of the sockets that listen on `port`, over one or more files (tcp and tcp6). */
export function listeningInodes(port: number, ...texts: string[]): string[] {
  const inodes: string[] = [];
  for (const text of texts) {
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || parseInt(fields[3] ?? "", 16) !== TCP_LISTEN) continue;
      if (parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && fields[9]) inodes.push(fields[9]);
    }
  }
  return inodes;
}
