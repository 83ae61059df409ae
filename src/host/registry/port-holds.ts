// Free checks and holds for one port, in one step. The hold socket is bound *without* SO_REUSEADDR, which
// succeeds only if no socket of any kind has the port (the free check), and then gets SO_REUSEADDR, so
// the server berth starts can still bind it. Bun's own listen always sets SO_REUSEADDR and cannot tell.
import { bind, close, setIpv6Only, setReuseAddress, tcpSocket } from "../../ffi/libc.ts";
import { AF_INET, AF_INET6, ERRNO } from "../../ffi/linux-constants.ts";
import { scratchIpv4, scratchIpv6 } from "../../ffi/sockaddr.ts";
import { onlyTimeWait } from "../../core/ports/proc-net-tcp.ts";
import { tcpStatesOnThisHost } from "../net/tcp-sockets.ts";

/** allowTimeWait: a port whose only sockets are TIME_WAIT counts as free (see holdPort). */
export interface HoldOptions {
  allowTimeWait: boolean;
}

export type PortHold = { ok: true; sockets: number[]; checked: "ipv4+ipv6" | "ipv4" } | { ok: false; reason: string };

function bindPlainThenShare(family: number, address: Uint8Array, shareFirst = false): { ok: true; fd: number } | { ok: false; errno: number; name: string } {
  const socket = tcpSocket(family);
  if (!socket.ok) return socket;
  const fd = socket.value;
  if (shareFirst) setReuseAddress(fd);
  if (family === AF_INET6) {
    const v6only = setIpv6Only(fd);
    if (!v6only.ok) {
      close(fd);
      return v6only;
    }
  }
  const bound = bind(fd, address);
  if (!bound.ok) {
    close(fd);
    return bound;
  }
  setReuseAddress(fd);
  return { ok: true, fd };
}


/**
 * Checks that TCP 0.0.0.0:port and [::]:port are free and holds both with bound, non-listening sockets.
 * With allowTimeWait, a port whose only sockets are TIME_WAIT counts as free: a planned block must be
 * usable right after the previous run stopped, and servers bind with SO_REUSEADDR. (A plain bind refuses
 * such a port for about 60 s.)
 */
export function holdPort(port: number, { allowTimeWait }: HoldOptions): PortHold {
  // Read /proc/net at most once per port, and only when a plain bind was refused.
  let timeWait: boolean | undefined;
  const timeWaitOnly = () => (timeWait ??= allowTimeWait && onlyTimeWait(tcpStatesOnThisHost().get(port)));
  let ipv4 = bindPlainThenShare(AF_INET, scratchIpv4(port));
  if (!ipv4.ok && ipv4.errno === ERRNO.EADDRINUSE && timeWaitOnly()) ipv4 = bindPlainThenShare(AF_INET, scratchIpv4(port), true);
  if (!ipv4.ok) return { ok: false, reason: `0.0.0.0:${port} ${ipv4.name}` };
  let ipv6 = bindPlainThenShare(AF_INET6, scratchIpv6(port));
  if (!ipv6.ok && ipv6.errno === ERRNO.EADDRINUSE && timeWaitOnly()) ipv6 = bindPlainThenShare(AF_INET6, scratchIpv6(port), true);
  if (ipv6.ok) return { ok: true, sockets: [ipv4.fd, ipv6.fd], checked: "ipv4+ipv6" };
  // No IPv6 on this host (or in this container): IPv4 alone decides, and the hold says so.
  if (ipv6.errno === ERRNO.EAFNOSUPPORT || ipv6.errno === 99 /* EADDRNOTAVAIL */) return { ok: true, sockets: [ipv4.fd], checked: "ipv4" };
  close(ipv4.fd);
  return { ok: false, reason: `[::]:${port} ${ipv6.name}` };
}

export function releaseHold(sockets: readonly number[]): void {
  for (const fd of sockets) close(fd);
}
