// The listening TCP sockets of this network namespace, from the kernel's sock_diag netlink interface (what
// `ss -ltn` uses): the kernel filters by state, so a host with thousands of TIME_WAIT sockets costs nothing
// here, where /proc/net/tcp must be generated and parsed whole (7 ms at 940 sockets, every time). Undefined
// where netlink is not allowed (a seccomp profile, a sandbox): callers fall back to /proc/net/tcp.
import { ptr } from "bun:ffi";
import { close, netlinkRequest, netlinkSocket } from "./libc.ts";
import { AF_INET, AF_INET6, AF_UNIX } from "./linux-constants.ts";

const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const IPPROTO_TCP = 6;
const TCP_LISTEN = 10;
const HEADER = 16;

const ALL_STATES = 0xfff;

/** A sock_diag dump request: the nlmsghdr, then `bodyLength` bytes of request that `fill` writes. */
function dumpRequest(bodyLength: number, fill: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(HEADER + bodyLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, bytes.length, true); // nlmsg_len
  view.setUint16(4, SOCK_DIAG_BY_FAMILY, true); // nlmsg_type
  view.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, true); // nlmsg_flags
  fill(bytes, view);
  return bytes;
}

/** inet_diag_req_v2 (56 bytes): every TCP socket of one family in the given states (a bit each). */
function request(family: number, states: number): Uint8Array {
  return dumpRequest(56, (bytes, view) => {
    bytes[HEADER] = family; // sdiag_family
    bytes[HEADER + 1] = IPPROTO_TCP; // sdiag_protocol
    view.setUint32(HEADER + 4, states, true); // idiag_states
  });
}

const RECEIVE = new Uint8Array(64 << 10);

type Visit = (port: number, state: number, inode: number) => void;

/**
 * Reads a dump's answers until NLMSG_DONE, handing each message's payload (from its offset to its end) to
 * `visit`; false when netlink said no, or `visit` found a message it cannot read.
 */
function readDump(fd: number, visit: (view: DataView, payload: number, end: number) => boolean): boolean {
  const view = new DataView(RECEIVE.buffer);
  for (;;) {
    const count = netlinkRequest.receive(fd, ptr(RECEIVE), RECEIVE.length);
    if (count <= 0) return false;
    for (let offset = 0; offset + HEADER <= count; ) {
      const length = view.getUint32(offset, true);
      const type = view.getUint16(offset + 4, true);
      if (type === NLMSG_DONE) return true;
      if (type === NLMSG_ERROR || length < HEADER || !visit(view, offset + HEADER, offset + length)) return false;
      offset += (length + 3) & ~3;
    }
  }
}

/** Visits each socket of one family in the given states; false when netlink said no (or something unexpected). */
function dumpFamily(fd: number, family: number, states: number, visit: Visit): boolean {
  if (!netlinkRequest.send(fd, request(family, states))) return false;
  // inet_diag_msg: idiag_state at +1, idiag_sport (network order) at +4, idiag_inode at +68
  return readDump(fd, (view, message) => {
    visit(view.getUint16(message + 4, false), view.getUint8(message + 1), view.getUint32(message + 68, true));
    return true;
  });
}

/** Every TCP socket (IPv4 and IPv6) in the given states; false when netlink is unavailable. */
function eachSocket(states: number, visit: Visit): boolean {
  const socket = netlinkSocket(NETLINK_SOCK_DIAG);
  if (socket === undefined) return false;
  try {
    if (!dumpFamily(socket, AF_INET, states, visit)) return false;
    dumpFamily(socket, AF_INET6, states, visit); // a host without IPv6 refuses this one: IPv4 alone is the answer
    return true;
  } finally {
    close(socket);
  }
}

/** Every listening TCP socket by local port, as inodes; undefined when netlink is unavailable. */
export function listeningSockets(): Map<number, string[]> | undefined {
  const sockets = new Map<number, string[]>();
  const add = (port: number, _state: number, inode: number) => sockets.set(port, [...(sockets.get(port) ?? []), String(inode)]);
  return eachSocket(1 << TCP_LISTEN, add) ? sockets : undefined;
}

/** Every TCP socket's state by local port (what /proc/net/tcp and tcp6 say, in binary); undefined without netlink. */
export function tcpStates(): Map<number, number[]> | undefined {
  const states = new Map<number, number[]>();
  const add = (port: number, state: number) => {
    const list = states.get(port);
    if (list) list.push(state);
    else states.set(port, [state]);
  };
  return eachSocket(ALL_STATES, add) ? states : undefined;
}

const UDIAG_SHOW_NAME = 0x1;
const UNIX_DIAG_NAME = 0;
const UNIX_DIAG_MSG = 16;
const NAME_DECODER = new TextDecoder();

/** A bound unix socket that neither listens nor connects is in TCP_CLOSE (what `ss -x` calls UNCONN). */
const UNCONNECTED = 1 << 7;

/** unix_diag_req (24 bytes): every unconnected unix socket of this network namespace, with its name. */
function unixRequest(): Uint8Array {
  return dumpRequest(24, (bytes, view) => {
    bytes[HEADER] = AF_UNIX; // sdiag_family
    view.setUint32(HEADER + 4, UNCONNECTED, true); // udiag_states
    view.setUint32(HEADER + 12, UDIAG_SHOW_NAME, true); // udiag_show
  });
}

/**
 * The abstract name in one unix_diag message's attributes (without its leading NUL) when it starts with
 * `prefix`; compared as bytes first, so only the names asked for are decoded.
 */
function abstractName(view: DataView, from: number, to: number, prefix: Uint8Array): string | undefined {
  for (let at = from; at + 4 <= to; ) {
    const length = view.getUint16(at, true);
    if (length < 4) return undefined;
    if (view.getUint16(at + 2, true) === UNIX_DIAG_NAME && length > 5 && view.getUint8(at + 4) === 0) {
      if (length - 5 < prefix.length) return undefined;
      for (let index = 0; index < prefix.length; index++) if (view.getUint8(at + 5 + index) !== prefix[index]) return undefined;
      return NAME_DECODER.decode(new Uint8Array(view.buffer, at + 5, length - 5));
    }
    at += (length + 3) & ~3;
  }
  return undefined;
}

/**
 * Every unconnected unix socket with an abstract name that starts with `prefix` (berth's guards are bound and
 * never listen or connect): its name (without the leading NUL, as /proc/net/unix shows it after its @) and
 * its inode. What /proc/net/unix says, in binary and without the host's connected sockets (a busy node has
 * thousands); undefined when netlink is unavailable.
 */
export function abstractUnixSockets(prefix: string): Map<string, string> | undefined {
  const socket = netlinkSocket(NETLINK_SOCK_DIAG);
  if (socket === undefined) return undefined;
  try {
    if (!netlinkRequest.send(socket, unixRequest())) return undefined;
    const found = new Map<string, string>();
    const wanted = new TextEncoder().encode(prefix);
    const read = readDump(socket, (view, message, end) => {
      if (end - message < UNIX_DIAG_MSG) return false;
      const name = abstractName(view, message + UNIX_DIAG_MSG, end, wanted);
      // unix_diag_msg: udiag_ino at +4
      if (name !== undefined) found.set(name, String(view.getUint32(message + 4, true)));
      return true;
    });
    return read ? found : undefined;
  } finally {
    close(socket);
  }
}
