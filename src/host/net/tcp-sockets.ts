// The TCP sockets on this host, by local port: their states, and the listening ones' inodes, from the
// kernel's sock_diag (binary, and filtered by state in the kernel: thousands of TIME_WAIT sockets cost
// next to nothing), falling back to /proc/net/tcp and tcp6 where netlink is not allowed.
import { listeningInodesByPort } from "../../core/ports/listening-sockets.ts";
import { tcpStatesByPort } from "../../core/ports/proc-net-tcp.ts";
import { readSmallFile } from "../../ffi/libc.ts";
import { listeningSockets, tcpStates } from "../../ffi/sock-diag.ts";

const procNetTcp = () => [readSmallFile("/proc/net/tcp", 64 << 20) ?? "", readSmallFile("/proc/net/tcp6", 64 << 20) ?? ""];

export function tcpStatesOnThisHost(): Map<number, number[]> {
  return tcpStates() ?? tcpStatesByPort(...procNetTcp());
}

let lastDump: { at: number; sockets: Map<number, string[]> } | undefined;

/**
 * The inodes of the sockets listening on each port of this network namespace. `maxAgeMs`: a dump read that
 * recently may serve instead (the liveness checks of servers that became healthy together come together:
 * one dump serves a round of them, where one each cost 0.4% of a core with 64 idle servers).
 */
export function listeningSocketsOnThisHost(maxAgeMs = 0): Map<number, string[]> {
  const now = performance.now();
  if (lastDump && maxAgeMs > 0 && now - lastDump.at <= maxAgeMs) return lastDump.sockets;
  const sockets = listeningSockets() ?? listeningInodesByPort(...procNetTcp());
  lastDump = { at: now, sockets };
  return sockets;
}
