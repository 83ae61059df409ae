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

/** The inodes of the sockets listening on each port of this network namespace. */
export function listeningSocketsOnThisHost(): Map<number, string[]> {
  return listeningSockets() ?? listeningInodesByPort(...procNetTcp());
}
