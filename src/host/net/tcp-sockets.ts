// The TCP sockets on this host, by local port and state, from /proc/net/tcp and /proc/net/tcp6.
import { tcpStatesByPort } from "../../core/ports/proc-net-tcp.ts";
import { readSmallFile } from "../../ffi/libc.ts";

export function tcpStatesOnThisHost(): Map<number, number[]> {
  return tcpStatesByPort(readSmallFile("/proc/net/tcp", 64 << 20) ?? "", readSmallFile("/proc/net/tcp6", 64 << 20) ?? "");
}
